"""A candidate withdrawn after the owners' vote on their election has been set up
(disclosures.votes.withdrawals).

While the vote is a draft the candidate leaves its ballot in the same transaction, with an
audit entry on the vote (DOMAIN 2.4: the ballot lists the candidates still standing). Once
the vote is opened its ballot has gone out: the withdrawal is refused with the reason and
nothing is written (DOMAIN 2.2–2.3: owners vote on the notice and the form they received;
1.9: every ballot kept as cast). Cancelling the vote frees the candidate to withdraw and a
new vote lists only those still standing."""

from __future__ import annotations

import json

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils.html import escape
from wagtail.models import ModelLogEntry

from committees.choices import CandidateStatus
from committees.elections.services import elections as election_services
from committees.models import Candidate
from disclosures.votes import services
from disclosures.votes.choices import VoteStatus
from disclosures.votes.models import Ballot, BallotMark, ElectionItem
from disclosures.votes.withdrawals import ACTION_ITEM_REMOVED
from tests.committees.committee_helpers import owners_in
from tests.votes.helpers import confirm_all
from tests.votes.test_election_votes import (
    cast,
    counted,
    election_vote,
    entries_by_room,
    published_election,
)

pytestmark = pytest.mark.django_db

WITHDRAW = "committees.candidate.withdraw"


def codes(error) -> set[str]:
    return {e.code for e in error.value.error_list}


def setup(world, *, seats: int = 1, count: int = 3, open_it: bool = False):
    owners = owners_in(world.tree.compounds[0], count)
    election = published_election(world, owners, seats=seats)
    vote = election_vote(world, election, open_it=open_it)
    candidates = [election.candidates.get(owner=owner) for owner in owners]
    return vote, candidates


def withdraw(world, candidate, reason: str = "本人书面申请退出"):
    return election_services.candidate_withdraw(
        candidate=candidate, actor=world.street, reason=reason
    )


def ballot_names(vote) -> list[tuple[int, str]]:
    return list(vote.items.order_by("order").values_list("order", "name"))


def withdraw_entries(candidate) -> int:
    return ModelLogEntry.objects.for_instance(candidate).filter(action=WITHDRAW).count()


# ------------------------------------------------------------------ a draft vote


class TestDraftVote:
    def test_the_candidate_leaves_the_draft_ballot_with_an_audit_entry_domain_2_4(self, world):
        vote, (a, b, c) = setup(world)
        withdraw(world, b, reason="工作调动，书面申请退出")
        b.refresh_from_db()
        assert b.status == CandidateStatus.WITHDRAWN
        assert withdraw_entries(b) == 1
        # The others close up: 1, 2 in their order.
        assert ballot_names(vote) == [(1, a.name), (2, c.name)]
        assert not ElectionItem.objects.filter(candidate=b).exists()
        entry = ModelLogEntry.objects.for_instance(vote).get(action=ACTION_ITEM_REMOVED)
        assert entry.user == world.street
        assert entry.data == {
            "candidate": b.pk,
            "name": b.name,
            "reason": "工作调动，书面申请退出",
            "candidates": [a.name, c.name],
        }

    def test_the_opened_vote_has_no_choice_for_them_and_the_seat_cap_holds_domain_2_4(self, world):
        vote, (a, b, c) = setup(world, seats=1)
        withdraw(world, a)
        services.vote_open(vote=vote, actor=world.member)
        rooms = entries_by_room(vote)
        # A choice for the withdrawn candidate is refused, naming the unit and the name.
        with pytest.raises(ValidationError) as error:
            cast(world, vote, rooms["101"], {a.name: "同意", b.name: "反对", c.name: "反对"})
        assert codes(error) == {"unknown_candidate"}
        assert "101" in error.value.messages[0] and a.name in error.value.messages[0]
        # Still one seat: agreeing to both standing candidates is over the cap.
        with pytest.raises(ValidationError) as error:
            cast(world, vote, rooms["101"], {b.name: "同意", c.name: "同意"})
        assert codes(error) == {"too_many_agree"}
        ballot = cast(world, vote, rooms["101"], {b.name: "同意", c.name: "反对"})
        assert {m.item.name for m in ballot.marks.select_related("item")} == {b.name, c.name}

    def test_a_sheet_with_a_column_for_them_is_refused_naming_them_domain_2_4(self, world):
        from disclosures.votes.importing import BallotImportError, ballots_import

        vote, (a, b, c) = setup(world, seats=1)
        withdraw(world, a)
        services.vote_open(vote=vote, actor=world.member)
        header = f"楼栋,单元,房号,{a.name},{b.name},{c.name}\n"
        sheet = header + "1栋,1单元,101,同意,同意,反对\n"
        with pytest.raises(BallotImportError) as error:
            ballots_import(vote=vote, actor=world.member, data=sheet.encode(), name="x.csv")
        assert error.value.rows[0][0] == 0
        assert a.name in error.value.rows[0][1] and "已退出候选" in error.value.rows[0][1]
        assert not Ballot.objects.filter(vote=vote).exists()
        sheet = f"楼栋,单元,房号,{b.name},{c.name}\n1栋,1单元,101,同意,反对\n"
        ballots_import(vote=vote, actor=world.member, data=sheet.encode(), name="x.csv")
        marks = BallotMark.objects.filter(ballot__vote=vote)
        assert sorted(marks.values_list("item__name", flat=True)) == sorted([b.name, c.name])

    def test_the_tally_never_seats_them_domain_1_4(self, world):
        vote, (a, b) = setup(world, seats=1, count=2)
        withdraw(world, a)
        services.vote_open(vote=vote, actor=world.member)
        for entry in vote.electorate.all():
            cast(world, vote, entry, {b.name: "同意"})
        data = counted(world, vote).result["election"]
        assert [row["name"] for row in data["candidates"]] == [b.name]
        assert data["elected_names"] == [b.name]

    def test_a_draft_whose_candidates_all_withdrew_cannot_open(self, world):
        vote, candidates = setup(world, count=2)
        for candidate in candidates:
            withdraw(world, candidate)
        assert not vote.items.exists()
        with pytest.raises(ValidationError) as error:
            services.vote_open(vote=vote, actor=world.member)
        assert codes(error) == {"no_candidates_left"}
        vote.refresh_from_db()
        assert vote.status == VoteStatus.DRAFT and not vote.electorate.exists()


# ------------------------------------------------------------------ a vote under way


class TestVoteUnderWay:
    def test_refused_once_the_vote_is_open_and_nothing_is_written_domain_2_3_1_9(self, world):
        vote, (a, b, c) = setup(world, seats=2, open_it=True)
        rooms = entries_by_room(vote)
        cast(world, vote, rooms["101"], {a.name: "同意", b.name: "同意", c.name: "反对"})
        before = ModelLogEntry.objects.count()
        with pytest.raises(ValidationError) as error:
            withdraw(world, b)
        assert codes(error) == {"vote_under_way"}
        message = error.value.messages[0]
        assert vote.title in message and b.name in message
        assert "已开启" in message and "表决中" in message and "取消该表决" in message
        b.refresh_from_db()
        assert b.status == CandidateStatus.PASSED
        assert ModelLogEntry.objects.count() == before
        assert ballot_names(vote) == [(1, a.name), (2, b.name), (3, c.name)]
        assert BallotMark.objects.filter(ballot__vote=vote, item__candidate=b).count() == 1

    def test_refused_after_the_vote_closed_or_was_counted_domain_1_9(self, world):
        vote, (a, b) = setup(world, count=2, open_it=True)
        cast(world, vote, entries_by_room(vote)["101"], {a.name: "同意", b.name: "反对"})
        services.vote_close(vote=vote, actor=world.member)
        with pytest.raises(ValidationError) as error:
            withdraw(world, a)
        assert codes(error) == {"vote_over"} and "已截止投票" in error.value.messages[0]
        confirm_all(world, vote)
        services.vote_count(vote=vote, actor=world.member)
        with pytest.raises(ValidationError) as error:
            withdraw(world, a)
        assert codes(error) == {"vote_over"} and "已计票" in error.value.messages[0]
        a.refresh_from_db()
        assert a.status == CandidateStatus.PASSED and withdraw_entries(a) == 0

    def test_outside_the_jurisdiction_is_denied_before_the_vote_is_named(self, world):
        _vote, (a, _b) = setup(world, count=2, open_it=True)
        with pytest.raises(PermissionDenied):
            election_services.candidate_withdraw(
                candidate=a, actor=world.other_street, reason="本人申请"
            )

    def test_cancelling_the_vote_frees_the_candidate_and_a_new_vote_omits_them(self, world):
        vote, (a, b, c) = setup(world, seats=2, open_it=True)
        cast(
            world,
            vote,
            entries_by_room(vote)["101"],
            {a.name: "同意", b.name: "同意", c.name: "反对"},
        )
        services.vote_cancel(vote=vote, actor=world.member, reason="候选人申请退出，重新组织")
        withdraw(world, b)
        b.refresh_from_db()
        assert b.status == CandidateStatus.WITHDRAWN
        # The cancelled vote keeps its ballot and items as cast (DOMAIN 1.9).
        assert ballot_names(vote) == [(1, a.name), (2, b.name), (3, c.name)]
        assert Ballot.objects.filter(vote=vote).count() == 1
        assert not ModelLogEntry.objects.for_instance(vote).filter(action=ACTION_ITEM_REMOVED)
        again = election_vote(world, b.election, open_it=False)
        assert ballot_names(again) == [(1, a.name), (2, c.name)]


# ------------------------------------------------------------------ admin and API


class TestScreens:
    def test_the_admin_screen_shows_the_refusal(self, client, world):
        vote, (a, _b) = setup(world, count=2, open_it=True)
        client.force_login(world.street)
        url = reverse("committees_reviews:withdraw", args=[a.pk])
        response = client.post(url, {"reason": "本人书面申请退出"}, follow=True)
        assert response.status_code == 200
        page = response.content.decode()
        assert escape(vote.title) in page and "不能退出候选" in page and "取消该表决" in page
        assert Candidate.objects.get(pk=a.pk).status == CandidateStatus.PASSED

    def test_the_admin_screen_withdraws_from_a_draft(self, client, world):
        vote, (a, b) = setup(world, count=2)
        client.force_login(world.street)
        url = reverse("committees_reviews:withdraw", args=[a.pk])
        page = client.post(url, {"reason": "本人书面申请退出"}, follow=True).content.decode()
        assert "已退出候选" in page
        assert ballot_names(vote) == [(1, b.name)]

    def test_the_api_answers_400_with_the_reason(self, client, world):
        vote, (a, _b) = setup(world, count=2, open_it=True)
        client.force_login(world.street)
        response = client.post(
            f"/api/registry/candidates/{a.pk}/withdraw",
            json.dumps({"reason": "本人申请"}),
            content_type="application/json",
        )
        assert response.status_code == 400
        assert vote.title in response.json()["detail"]
        assert Candidate.objects.get(pk=a.pk).status == CandidateStatus.PASSED


# ------------------------------------------------------------------ at the same moment


@pytest.fixture
def race_world():
    from tests.factories import build_tree
    from tests.filings.helpers import World

    return World(build_tree())


def on_ballot(vote, candidate) -> bool:
    return ElectionItem.objects.filter(vote=vote, candidate=candidate).exists()


def withdrawing(world, candidate_pk):
    def call():
        try:
            withdraw(world, Candidate.objects.get(pk=candidate_pk))
        except ValidationError as error:
            return f"refused: {error.messages[0]}"
        return "withdrawn"

    return call


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_racing_the_opening_is_in_before_it_or_refused_domain_2_4(race_world):
    from tests.filings.test_filing_race import run_together

    world = race_world
    vote, (a, _b, _c) = setup(world)

    def opening():
        services.vote_open(vote=type(vote).objects.get(pk=vote.pk), actor=world.member)
        return "opened"

    outcomes = run_together(opening, withdrawing(world, a.pk))
    a.refresh_from_db()
    vote.refresh_from_db()
    assert "opened" in outcomes and vote.status == VoteStatus.OPEN
    if "withdrawn" in outcomes:
        assert a.status == CandidateStatus.WITHDRAWN and not on_ballot(vote, a)
    else:
        assert any(o.startswith("refused: 选举表决") for o in outcomes), outcomes
        assert a.status == CandidateStatus.PASSED and on_ballot(vote, a)


@pytest.mark.django_db(transaction=True)
def test_a_withdrawal_racing_the_vote_set_up_leaves_them_off_the_ballot(race_world):
    from tests.filings.test_filing_race import run_together

    world = race_world
    owners = owners_in(world.tree.compounds[0], 3)
    election = published_election(world, owners, seats=1)
    a = election.candidates.get(owner=owners[0])

    def setting_up():
        election_vote(world, election, open_it=False)
        return "set up"

    outcomes = run_together(setting_up, withdrawing(world, a.pk))
    assert outcomes == ["set up", "withdrawn"]
    vote = election.votes.get()
    assert not on_ballot(vote, a)
    assert list(vote.items.order_by("order").values_list("order", flat=True)) == [1, 2]
