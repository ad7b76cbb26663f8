"""Elections of committee members decided by the owners' vote (DOMAIN 1.2 item 3): one
item per candidate who passed the joint review, one choice per candidate on each ballot,
同意 capped at the seats; each candidate judged by DOMAIN 1.3–1.4 as an ordinary matter,
ranked under the region's rule; the final result seats the new term (DOMAIN 4.4)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from ninja.testing import TestClient
from wagtail.models import ModelLogEntry

from committees.choices import (
    CandidateStatus,
    CommitteeKind,
    ElectionStatus,
    LeaveReason,
    ReviewSource,
    ReviewStatus,
)
from committees.deadlines import due_date
from committees.elections.services import elections as election_services
from committees.elections.services.reviews import review_record
from committees.models import CandidateReview, Election
from config.api import api as project_api
from disclosures.filings.choices import MatterType
from disclosures.votes import election_tally, elections, publication, services, tally
from disclosures.votes.choices import ElectionTieRule, VoteStatus
from disclosures.votes.models import Ballot, BallotMark, VoteRules
from tests.committees.committee_helpers import owners_in
from tests.committees.election_helpers import _clerk, ensure_review_setup
from tests.votes.helpers import accepted_filing, add_units, confirm_all, today

pytestmark = pytest.mark.django_db

AGREE, OPPOSE, ABSTAIN = tally.AGREE, tally.OPPOSE, tally.ABSTAIN
CANDIDATE_NOT_ELECTED = "达到当选票数，但名次在应选人数之外"


def codes(error) -> set[str]:
    return {e.code for e in error.value.error_list}


# ------------------------------------------------------------------ builders


def published_election(world, owners, *, seats: int) -> Election:
    """An election of compound 0's committee (换届) with ``owners`` as candidates, every
    one passed by the joint review, the list published."""
    compound = world.tree.compounds[0]
    ensure_review_setup(compound)
    started = today() - timedelta(days=60)
    election = election_services.election_open(
        compound=compound,
        kind=CommitteeKind.OWNERS,
        term_number=2,
        seats=seats,
        started_on=started,
        actor=world.street,
    )
    for owner in owners:
        election_services.candidate_nominate(
            election=election, owner=owner, nominated_on=started, actor=world.street
        )
    election_services.election_start_vetting(
        election=election, actor=world.street, today=started + timedelta(days=5)
    )
    for review in CandidateReview.objects.filter(
        candidate__election=election, source=ReviewSource.DEPARTMENT
    ):
        review_record(review=review, status=ReviewStatus.PASSED, actor=_clerk())
    for candidate in election.candidates.all():
        election_services.candidate_conclude(candidate=candidate, actor=world.street)
    return election_services.election_publish_candidates(election=election, actor=world.street)


def election_vote(world, election, *, open_it: bool = True):
    filing = accepted_filing(
        world, matter_type=MatterType.ELECT_MEMBERS, title="第二届业主委员会换届选举"
    )
    vote = elections.election_vote_create(
        election=election,
        filing=filing,
        actor=world.member,
        starts_on=today() - timedelta(days=2),
        ends_on=today() + timedelta(days=10),
    )
    if open_it:
        services.vote_open(vote=vote, actor=world.member)
    return vote


def cast(world, vote, entry, marks: dict[str, str]):
    return elections.election_ballot_enter(
        vote=vote,
        actor=world.member,
        building=entry.building_name,
        entrance=entry.entrance,
        room=entry.room,
        marks=marks,
    )


def counted(world, vote):
    confirm_all(world, vote)
    services.vote_close(vote=vote, actor=world.member)
    services.vote_count(vote=vote, actor=world.member)
    vote.refresh_from_db()
    return vote


def published_final(world, vote):
    publication.publish_notice(vote=vote, actor=world.member)
    publication.publish_preliminary(vote=vote, actor=world.member)
    type(vote).objects.filter(pk=vote.pk).update(objections_until=today() - timedelta(days=1))
    vote.refresh_from_db()
    publication.publish_final(vote=vote, actor=world.member)
    vote.refresh_from_db()
    return vote


def entries_by_room(vote) -> dict[str, object]:
    return {e.room: e for e in vote.electorate.all()}


# ------------------------------------------------------------------ setting up the vote


class TestElectionVote:
    def test_one_item_per_passed_candidate_and_the_matter_type_is_checked(self, world):
        owners = owners_in(world.tree.compounds[0], 3)
        election = published_election(world, owners, seats=2)
        withdrawn = election.candidates.get(owner=owners[2])
        election_services.candidate_withdraw(candidate=withdrawn, actor=world.street, reason="x")
        vote = election_vote(world, election, open_it=False)
        assert vote.election_id == election.pk
        assert [i.candidate.owner_id for i in vote.items.order_by("order")] == [
            owners[0].pk,
            owners[1].pk,
        ]
        assert ModelLogEntry.objects.filter(
            action="votes.vote.election_create", object_id=str(vote.pk)
        ).exists()
        other = accepted_filing(world)  # a filing on hiring a company
        with pytest.raises(ValidationError) as error:
            elections.election_vote_create(
                election=election,
                filing=other,
                actor=world.member,
                starts_on=today(),
                ends_on=today() + timedelta(days=5),
            )
        assert codes(error) == {"not_election_matter"}

    def test_a_second_live_vote_for_the_election_is_refused(self, world):
        election = published_election(world, owners_in(world.tree.compounds[0], 2), seats=1)
        election_vote(world, election, open_it=False)
        with pytest.raises(ValidationError) as error:
            election_vote(world, election, open_it=False)
        assert codes(error) == {"vote_exists"}


# ------------------------------------------------------------------ ballots


class TestBallots:
    def test_agreeing_to_more_candidates_than_seats_is_refused_naming_the_unit(self, world):
        owners = owners_in(world.tree.compounds[0], 3)
        election = published_election(world, owners, seats=2)
        vote = election_vote(world, election)
        entry = entries_by_room(vote)["101"]
        names = [o.name for o in owners]
        with pytest.raises(ValidationError) as error:
            cast(world, vote, entry, dict.fromkeys(names, "同意"))
        assert codes(error) == {"too_many_agree"}
        message = error.value.messages[0]
        assert "1栋 1单元 101" in message and "3名" in message and "应选人数2人" in message
        assert not Ballot.objects.filter(vote=vote).exists()
        # Exactly the seats is fine; the others may be opposed or abstained.
        ballot = cast(world, vote, entry, {names[0]: "同意", names[1]: "同意", names[2]: "反对"})
        assert ballot.marks.count() == 3

    def test_every_candidate_needs_a_choice_and_a_known_name(self, world):
        owners = owners_in(world.tree.compounds[0], 2)
        vote = election_vote(world, published_election(world, owners, seats=1))
        entry = entries_by_room(vote)["101"]
        with pytest.raises(ValidationError) as error:
            cast(world, vote, entry, {owners[0].name: "同意"})
        assert codes(error) == {"marks_missing"} and owners[1].name in error.value.messages[0]
        with pytest.raises(ValidationError) as error:
            cast(world, vote, entry, {owners[0].name: "同意", "张三丰": "反对"})
        assert codes(error) == {"unknown_candidate"}
        with pytest.raises(ValidationError) as error:
            cast(world, vote, entry, {owners[0].name: "同意", owners[1].name: "也许"})
        assert codes(error) == {"unknown_choice"}

    def test_a_sheet_with_a_column_per_candidate_is_imported_whole_or_not_at_all(self, world):
        from disclosures.votes.importing import BallotImportError, ballots_import

        owners = owners_in(world.tree.compounds[0], 3)
        a, b, c = (o.name for o in owners)
        vote = election_vote(world, published_election(world, owners, seats=2))
        header = f"楼栋,单元,房号,{a},{b},{c}\n"
        bad = header + "1栋,1单元,101,同意,同意,反对\n1栋,1单元,102,同意,同意,同意\n"
        with pytest.raises(BallotImportError) as error:
            ballots_import(vote=vote, actor=world.member, data=bad.encode("gbk"), name="x.csv")
        assert error.value.rows[0][0] == 3 and "超过应选人数2人" in error.value.rows[0][1]
        assert not Ballot.objects.filter(vote=vote).exists()
        missing = f"楼栋,单元,房号,{a},{b}\n"
        with pytest.raises(BallotImportError) as error:
            ballots_import(vote=vote, actor=world.member, data=missing.encode(), name="x.csv")
        assert c in error.value.messages[0]
        good = header + "1栋,1单元,101,同意,同意,反对\n1栋,1单元,102,弃权,同意,反对\n"
        ballots = ballots_import(vote=vote, actor=world.member, data=good.encode(), name="x.csv")
        assert len(ballots) == 2
        marks = {
            (m.ballot.entry.room, m.item.name): m.choice
            for m in BallotMark.objects.filter(ballot__vote=vote).select_related(
                "ballot__entry", "item"
            )
        }
        assert marks[("102", a)] == "abstain" and marks[("101", c)] == "oppose"
        assert len(marks) == 6

    def test_one_persons_units_carry_one_set_of_choices_spc_9(self, world):
        from tests.votes.helpers import developer

        compound = world.tree.compounds[0]
        owners = owners_in(compound, 2)
        add_units(compound, "8栋", [("801", "90.00"), ("802", "90.00")], owner=developer())
        vote = election_vote(world, published_election(world, owners, seats=1))
        rooms = entries_by_room(vote)
        a, b = (o.name for o in owners)
        cast(world, vote, rooms["801"], {a: "同意", b: "反对"})
        with pytest.raises(ValidationError) as error:
            cast(world, vote, rooms["802"], {a: "反对", b: "同意"})
        assert codes(error) == {"person_split"} and "8栋 1单元 801" in error.value.messages[0]
        cast(world, vote, rooms["802"], {a: "同意", b: "反对"})
        assert Ballot.objects.filter(vote=vote).count() == 2

    def test_a_plain_ballot_is_refused_on_an_election_vote(self, world):
        vote = election_vote(
            world, published_election(world, owners_in(world.tree.compounds[0], 2), seats=1)
        )
        with pytest.raises(ValidationError) as error:
            services.ballot_enter(
                vote=vote,
                actor=world.member,
                building="1栋",
                entrance="1单元",
                room="101",
                choice="同意",
            )
        assert codes(error) == {"election_ballot"}

    def test_outside_the_jurisdiction_entry_is_refused(self, world):
        owners = owners_in(world.tree.compounds[0], 2)
        vote = election_vote(world, published_election(world, owners, seats=1))
        with pytest.raises(PermissionDenied):
            elections.election_ballot_enter(
                vote=vote,
                actor=world.other_member,
                building="1栋",
                entrance="1单元",
                room="101",
                marks={owners[0].name: "同意", owners[1].name: "反对"},
            )


# ------------------------------------------------------------------ the tally (pure)


def _entries(areas: list[str]) -> list[tally.Entry]:
    return [tally.Entry(unit=i, area=Decimal(a)) for i, a in enumerate(areas)]


class TestTallyBoundaries:
    def test_exactly_two_thirds_participation_meets_the_quorum_domain_1_3(self):
        # 3 units of 10 m², 2 take part: exactly 2/3 on both measures ("以上", DOMAIN 1.5).
        result = election_tally.election_tally(
            _entries(["10.00"] * 3),
            {0: {"A": AGREE}, 1: {"A": AGREE}},
            ["A"],
            seats=1,
        )
        (a,) = result.candidates
        assert a.result.participation_heads == a.result.participation_area
        assert a.result.participation_heads * 3 == 2
        assert result.quorum_met and a.outcome == election_tally.ELECTED

    def test_just_below_two_thirds_elects_no_one(self):
        # 3 units, 2 take part but one unit is 0.01 m² smaller: area short of 2/3.
        result = election_tally.election_tally(
            _entries(["10.00", "9.99", "10.01"]),
            {0: {"A": AGREE}, 1: {"A": AGREE}},
            ["A"],
            seats=1,
        )
        assert not result.quorum_met
        assert result.elected == [] and result.vacant == 1

    def test_exactly_half_approval_is_not_enough_domain_1_4(self):
        # 6 units of 10 m², 4 take part (2/3): A has exactly half on both measures
        # ("过半数" excludes the boundary, DOMAIN 1.5); B has three of four.
        marks = {
            0: {"A": AGREE, "B": AGREE},
            1: {"A": AGREE, "B": AGREE},
            2: {"A": OPPOSE, "B": AGREE},
            3: {"A": ABSTAIN, "B": OPPOSE},
        }
        result = election_tally.election_tally(_entries(["10.00"] * 6), marks, ["A", "B"], seats=2)
        outcome = {c.key: c.outcome for c in result.candidates}
        assert outcome == {"A": election_tally.BELOW_THRESHOLD, "B": election_tally.ELECTED}
        a = next(c for c in result.candidates if c.key == "A")
        assert a.result.approval_heads * 2 == 1 and a.result.approval_area * 2 == 1
        assert result.elected == ["B"] and result.vacant == 1

    def test_a_full_tie_across_the_last_seat_leaves_it_for_another_round(self):
        # A and B are level on both measures (all three units); C has two. One seat.
        marks = {i: {"A": AGREE, "B": AGREE, "C": AGREE if i < 2 else OPPOSE} for i in range(3)}
        for rule in election_tally.TIE_RULES:
            result = election_tally.election_tally(
                _entries(["10.00"] * 3), marks, ["A", "B", "C"], seats=1, tie_rule=rule
            )
            outcome = {c.key: c.outcome for c in result.candidates}
            assert outcome == {
                "A": election_tally.TIED,
                "B": election_tally.TIED,
                "C": election_tally.NOT_ELECTED,
            }
            assert result.elected == [] and result.vacant == 1
        # With two seats both take one.
        result = election_tally.election_tally(
            _entries(["10.00"] * 3), marks, ["A", "B", "C"], seats=2
        )
        assert result.elected == ["A", "B"]

    def test_no_float_reaches_the_ranking(self):
        result = election_tally.election_tally(
            _entries(["10.01", "10.02", "10.03"]),
            {0: {"A": AGREE}, 1: {"A": AGREE}, 2: {"A": AGREE}},
            ["A"],
            seats=1,
        )
        agree = result.candidates[0].agree
        assert agree.area == tally.Fraction(3006, 100)


# ------------------------------------------------------------------ ranking (database)


def contest(world):
    """Seats 2, candidates E, F, G (the first three owners of compound 0), and two large
    units 901 and 902 of 300 m² in a new building. Electorate: 9 units, 9 persons,
    1246.90 m² (the 7 units of the compound: 4 × 89.50 and 3 × 96.30).

    E is agreed by the 7 small units (7 persons, 646.90 m²); F by 901, 902, 101–103
    (5 persons, 868.50 m²); G by 901, 902, 104, 205, 206 (5 persons, 882.10 m²): all three
    pass DOMAIN 1.3–1.4; by area G and F win, by headcount E and G."""
    compound = world.tree.compounds[0]
    e, f, g = owners_in(compound, 3)
    add_units(compound, "9栋", [("901", "300.00"), ("902", "300.00")])
    election = published_election(world, [e, f, g], seats=2)
    vote = election_vote(world, election)
    rooms = entries_by_room(vote)
    small = ["101", "102", "103", "104", "205", "206", "207"]
    assert set(rooms) == {*small, "901", "902"}
    agree: dict[str, list[str]] = {room: [] for room in rooms}
    for room in small:
        agree[room].append(e.name)
    for room in ("901", "902", "101", "102", "103"):
        agree[room].append(f.name)
    for room in ("901", "902", "104", "205", "206"):
        agree[room].append(g.name)
    for room, entry in rooms.items():
        cast(
            world,
            vote,
            entry,
            {n.name: ("同意" if n.name in agree[room] else "反对") for n in (e, f, g)},
        )
    return vote, (e, f, g)


class TestRanking:
    def test_by_area_then_headcount_by_default(self, world):
        vote, (e, f, g) = contest(world)
        vote = counted(world, vote)
        data = vote.result["election"]
        assert data["tie_rule"] == ElectionTieRule.AREA_FIRST
        assert data["tie_rule_label"] == str(ElectionTieRule.AREA_FIRST.label)
        assert data["elected_names"] == [g.name, f.name]
        rows = {row["name"]: row for row in data["candidates"]}
        assert rows[g.name]["by_choice"]["agree"] == {"heads": 5, "units": 5, "area": "882.10"}
        assert rows[f.name]["by_choice"]["agree"]["area"] == "868.50"
        assert rows[e.name]["by_choice"]["agree"] == {"heads": 7, "units": 7, "area": "646.90"}
        assert [rows[n]["rank"] for n in (g.name, f.name, e.name)] == [1, 2, 3]
        assert rows[e.name]["outcome"] == "not_elected" and rows[e.name]["qualified"]
        assert all(c["met"] for c in rows[e.name]["checks"])

    def test_by_headcount_then_area_where_the_region_says_so(self, world):
        VoteRules.objects.create(
            region=world.tree.streets[0], election_tie_rule=ElectionTieRule.HEADS_FIRST
        )
        vote, (e, f, g) = contest(world)
        assert vote.tie_rule == ElectionTieRule.HEADS_FIRST
        vote = counted(world, vote)
        data = vote.result["election"]
        assert data["tie_rule"] == ElectionTieRule.HEADS_FIRST
        # E has the most persons; F and G are level on persons, G has more area.
        assert data["elected_names"] == [e.name, g.name]
        assert {r["name"]: r["outcome"] for r in data["candidates"]}[f.name] == "not_elected"

    def test_the_text_result_names_the_rule_and_each_candidate(self, world):
        vote, (e, _f, _g) = contest(world)
        vote = counted(world, vote)
        text = elections.election_result_text(vote.result["election"])
        assert str(ElectionTieRule.AREA_FIRST.label) in text
        assert f"{e.name}：同意 7 人，646.90 ㎡" in text


class TestOwnersCheck:
    def test_the_owner_sees_the_choice_recorded_on_each_candidate(self, world):
        from django.core.cache import cache

        cache.clear()
        owners = owners_in(world.tree.compounds[0], 2)
        vote = election_vote(world, published_election(world, owners, seats=1))
        entry = entries_by_room(vote)["101"]
        cast(world, vote, entry, {owners[0].name: "同意", owners[1].name: "弃权"})
        vote = counted(world, vote)
        publication.publish_notice(vote=vote, actor=world.member)
        publication.publish_preliminary(vote=vote, actor=world.member)
        answer = publication.ballot_check(
            vote=vote,
            building=entry.building_name,
            entrance=entry.entrance,
            room=entry.room,
            code=entry.check_code,
            client="10.0.0.9",
        )
        cache.clear()
        assert answer.found
        assert answer.choice == f"{owners[0].name}：同意；{owners[1].name}：弃权"


# ------------------------------------------------------------------ the new term


class TestNewTerm:
    def test_the_final_result_seats_the_new_term_and_the_old_one_hands_over(self, world):
        compound = world.tree.compounds[0]
        owners = owners_in(compound, 5)
        election = published_election(world, owners, seats=5)
        vote = election_vote(world, election)
        for entry in vote.electorate.all():
            cast(world, vote, entry, {o.name: "同意" for o in owners})
        vote = counted(world, vote)
        assert vote.status == VoteStatus.COUNTED
        old_term = world.committee.terms.get(number=1)
        vote = published_final(world, vote)
        # The committee member who published may not seat a term: the election waits.
        election.refresh_from_db()
        assert election.status == ElectionStatus.PUBLISHED
        assert elections.may_conclude(vote, world.street)
        assert not elections.may_conclude(vote, world.member)
        with pytest.raises(PermissionDenied):
            elections.election_conclude(vote=vote, actor=world.member)

        elections.election_conclude(vote=vote, actor=world.street)
        election.refresh_from_db()
        assert election.status == ElectionStatus.HELD
        assert election.held_on == today()
        term = election.term
        assert term.number == 2 and term.starts_on == today()
        assert sorted(term.members.values_list("owner_id", flat=True)) == sorted(
            o.pk for o in owners
        )
        # The outgoing members leave the day the new term starts (DOMAIN 3.8) and owe
        # archives and seals within 3 days (DOMAIN 4.4).
        assert not old_term.members.filter(left_on__isnull=True).exists()
        assert set(old_term.members.values_list("leave_reason", flat=True)) == {
            LeaveReason.TERM_ENDED
        }
        assert elections.handover_due_for(old_term) == due_date(today(), 3)
        entry = ModelLogEntry.objects.get(
            action="votes.vote.election_conclude", object_id=str(vote.pk)
        )
        assert entry.data["term"] == term.pk
        assert entry.data["handover_due"] == due_date(today(), 3).isoformat()
        assert ModelLogEntry.objects.filter(
            action="committees.election.hold", object_id=str(election.pk)
        ).exists()
        assert ModelLogEntry.objects.filter(
            action="committees.term.create", object_id=str(term.pk)
        ).exists()
        # Once only.
        with pytest.raises(ValidationError) as error:
            elections.election_conclude(vote=vote, actor=world.street)
        assert codes(error) == {"not_pending"}

    def test_an_actor_who_may_do_both_seats_the_term_on_publishing(self, world):
        from django.contrib.auth import get_user_model

        admin = get_user_model().objects.create_user(
            username="root", password="pw-12345678", is_superuser=True, is_staff=True
        )
        owners = owners_in(world.tree.compounds[0], 5)
        election = published_election(world, owners, seats=5)
        vote = election_vote(world, election)
        for entry in vote.electorate.all():
            cast(world, vote, entry, {o.name: "同意" for o in owners})
        vote = counted(world, vote)
        publication.publish_notice(vote=vote, actor=admin)
        publication.publish_preliminary(vote=vote, actor=admin)
        type(vote).objects.filter(pk=vote.pk).update(objections_until=today() - timedelta(days=1))
        vote.refresh_from_db()
        publication.publish_final(vote=vote, actor=admin)
        election.refresh_from_db()
        assert election.status == ElectionStatus.HELD and election.term is not None

    def test_seats_not_filled_hold_the_election_without_a_term(self, world):
        owners = owners_in(world.tree.compounds[0], 5)
        election = published_election(world, owners, seats=5)
        vote = election_vote(world, election)
        for entry in vote.electorate.all():
            # Nobody agrees to the last candidate.
            cast(
                world, vote, entry, {o.name: ("反对" if o == owners[4] else "同意") for o in owners}
            )
        vote = published_final(world, counted(world, vote))
        assert vote.result["election"]["vacant"] == 1
        elections.election_conclude(vote=vote, actor=world.street)
        election.refresh_from_db()
        assert election.status == ElectionStatus.HELD and election.term is None
        assert world.committee.terms.count() == 1

    def test_before_the_final_result_the_election_cannot_be_concluded(self, world):
        owners = owners_in(world.tree.compounds[0], 5)
        vote = counted(world, election_vote(world, published_election(world, owners, seats=5)))
        with pytest.raises(ValidationError) as error:
            elections.election_conclude(vote=vote, actor=world.street)
        assert codes(error) == {"not_final"}


# ------------------------------------------------------------------ API and jurisdiction


class TestApi:
    def test_per_candidate_choices_through_the_api_and_404_outside(self, world):
        owners = owners_in(world.tree.compounds[0], 2)
        vote = election_vote(world, published_election(world, owners, seats=1))
        client = TestClient(project_api)
        base = f"/registry/votes/{vote.pk}"
        items = client.get(f"{base}/candidates", user=world.member)
        assert items.status_code == 200, items.content
        assert [i["name"] for i in items.json()] == [o.name for o in owners]
        payload = {
            "building": "1栋",
            "entrance": "1单元",
            "room": "101",
            "marks": [
                {"candidate": str(items.json()[0]["id"]), "choice": "同意"},
                {"candidate": owners[1].name, "choice": "同意"},
            ],
        }
        refused = client.post(f"{base}/ballots/", json=payload, user=world.member)
        assert refused.status_code == 400 and "超过应选人数1人" in refused.content.decode()
        payload["marks"][1]["choice"] = "反对"
        entered = client.post(f"{base}/ballots/", json=payload, user=world.member)
        assert entered.status_code == 201, entered.content
        assert {m["name"]: m["choice"] for m in entered.json()["marks"]} == {
            owners[0].name: "agree",
            owners[1].name: "oppose",
        }
        assert BallotMark.objects.filter(ballot__vote=vote).count() == 2
        # Another jurisdiction: like a missing vote.
        assert client.get(f"{base}/", user=world.other_member).status_code == 404
        assert client.get(f"{base}/candidates", user=world.other_member).status_code == 404
        assert (
            client.post(f"{base}/ballots/", json=payload, user=world.other_member).status_code
            == 404
        )
        assert CandidateStatus.PASSED == vote.items.first().candidate.status


# ------------------------------------------------------------------ admin


def admin_url(name: str, *args) -> str:
    from django.urls import reverse

    return reverse(f"votes_vote:{name}", args=args)


class TestAdmin:
    def test_the_entry_screen_takes_one_choice_per_candidate(self, client, world):
        owners = owners_in(world.tree.compounds[0], 3)
        election = published_election(world, owners, seats=2)
        client.force_login(world.member)
        filing = accepted_filing(world, matter_type=MatterType.ELECT_MEMBERS, title="换届选举")
        started = client.post(
            admin_url("start"),
            {
                "filing": filing.pk,
                "election": election.pk,
                "title": "",
                "starts_on": today() - timedelta(days=1),
                "ends_on": today() + timedelta(days=7),
            },
        )
        assert started.status_code == 302, started.content.decode()[:2000]
        vote = election.votes.get()
        services.vote_open(vote=vote, actor=world.member)
        items = list(vote.items.order_by("order"))
        rows = list(vote.electorate.filter(building_name="1栋").order_by("entrance", "room"))
        page = client.get(admin_url("entry", vote.pk)).content.decode()
        assert f'name="mark-{rows[0].pk}-{items[2].pk}"' in page
        assert all(i.name in page for i in items)
        # Three 同意 with two seats: the page is refused, naming the unit.
        bad = {
            "building": "1栋",
            **{f"mark-{rows[0].pk}-{i.pk}": "1" for i in items},
            **{f"mark-{rows[1].pk}-{i.pk}": k for i, k in zip(items, "123", strict=True)},
        }
        refused = client.post(admin_url("entry", vote.pk), bad)
        assert refused.status_code == 200
        text = refused.content.decode()
        assert "超过应选人数2人" in text and str(rows[0]) in text
        assert not Ballot.objects.filter(vote=vote).exists()
        bad[f"mark-{rows[0].pk}-{items[2].pk}"] = "2"
        saved = client.post(admin_url("entry", vote.pk), bad)
        assert saved.status_code == 302
        marks = {
            (m.ballot.entry_id, m.item_id): m.choice
            for m in BallotMark.objects.filter(ballot__vote=vote).select_related("ballot")
        }
        assert marks[(rows[1].pk, items[1].pk)] == "oppose"
        assert marks[(rows[0].pk, items[2].pk)] == "oppose"
        assert len(marks) == 6

    def test_the_vote_page_shows_each_candidate_and_the_election_links_to_it(self, client, world):
        vote, (_e, f, g) = contest(world)
        vote = counted(world, vote)
        client.force_login(world.member)
        page = client.get(admin_url("inspect", vote.pk)).content.decode()
        assert "候选人得票及当选结果" in page
        assert str(ElectionTieRule.AREA_FIRST.label) in page
        assert "646.90" in page and "882.10" in page
        assert f"当选：{g.name}、{f.name}" in page
        from django.urls import reverse

        client.force_login(world.street)
        election_page = client.get(
            reverse("committees_reviews:matrix", args=[vote.election_id])
        ).content.decode()
        assert admin_url("inspect", vote.pk) in election_page
        # Outside the jurisdiction: like a missing vote.
        client.force_login(world.other_member)
        assert client.get(admin_url("inspect", vote.pk)).status_code == 404
        assert client.get(admin_url("entry", vote.pk)).status_code == 404

    def test_election_staff_seat_the_result_from_the_vote_page(self, client, world):
        owners = owners_in(world.tree.compounds[0], 5)
        election = published_election(world, owners, seats=5)
        vote = election_vote(world, election)
        for entry in vote.electorate.all():
            cast(world, vote, entry, {o.name: "同意" for o in owners})
        vote = published_final(world, counted(world, vote))
        client.force_login(world.street)
        page = client.get(admin_url("inspect", vote.pk)).content.decode()
        assert admin_url("election_conclude", vote.pk) in page
        response = client.post(admin_url("election_conclude", vote.pk))
        assert response.status_code == 302
        election.refresh_from_db()
        assert election.status == ElectionStatus.HELD and election.term_id
        client.force_login(world.other_street)
        assert client.post(admin_url("election_conclude", vote.pk)).status_code == 404


# ------------------------------------------------------------------ published figures


class TestPublished:
    def test_the_public_page_the_notice_pdf_and_the_command_name_the_elected(
        self, world, client, tmp_path, settings
    ):
        import io
        import subprocess

        from django.core.cache import cache
        from django.core.management import call_command

        from cms.caching import registry_changed
        from cms.setup import ensure_portal
        from disclosures.votes import pdf

        ensure_portal()
        vote, (e, f, g) = contest(world)
        vote = counted(world, vote)
        out = io.StringIO()
        call_command("tally_vote", str(vote.pk), stdout=out)
        text = out.getvalue()
        assert f"表决结果：当选：{g.name}、{f.name}" in text
        assert f"{e.name}：同意 7 人，646.90 ㎡；{CANDIDATE_NOT_ELECTED}" in text
        assert "同意人数 " not in text  # the ballot-wide approval would mean nothing here

        publication.publish_notice(vote=vote, actor=world.member)
        publication.publish_preliminary(vote=vote, actor=world.member)
        cache.clear()
        registry_changed()
        html = client.get(f"/c/{vote.compound_id}/").content.decode()
        assert f"当选：{g.name}、{f.name}" in html
        assert str(ElectionTieRule.AREA_FIRST.label) in html

        content = pdf.vote_result_pdf(vote=vote, user=world.member)
        path = tmp_path / "result.pdf"
        path.write_bytes(content)
        extracted = subprocess.run(
            ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert g.name in extracted and "882.10" in extracted
