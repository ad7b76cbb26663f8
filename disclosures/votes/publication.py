"""Publishing a vote in stages (issue item 6) and the objections to its result.

vote notice (the frozen electorate's totals of headcount and area, the period, the matter)
→ preliminary result → objection window (the region's number of days, default 7, calendar
days from the day after publication, moved off a rest day: DOMAIN 1.10) with objections
recorded and answered → final result. Each step fires
:data:`~disclosures.votes.workflows.PUBLICATION_WORKFLOW` or
:data:`~disclosures.votes.workflows.OBJECTION_WORKFLOW` (permission, jurisdiction, row
lock, audit log).

During the window an owner can check how their own unit's ballot was recorded with the
code printed on the unit's ballot sheet (:func:`ballot_check`): the answer names that
unit's recorded choice only, and a wrong code looks exactly like an unknown unit.
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass
from datetime import date, datetime

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from committees.deadlines import due_date
from common.access import authorise
from common.jurisdiction import VIEW

from .choices import BallotChoice, ObjectionStatus, PublicationStage
from .elections import election_conclude, may_conclude
from .models import BallotMark, ElectorateEntry, Objection, Vote, VoteRules
from .services import _ancestor_paths, normalise
from .stage_filings import stage_file
from .workflows import MANAGE_VOTE, OBJECTION_WORKFLOW, PUBLICATION_WORKFLOW

DEFAULT_OBJECTION_DAYS = 7
CHECK_ATTEMPTS = 10  # per address and vote within CHECK_WINDOW_SECONDS
CHECK_WINDOW_SECONDS = 3600

MSG_WINDOW_CLOSED = _("不在异议期内，不能登记异议。")
MSG_CONTENT_REQUIRED = _("须填写异议人和异议内容。")
MSG_FOREIGN_ENTRY = _("所选房屋不在本次表决业主名册中。")
MSG_CHECK_CLOSED = _("本次表决不在异议期内，不能核对表决票。")
MSG_CHECK_LIMIT = _("核对次数过多，请一小时后再试。")
MSG_CHECK_NOT_FOUND = _("房号或核对码不正确。请核对表决票上印制的房号和核对码。")
MSG_NO_BALLOT = _("本户没有计入的表决票（未投票）。")


def objection_days_for(compound) -> int:
    """The deepest region's objection window (default 7 days)."""
    rules = (
        VoteRules.objects.filter(region__path__in=_ancestor_paths(compound.region_path))
        .order_by("-region_path")
        .first()
    )
    return rules.objection_days if rules else DEFAULT_OBJECTION_DAYS


def in_objection_window(vote: Vote, today: date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        vote.publication == PublicationStage.PRELIMINARY
        and vote.objections_until is not None
        and today <= vote.objections_until
    )


# ------------------------------------------------------------------ stages


@transaction.atomic
def publish_notice(*, vote: Vote, actor, at: datetime | None = None) -> Vote:
    """The vote notice: matter, period and the frozen electorate's totals. ``at``
    (default now), here and below, is the moment recorded and the day judged by."""
    now = at or timezone.now()
    vote = PUBLICATION_WORKFLOW.fire(
        vote, "publish_notice", actor=actor, changes={"notice_published_at": now}, at=now
    )
    stage_file(vote=vote, stage=PublicationStage.NOTICE, at=now)
    return vote


@transaction.atomic
def publish_preliminary(*, vote: Vote, actor, at: datetime | None = None) -> Vote:
    """The counted result, made public; the objection window starts the next day."""
    now = at or timezone.now()
    until = due_date(timezone.localdate(now), objection_days_for(vote.compound))
    vote = PUBLICATION_WORKFLOW.fire(
        vote,
        "publish_preliminary",
        actor=actor,
        changes={"preliminary_published_at": now, "objections_until": until},
        data={"objections_until": until.isoformat()},
        at=now,
    )
    stage_file(vote=vote, stage=PublicationStage.PRELIMINARY, at=now)
    return vote


@transaction.atomic
def publish_final(*, vote: Vote, actor, at: datetime | None = None) -> Vote:
    """The final result: the window is over (on the day of ``final_published_at``) and
    every objection answered."""
    now = at or timezone.now()
    vote = PUBLICATION_WORKFLOW.fire(
        vote, "publish_final", actor=actor, changes={"final_published_at": now}, at=now
    )
    stage_file(vote=vote, stage=PublicationStage.FINAL, at=now)
    if may_conclude(vote, actor):
        # An election vote: the final result seats the elected (DOMAIN 4.4 handover);
        # otherwise the election's organisers do it from the election's screen.
        election_conclude(vote=vote, actor=actor)
    return vote


# ------------------------------------------------------------------ objections


@transaction.atomic
def objection_lodge(
    *,
    vote: Vote,
    actor,
    lodged_by_name: str,
    content: str,
    entry: ElectorateEntry | None = None,
    lodged_on: date | None = None,
    at: datetime | None = None,
) -> Objection:
    """Record an owner's objection received during the window (DOMAIN 1.9: kept)."""
    now = at or timezone.now()
    today = timezone.localdate(now)
    locked = Vote.objects.select_for_update().get(pk=vote.pk)
    authorise(actor, MANAGE_VOTE, locked, level=VIEW)
    lodged_on = lodged_on or today
    if not in_objection_window(locked, lodged_on) or lodged_on > today:
        raise ValidationError(MSG_WINDOW_CLOSED, code="window_closed")
    if not lodged_by_name.strip() or not content.strip():
        raise ValidationError(MSG_CONTENT_REQUIRED, code="content_required")
    if entry is not None and entry.vote_id != locked.pk:
        raise ValidationError(MSG_FOREIGN_ENTRY, code="foreign_entry")
    objection = Objection.objects.create(
        vote=locked,
        entry=entry,
        lodged_by_name=lodged_by_name.strip(),
        content=content.strip(),
        lodged_on=lodged_on,
        recorded_by=actor,
        created_at=now,
    )
    log(instance=objection, action="wagtail.create", user=actor, timestamp=now)
    return objection


@transaction.atomic
def objection_answer(
    *, objection: Objection, actor, answer: str, at: datetime | None = None
) -> Objection:
    now = at or timezone.now()
    return OBJECTION_WORKFLOW.fire(
        objection,
        "answer",
        actor=actor,
        changes={"answer": answer.strip(), "answered_at": now},
        at=now,
    )


def objections_pending(vote: Vote) -> int:
    return vote.objections.filter(status=ObjectionStatus.LODGED).count()


# ------------------------------------------------------------------ owner's check


def vote_in_objection_stage(vote_id: int) -> Vote | None:
    """Public: a vote whose preliminary result is published (its check form is public)."""
    return Vote.objects.filter(publication=PublicationStage.PRELIMINARY, pk=vote_id).first()


def electorate_entry(vote: Vote, entry_id: int) -> ElectorateEntry | None:
    """A unit of this vote's electorate (the vote already fetched through the scope)."""
    return vote.electorate.filter(pk__in=[entry_id]).first()


@dataclass(frozen=True)
class CheckAnswer:
    """One shape for every answer: ``found`` with the unit's recorded choice, or not."""

    found: bool
    message: str
    unit: str = ""
    choice: str = ""


def _attempts_left(vote: Vote, client: str) -> bool:
    key = f"votes:check:{vote.pk}:{client}"
    cache.add(key, 0, CHECK_WINDOW_SECONDS)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, CHECK_WINDOW_SECONDS)
        count = 1
    return count <= CHECK_ATTEMPTS


def ballot_check(
    *, vote: Vote, building: str, entrance: str, room: str, code: str, client: str
) -> CheckAnswer:
    """How this unit's ballot was recorded, for whoever holds its sheet's code.

    Only during the objection window, at most :data:`CHECK_ATTEMPTS` tries an hour per
    address. A wrong code and an unknown unit give the same answer, and the code is
    compared in constant time either way, so neither the answer nor its timing tells
    whether a unit exists."""
    if not in_objection_window(vote):
        raise ValidationError(MSG_CHECK_CLOSED, code="check_closed")
    if not _attempts_left(vote, client):
        raise ValidationError(MSG_CHECK_LIMIT, code="check_limit")
    wanted = (normalise(building), normalise(entrance), normalise(room))
    entry = None
    for candidate in vote.electorate.filter(room__in={room.strip(), normalise(room)}).only(
        "pk", "building_name", "entrance", "room", "check_code"
    ):
        key = (
            normalise(candidate.building_name),
            normalise(candidate.entrance),
            normalise(candidate.room),
        )
        if key == wanted:
            entry = candidate
    stored = entry.check_code if entry else "X" * 10
    given = normalise(code).upper()
    if not hmac.compare_digest(stored.encode(), given.encode()) or entry is None:
        return CheckAnswer(found=False, message=str(MSG_CHECK_NOT_FOUND))
    ballot = (
        entry.ballots.filter(voided=False, batch__confirmed_at__isnull=False)
        .values_list("pk", "choice")
        .first()
    )
    if ballot is None:
        return CheckAnswer(found=True, message=str(MSG_NO_BALLOT), unit=str(entry))
    label = str(BallotChoice(ballot[1]).label)
    if vote.election_id:
        # An election ballot: the choice recorded on each candidate.
        label = "；".join(
            f"{name}：{BallotChoice(choice).label}"
            for name, choice in BallotMark.objects.filter(ballot_id=ballot[0])
            .order_by("item__order")
            .values_list("item__name", "choice")
        )
    return CheckAnswer(found=True, message=label, unit=str(entry), choice=label)
