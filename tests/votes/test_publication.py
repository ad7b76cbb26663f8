"""Publication stages of a vote (issue item 6): notice → preliminary result → objection
window with objections recorded and answered → final result; the owner's check of their
own ballot with the code on the ballot sheet; each stage on the compound's public page."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from committees.deadlines import due_date
from common.transitions import InvalidTransition
from disclosures.votes import publication, services
from disclosures.votes.choices import ObjectionStatus, PublicationStage
from disclosures.votes.models import VoteRules
from tests.votes.helpers import confirm_all, open_vote, today

pytestmark = pytest.mark.django_db


def codes(error) -> set[str]:
    return {e.code for e in error.value.error_list}


def counted_vote(world, choices=("同意", "同意", "反对")):
    """A vote of compound 0 with a ballot per choice (first units), checked and counted."""
    vote = open_vote(world)
    entries = list(vote.electorate.order_by("pk"))
    for entry, choice in zip(entries, choices, strict=False):
        services.ballot_enter(
            vote=vote,
            actor=world.member,
            building=entry.building_name,
            entrance=entry.entrance,
            room=entry.room,
            choice=choice,
        )
    confirm_all(world, vote)
    services.vote_close(vote=vote, actor=world.member)
    services.vote_count(vote=vote, actor=world.member)
    return vote


def preliminary(world, **kwargs):
    vote = counted_vote(world, **kwargs)
    publication.publish_notice(vote=vote, actor=world.member)
    publication.publish_preliminary(vote=vote, actor=world.member)
    return vote


def window_over(vote) -> None:
    type(vote).objects.filter(pk=vote.pk).update(objections_until=today() - timedelta(days=1))
    vote.refresh_from_db()


class TestStages:
    def test_the_stages_follow_each_other_and_are_audited(self, world):
        vote = counted_vote(world)
        with pytest.raises(InvalidTransition):
            publication.publish_preliminary(vote=vote, actor=world.member)
        publication.publish_notice(vote=vote, actor=world.member)
        assert vote.publication == PublicationStage.NOTICE
        publication.publish_preliminary(vote=vote, actor=world.member)
        assert vote.publication == PublicationStage.PRELIMINARY
        # DOMAIN 1.10: calendar days from the day after publication, off a rest day.
        assert vote.objections_until == due_date(today(), 7)
        window_over(vote)
        publication.publish_final(vote=vote, actor=world.member)
        assert vote.publication == PublicationStage.FINAL
        actions = set(
            ModelLogEntry.objects.filter(object_id=str(vote.pk)).values_list("action", flat=True)
        )
        assert {
            "votes.vote.publish_notice",
            "votes.vote.publish_preliminary",
            "votes.vote.publish_final",
        } <= actions

    def test_a_notice_needs_an_opened_vote(self, world):
        from tests.votes.helpers import draft_vote

        vote = draft_vote(world)
        with pytest.raises(ValidationError) as error:
            publication.publish_notice(vote=vote, actor=world.member)
        assert codes(error) == {"not_opened"}
        vote.refresh_from_db()
        assert vote.publication == PublicationStage.NONE

    def test_the_preliminary_result_needs_a_count(self, world):
        vote = open_vote(world)
        publication.publish_notice(vote=vote, actor=world.member)
        with pytest.raises(ValidationError) as error:
            publication.publish_preliminary(vote=vote, actor=world.member)
        assert codes(error) == {"not_counted"}

    def test_the_objection_window_is_the_regions_number_of_days(self, world):
        VoteRules.objects.create(region=world.tree.streets[0], objection_days=10)
        vote = preliminary(world)
        assert vote.objections_until == due_date(today(), 10)

    def test_the_final_result_waits_for_the_window_and_every_answer(self, world):
        vote = preliminary(world)
        with pytest.raises(ValidationError) as error:
            publication.publish_final(vote=vote, actor=world.member)
        assert codes(error) == {"window_running"}
        objection = publication.objection_lodge(
            vote=vote, actor=world.member, lodged_by_name="张三", content="我户投的是反对票。"
        )
        window_over(vote)
        with pytest.raises(ValidationError) as error:
            publication.publish_final(vote=vote, actor=world.member)
        assert codes(error) == {"objections_open"}
        publication.objection_answer(
            objection=objection, actor=world.member, answer="经核对纸质表决票，记录无误。"
        )
        publication.publish_final(vote=vote, actor=world.member)
        assert vote.publication == PublicationStage.FINAL

    def test_another_jurisdiction_cannot_publish(self, world):
        vote = counted_vote(world)
        with pytest.raises(PermissionDenied):
            publication.publish_notice(vote=vote, actor=world.other_member)
        vote.refresh_from_db()
        assert vote.publication == PublicationStage.NONE


class TestObjections:
    def test_an_objection_is_lodged_in_the_window_and_answered(self, world):
        vote = preliminary(world)
        entry = vote.electorate.first()
        objection = publication.objection_lodge(
            vote=vote, actor=world.member, lodged_by_name="张三", content="有异议", entry=entry
        )
        assert objection.status == ObjectionStatus.LODGED
        with pytest.raises(ValidationError) as error:
            publication.objection_answer(objection=objection, actor=world.member, answer=" ")
        assert codes(error) == {"answer_required"}
        objection.refresh_from_db()
        assert objection.status == ObjectionStatus.LODGED
        publication.objection_answer(objection=objection, actor=world.member, answer="已核对")
        objection.refresh_from_db()
        assert (objection.status, objection.answer) == (ObjectionStatus.ANSWERED, "已核对")
        assert ModelLogEntry.objects.filter(
            action="votes.objection.answer", object_id=str(objection.pk)
        ).exists()
        with pytest.raises(InvalidTransition):
            publication.objection_answer(objection=objection, actor=world.member, answer="再答")

    def test_outside_the_window_an_objection_is_refused(self, world):
        vote = counted_vote(world)
        with pytest.raises(ValidationError) as error:
            publication.objection_lodge(
                vote=vote, actor=world.member, lodged_by_name="张三", content="有异议"
            )
        assert codes(error) == {"window_closed"}
        publication.publish_notice(vote=vote, actor=world.member)
        publication.publish_preliminary(vote=vote, actor=world.member)
        window_over(vote)
        with pytest.raises(ValidationError):
            publication.objection_lodge(
                vote=vote, actor=world.member, lodged_by_name="张三", content="有异议"
            )
        assert not vote.objections.exists()


class TestOwnersCheck:
    @pytest.fixture(autouse=True)
    def _clear(self):
        cache.clear()
        yield
        cache.clear()

    def check(self, vote, entry, code, client="10.0.0.1"):
        return publication.ballot_check(
            vote=vote,
            building=entry.building_name,
            entrance=entry.entrance,
            room=entry.room,
            code=code,
            client=client,
        )

    def test_the_right_code_shows_only_that_units_choice(self, world):
        vote = preliminary(world, choices=("同意", "反对"))
        first, second = vote.electorate.order_by("pk")[:2]
        answer = self.check(vote, second, second.check_code.lower())
        assert answer.found and answer.choice == "反对" and answer.unit == str(second)
        # Another unit's code opens nothing, and answers like an unknown unit.
        wrong = self.check(vote, second, first.check_code)
        unknown = publication.ballot_check(
            vote=vote, building="99栋", entrance="", room="9901", code=first.check_code, client="x"
        )
        assert wrong == unknown
        assert not wrong.found and not wrong.choice and not wrong.unit

    def test_a_unit_without_a_counted_ballot_says_so(self, world):
        vote = preliminary(world, choices=("同意",))
        silent = vote.electorate.order_by("pk")[2]
        answer = self.check(vote, silent, silent.check_code)
        assert answer.found and answer.choice == ""

    def test_codes_differ_between_units(self, world):
        vote = open_vote(world)
        codes_ = list(vote.electorate.values_list("check_code", flat=True))
        assert len(set(codes_)) == len(codes_)
        assert all(len(c) == 10 for c in codes_)

    def test_the_check_is_open_only_in_the_window(self, world):
        vote = counted_vote(world)
        entry = vote.electorate.first()
        with pytest.raises(ValidationError) as error:
            self.check(vote, entry, entry.check_code)
        assert codes(error) == {"check_closed"}

    def test_tries_are_limited_per_address(self, world):
        vote = preliminary(world)
        entry = vote.electorate.first()
        for _ in range(publication.CHECK_ATTEMPTS):
            self.check(vote, entry, "WRONGCODE1")
        with pytest.raises(ValidationError) as error:
            self.check(vote, entry, entry.check_code)
        assert codes(error) == {"check_limit"}
        # Another address is not held back.
        assert self.check(vote, entry, entry.check_code, client="10.0.0.2").found

    def test_the_public_form(self, world, client):
        vote = preliminary(world, choices=("弃权",))
        entry = vote.electorate.order_by("pk").first()
        url = f"/votes/{vote.pk}/check/"
        assert client.get(url).status_code == 200
        data = {"building": entry.building_name, "entrance": entry.entrance, "room": entry.room}
        page = client.post(url, {**data, "code": entry.check_code}).content.decode()
        assert "弃权" in page
        page = client.post(url, {**data, "code": "ABCDEFGHJK"}).content.decode()
        assert "房号或核对码不正确" in page and "弃权" not in page
        window_over(vote)
        publication.publish_final(vote=vote, actor=world.member)
        assert client.get(url).status_code == 404
