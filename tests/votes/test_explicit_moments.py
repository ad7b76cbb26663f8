"""The vote services take the moment they act at (``at``, default now): a history written
afterwards with explicit dates (the demo seed) records that moment on every timestamp the
service sets and in the audit log, and the service judges dates by its day (DOMAIN 11.2
opening, a ballot never dated after that day, the final result after the window)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime, time, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone
from wagtail.models import ModelLogEntry

from disclosures.votes import publication, services
from disclosures.votes.importing import BallotImportError, ballots_import
from disclosures.votes.models import Ballot
from tests.votes.helpers import accepted_filing, checker, today

pytestmark = pytest.mark.django_db


def moment(day: date, hour: int) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def logged_at(instance, action: str) -> datetime:
    return ModelLogEntry.objects.for_instance(instance).get(action=action).timestamp


def sheet(entries, day: date) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["楼栋", "单元", "房号", "表决意见", "投票日期"])
    for entry in entries:
        writer.writerow([entry.building_name, entry.entrance, entry.room, "同意", f"{day}"])
    return out.getvalue().encode()


def test_a_past_vote_records_each_given_moment_and_judges_by_its_day(world):
    starts_on = today() - timedelta(days=25)
    ends_on = starts_on + timedelta(days=9)
    filing = accepted_filing(world, days_ago=45)
    created = moment(starts_on - timedelta(days=1), 16)
    vote = services.vote_create(
        filing=filing, actor=world.member, starts_on=starts_on, ends_on=ends_on, at=created
    )
    assert logged_at(vote, "wagtail.create") == created
    # Today the period is over (DOMAIN 11.2 guard); on its first day the vote opens.
    with pytest.raises(ValidationError) as refused:
        services.vote_open(vote=vote, actor=world.member)
    assert refused.value.code == "period_over"
    opened = moment(starts_on, 9)
    services.vote_open(vote=vote, actor=world.member, at=opened)
    vote.refresh_from_db()
    assert vote.opened_at == opened
    assert logged_at(vote, "votes.vote.open") == opened
    publication.publish_notice(vote=vote, actor=world.member, at=opened)
    vote.refresh_from_db()
    assert vote.notice_published_at == opened

    entries = list(vote.electorate.order_by("pk"))
    # A sheet imported on the second day: its ballots and batch carry that moment, and a
    # ballot dated after that day is refused.
    second_day = starts_on + timedelta(days=1)
    with pytest.raises(BallotImportError) as future:
        ballots_import(
            vote=vote,
            actor=world.member,
            data=sheet(entries[:2], second_day + timedelta(days=1)),
            name="表决票.csv",
            at=moment(second_day, 19),
        )
    assert [row for row, _message in future.value.rows] == [2, 3]
    imported = ballots_import(
        vote=vote,
        actor=world.member,
        data=sheet(entries[:2], second_day),
        name="表决票.csv",
        at=moment(second_day, 19),
    )
    batch = imported[0].batch
    assert batch.created_at == moment(second_day, 19)
    assert {b.entered_at for b in Ballot.objects.filter(batch=batch)} == {moment(second_day, 19)}
    services.batch_confirm(batch=batch, actor=checker(world), at=moment(second_day, 21))
    batch.refresh_from_db()
    assert batch.confirmed_at == moment(second_day, 21)
    assert logged_at(batch, "votes.ballotbatch.confirm") == moment(second_day, 21)

    # A paper ballot entered one by one on the last day, sent back, entered again.
    entry = entries[2]
    fields = {
        "vote": vote,
        "actor": world.member,
        "building": entry.building_name,
        "entrance": entry.entrance,
        "room": entry.room,
        "choice": "反对",
    }
    ballot = services.ballot_enter(**fields, at=moment(ends_on, 17))
    assert ballot.cast_on == ends_on  # the day of the moment, not today
    assert ballot.entered_at == moment(ends_on, 17)
    assert ballot.batch.created_at == moment(ends_on, 17)
    services.batch_reject(
        batch=ballot.batch, actor=checker(world), reason="房号有误。", at=moment(ends_on, 18)
    )
    assert logged_at(ballot.batch, "votes.ballotbatch.reject") == moment(ends_on, 18)
    again = services.ballot_enter(**fields, at=moment(ends_on, 19))
    assert again.entered_at == moment(ends_on, 19)
    services.batch_confirm(batch=again.batch, actor=checker(world), at=moment(ends_on, 21))

    counted_on = ends_on + timedelta(days=1)
    services.vote_close(vote=vote, actor=world.member, at=moment(counted_on, 9))
    services.vote_count(vote=vote, actor=world.member, at=moment(counted_on, 15))
    publication.publish_preliminary(vote=vote, actor=world.member, at=moment(counted_on, 17))
    vote.refresh_from_db()
    assert vote.counted_at == moment(counted_on, 15)
    assert logged_at(vote, "votes.vote.close") == moment(counted_on, 9)
    assert logged_at(vote, "votes.vote.count") == moment(counted_on, 15)
    assert vote.preliminary_published_at == moment(counted_on, 17)
    assert vote.objections_until < today()

    lodged_on = counted_on + timedelta(days=1)
    objection = publication.objection_lodge(
        vote=vote,
        actor=world.member,
        lodged_by_name="张三",
        content="请核对我户的表决票。",
        entry=entry,
        at=moment(lodged_on, 11),
    )
    assert objection.lodged_on == lodged_on
    assert objection.created_at == moment(lodged_on, 11)
    assert logged_at(objection, "wagtail.create") == moment(lodged_on, 11)
    # The final result waits for the window as of the given day.
    with pytest.raises(ValidationError):
        publication.publish_final(vote=vote, actor=world.member, at=moment(lodged_on, 12))
    publication.objection_answer(
        objection=objection,
        actor=world.member,
        answer="已核对，记录无误。",
        at=moment(lodged_on, 16),
    )
    objection.refresh_from_db()
    assert objection.answered_at == moment(lodged_on, 16)
    assert logged_at(objection, "votes.objection.answer") == moment(lodged_on, 16)
    with pytest.raises(ValidationError) as running:
        publication.publish_final(
            vote=vote, actor=world.member, at=moment(vote.objections_until, 10)
        )
    assert running.value.code == "window_running"
    final = moment(vote.objections_until + timedelta(days=1), 10)
    publication.publish_final(vote=vote, actor=world.member, at=final)
    vote.refresh_from_db()
    assert vote.final_published_at == final
    assert logged_at(vote, "votes.vote.publish_final") == final


def test_without_a_moment_the_services_stamp_now(world):
    filing = accepted_filing(world)
    vote = services.vote_create(
        filing=filing,
        actor=world.member,
        starts_on=today() - timedelta(days=1),
        ends_on=today() + timedelta(days=7),
    )
    before = timezone.now()
    services.vote_open(vote=vote, actor=world.member)
    entry = vote.electorate.first()
    ballot = services.ballot_enter(
        vote=vote,
        actor=world.member,
        building=entry.building_name,
        entrance=entry.entrance,
        room=entry.room,
        choice="同意",
    )
    after = timezone.now()
    vote.refresh_from_db()
    assert before <= vote.opened_at <= after
    assert before <= logged_at(vote, "votes.vote.open") <= after
    assert before <= ballot.entered_at <= after
    assert ballot.cast_on == today()
