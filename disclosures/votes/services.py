"""Vote writes: create, open (freezing the electorate), enter ballots, close, count, cancel.
Keyword-only, atomic, authorised through :mod:`common.access`; every status change goes
through :mod:`disclosures.votes.workflows`. Ballot files are in
:mod:`disclosures.votes.importing`."""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from common.access import authorise
from common.jurisdiction import VIEW
from disclosures.filings.choices import ScopeKind
from estates.choices import AreaSource
from estates.models import Building, Ownership, Unit

from . import tally
from .choices import BallotChoice, BallotSource, VoteStatus
from .models import Ballot, BallotBatch, ElectorateEntry, Vote, VoteRules
from .selectors import electorate_persons, vote_result, vote_tally
from .workflows import ENTER_BALLOT, MANAGE_VOTE, VOTE_WORKFLOW, WORKFLOWS

MSG_FOREIGN_BUILDING = _("所选楼栋不属于该小区。")
MSG_FOREIGN_UNIT = _("所选房屋不属于该小区。")
MSG_NO_BUILDINGS = _("按楼栋表决时须选择楼栋。")
MSG_NO_UNITS = _("按维修资金列支范围表决时须选择列支范围内的房屋。")
MSG_PERIOD_ORDER = _("表决截止日期不能早于开始日期。")
MSG_EMPTY_ELECTORATE = _("表决范围内没有房屋，不能开启表决。")
MSG_BAD_AREA = _(
    "以下房屋没有专有部分面积或面积来源不明，须先在房屋台账中补正，才能开启表决：%(units)s。"
)
MSG_NOT_OPEN = _("表决不在进行中，不能录入表决票。")
MSG_UNKNOWN_UNIT = _("小区内没有房屋“%(unit)s”。")
MSG_OUT_OF_SCOPE = _("房屋“%(unit)s”不在本次表决范围内。")
MSG_SECOND_BALLOT = _("房屋“%(unit)s”已有表决票（%(when)s录入），每户只能投一票。")
MSG_OUT_OF_PERIOD = _("投票日期%(day)s不在表决期间（%(starts)s至%(ends)s）内。")
MSG_FUTURE = _("投票日期%(day)s晚于今天。")
MSG_UNKNOWN_CHOICE = _("无法识别的表决意见“%(choice)s”，应为同意、反对或弃权。")
MSG_SAME_PERSON = _("录入人不能复核自己录入的表决票，须由另一人复核。")
MSG_BATCH_DONE = _("该批表决票已复核或已退回。")
MSG_BATCH_VOTE_OVER = _("表决已计票或已取消，不能再复核表决票。")
MSG_REJECT_REASON = _("退回表决票须填写理由。")
MSG_PERSON_SPLIT = _(
    "房屋“%(unit)s”与同一业主的房屋“%(other)s”表决意见不同（%(other_choice)s）；"
    "同一业主按一人计算，只能有一种意见。"
)

LOG_ACTIONS: tuple[tuple[str, Any], ...] = (
    *((action, label) for workflow in WORKFLOWS for action, label, _msg in workflow.log_actions()),
    ("votes.ballotbatch.confirm", _("复核表决票")),
    ("votes.ballotbatch.reject", _("退回表决票")),
    ("votes.vote.election_create", _("发起选举表决")),
    ("votes.vote.election_conclude", _("根据选举表决结果产生新一届委员会")),
    ("votes.vote.candidate_withdrawn", _("候选人退出，从选举表决草稿中移除")),
)
MSG_ELECTION_BALLOT = _("这是选举委员的表决，须对每名候选人分别填写意见。")

# 同意 / 反对 / 弃权 as written on paper ballots and in sheets, and the stored values.
CHOICE_WORDS: dict[str, str] = {
    **{str(label): value for value, label in BallotChoice.choices},
    **{value: value for value in BallotChoice.values},
    "赞成": BallotChoice.AGREE,
    "不同意": BallotChoice.OPPOSE,
}


def normalise(text: Any) -> str:
    """Full-width digits and letters to half-width (NFKC), spaces removed; a whole number
    a spreadsheet stored as 101.0 reads 101."""
    if isinstance(text, float) and text.is_integer():
        text = int(text)
    return "".join(unicodedata.normalize("NFKC", "" if text is None else str(text)).split())


def choice_parse(text: Any) -> str | None:
    return CHOICE_WORDS.get(normalise(text).lower())


def unit_label(building: str, entrance: str, room: str) -> str:
    return " ".join(p for p in (building, entrance, room) if p)


# ------------------------------------------------------------------ the vote


@transaction.atomic
def vote_create(
    *,
    filing,
    actor,
    title: str = "",
    starts_on: date,
    ends_on: date,
    buildings: Iterable[Building] | None = None,
    units: Iterable[Unit] | None = None,
    at: datetime | None = None,
) -> Vote:
    """A draft vote on a filed matter: the matter type and scope come from the filing
    (DOMAIN 1.4, 1.7); a cost-sharing scope names its units. ``at`` (default now), here
    and in the other vote services, is the moment recorded in the audit log and the
    timestamps the service sets, and the "today" it judges dates by: the demo seed
    writes a history with explicit dates. The vote's own created/updated times are the
    real ones."""
    authorise(actor, MANAGE_VOTE, filing.compound, level=VIEW)
    if ends_on < starts_on:
        raise ValidationError(MSG_PERIOD_ORDER, code="period_order")
    vote = Vote(
        compound=filing.compound,
        filing=filing,
        title=title or filing.title,
        matter_type=filing.matter_type,
        scope_kind=filing.scope_kind,
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor,
    )
    vote.full_clean()
    buildings = list(buildings) if buildings is not None else list(filing.scope_buildings.all())
    units = list(units or ())
    if vote.scope_kind == ScopeKind.BUILDINGS:
        if not buildings:
            raise ValidationError(MSG_NO_BUILDINGS, code="no_buildings")
        if any(b.compound_id != vote.compound_id for b in buildings):
            raise ValidationError(MSG_FOREIGN_BUILDING, code="foreign_building")
    if vote.scope_kind == ScopeKind.COST_SHARING:
        if not units:
            raise ValidationError(MSG_NO_UNITS, code="no_units")
        if any(u.compound_id != vote.compound_id for u in units):
            raise ValidationError(MSG_FOREIGN_UNIT, code="foreign_unit")
    vote.save()
    if vote.scope_kind == ScopeKind.BUILDINGS:
        vote.scope_buildings.set(buildings)
    if vote.scope_kind == ScopeKind.COST_SHARING:
        vote.scope_units.set(units)
    log(instance=vote, action="wagtail.create", user=actor, timestamp=at or timezone.now())
    return vote


def scope_units(vote: Vote):
    """The registry's units in the vote's scope now (DOMAIN 1.7)."""
    units = Unit.objects.filter(compound_id=vote.compound_id)
    if vote.scope_kind == ScopeKind.BUILDINGS:
        units = units.filter(building__in=vote.scope_buildings.all())
    elif vote.scope_kind == ScopeKind.COST_SHARING:
        units = units.filter(pk__in=vote.scope_units.all())
    return units


def silent_with_majority_for(compound) -> bool:
    """The deepest region's voting rule (DOMAIN 1.8: off unless the rules say so)."""
    rules = (
        VoteRules.objects.filter(region__path__in=_ancestor_paths(compound.region_path))
        .order_by("-region_path")
        .first()
    )
    return bool(rules and rules.silent_with_majority)


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def _freeze_electorate(vote: Vote) -> list[ElectorateEntry]:
    """The electorate as the registry shows it now: each unit in scope with its area,
    area source and owners. A unit without an area or with an unknown area source is
    refused, never counted as 1 (DOMAIN 1.6)."""
    units = list(
        scope_units(vote).select_related("building").order_by("building__name", "entrance", "room")
    )
    if not units:
        raise ValidationError(MSG_EMPTY_ELECTORATE, code="empty_electorate")
    bad = [
        unit
        for unit in units
        if unit.exclusive_area is None
        or unit.exclusive_area <= 0
        or unit.area_source not in AreaSource.values
    ]
    if bad:
        shown = "、".join(unit_label(u.building.name, u.entrance, u.room) for u in bad[:20])
        if len(bad) > 20:
            shown += f" 等{len(bad)}户"
        raise ValidationError(MSG_BAD_AREA, code="bad_area", params={"units": shown})
    owners: dict[int, list[str]] = {}
    for unit_id, owner_id in (
        Ownership.objects.filter(unit__in=scope_units(vote).values("pk"))
        .order_by("owner_id")
        .values_list("unit_id", "owner_id")
    ):
        owners.setdefault(unit_id, []).append(f"owner:{owner_id}")
    entries = [
        ElectorateEntry(
            vote=vote,
            unit=unit,
            building_name=unit.building.name,
            entrance=unit.entrance,
            room=unit.room,
            area=unit.exclusive_area,
            area_source=unit.area_source,
            owner_keys=owners.get(unit.pk, []),
        )
        for unit in units
    ]
    # SPC 9 once, at opening: entries of one person share a number (DOMAIN 1.6).
    roots = tally.persons(
        tally.Entry(unit=i, area=e.area, owner_keys=frozenset(e.owner_keys))
        for i, e in enumerate(entries)
    )
    numbers: dict[int, int] = {}
    for i, entry in enumerate(entries):
        entry.person = numbers.setdefault(roots[i], len(numbers) + 1)
    return ElectorateEntry.objects.bulk_create(entries, batch_size=1000)


@transaction.atomic
def vote_open(*, vote: Vote, actor, at: datetime | None = None) -> Vote:
    """Open the vote (DOMAIN 11.2 checked by the transition, on the day of ``opened_at``)
    and freeze its electorate; a refusal leaves the vote a draft with no electorate."""
    now = at or timezone.now()
    VOTE_WORKFLOW.fire(
        vote,
        "open",
        actor=actor,
        changes={
            "opened_at": now,
            "silent_with_majority": silent_with_majority_for(vote.compound),
        },
        at=now,
    )
    entries = _freeze_electorate(vote)
    result = tally.tally(
        [tally.Entry(unit=e.pk, area=e.area, owner_keys=frozenset(e.owner_keys)) for e in entries],
        {},
        matter_type=vote.matter_type,
    )
    vote.electorate_heads = result.total.heads
    vote.electorate_area = sum(e.area for e in entries)
    vote.save(update_fields=["electorate_heads", "electorate_area", "updated_at"])
    return vote


@transaction.atomic
def vote_close(*, vote: Vote, actor, at: datetime | None = None) -> Vote:
    return VOTE_WORKFLOW.fire(vote, "close", actor=actor, at=at)


@transaction.atomic
def vote_count(*, vote: Vote, actor, at: datetime | None = None) -> Vote:
    """Count a closed vote and store the result with it (the figures published)."""
    result = vote_tally(vote)
    data = vote_result(vote, result)
    if vote.election_id:
        # An election of committee members: each candidate's result and the ranking.
        from .elections import election_result

        data["election"] = election_result(vote)
    now = at or timezone.now()
    return VOTE_WORKFLOW.fire(
        vote,
        "count",
        actor=actor,
        changes={"result": data, "counted_at": now},
        data={"outcome": result.outcome},
        at=now,
    )


@transaction.atomic
def vote_cancel(*, vote: Vote, actor, reason: str, at: datetime | None = None) -> Vote:
    return VOTE_WORKFLOW.fire(vote, "cancel", actor=actor, reason=reason, at=at)


# ------------------------------------------------------------------ ballots


class BallotDesk:
    """What checking one ballot needs, loaded once per vote: the frozen electorate by
    address, who is one person, the ballots already in. Used by single entry and by
    file import alike, so both refuse the same things with the same words."""

    def __init__(self, vote: Vote, today: date | None = None):
        self.vote = vote
        self.today = today or timezone.localdate()  # no ballot dated after it
        self.entries = {
            (normalise(e.building_name), normalise(e.entrance), normalise(e.room)): e
            for e in vote.electorate.all()
        }
        self.by_pk = {e.pk: e for e in self.entries.values()}
        self.person_of = electorate_persons(self.by_pk.values())
        self.cast: dict[int, tuple[str, Any]] = {
            entry_id: (choice, entered_at)
            for entry_id, choice, entered_at in vote.ballots.filter(voided=False).values_list(
                "entry_id", "choice", "entered_at"
            )
        }
        self.person_choice: dict[Any, tuple[str, ElectorateEntry]] = {}
        for entry_id, (choice, _at) in self.cast.items():
            self.person_choice.setdefault(self.person_of[entry_id], (choice, self.by_pk[entry_id]))
        self._registry: set[tuple[str, str, str]] | None = None

    def registry_addresses(self) -> set[tuple[str, str, str]]:
        if self._registry is None:
            self._registry = {
                (normalise(b), normalise(e), normalise(r))
                for b, e, r in Unit.objects.filter(compound_id=self.vote.compound_id).values_list(
                    "building__name", "entrance", "room"
                )
            }
        return self._registry

    def check(
        self, *, building: str, entrance: str, room: str, choice: Any, cast_on: date
    ) -> tuple[ElectorateEntry, str]:
        """The entry and choice of one ballot, or ValidationError naming the reason."""
        label = unit_label(normalise(building), normalise(entrance), normalise(room))
        key = (normalise(building), normalise(entrance), normalise(room))
        entry = self.entries.get(key)
        if entry is None:
            if key in self.registry_addresses():
                raise ValidationError(MSG_OUT_OF_SCOPE, code="out_of_scope", params={"unit": label})
            raise ValidationError(MSG_UNKNOWN_UNIT, code="unknown_unit", params={"unit": label})
        value = choice_parse(choice)
        if value is None:
            raise ValidationError(
                MSG_UNKNOWN_CHOICE, code="unknown_choice", params={"choice": str(choice or "")}
            )
        vote = self.vote
        if not vote.starts_on <= cast_on <= vote.ends_on:
            raise ValidationError(
                MSG_OUT_OF_PERIOD,
                code="out_of_period",
                params={
                    "day": f"{cast_on:%Y-%m-%d}",
                    "starts": f"{vote.starts_on:%Y-%m-%d}",
                    "ends": f"{vote.ends_on:%Y-%m-%d}",
                },
            )
        if cast_on > self.today:
            raise ValidationError(MSG_FUTURE, code="future", params={"day": f"{cast_on:%Y-%m-%d}"})
        if entry.pk in self.cast:
            when = timezone.localtime(self.cast[entry.pk][1]) if self.cast[entry.pk][1] else None
            raise ValidationError(
                MSG_SECOND_BALLOT,
                code="second_ballot",
                params={"unit": str(entry), "when": f"{when:%Y-%m-%d %H:%M}" if when else ""},
            )
        # SPC 9: one person, one voice on the headcount measure.
        person = self.person_of[entry.pk]
        if person in self.person_choice and self.person_choice[person][0] != value:
            other_choice, other = self.person_choice[person]
            raise ValidationError(
                MSG_PERSON_SPLIT,
                code="person_split",
                params={
                    "unit": str(entry),
                    "other": str(other),
                    "other_choice": BallotChoice(other_choice).label,
                },
            )
        return entry, value

    def record(self, entry: ElectorateEntry, choice: str, at=None) -> None:
        """Remember a ballot accepted in this batch (not yet saved)."""
        self.cast[entry.pk] = (choice, at)
        self.person_choice.setdefault(self.person_of[entry.pk], (choice, entry))


def _locked_open_vote(vote: Vote, actor) -> Vote:
    """The vote row locked, so ballots of one vote go in one after another and cannot
    race the close; refused unless open and the actor may enter ballots there."""
    locked = Vote.objects.select_for_update().get(pk=vote.pk)
    authorise(actor, ENTER_BALLOT, locked, level=VIEW)
    if locked.status != VoteStatus.OPEN:
        raise ValidationError(MSG_NOT_OPEN, code="not_open")
    return locked


@transaction.atomic
def ballot_enter(
    *,
    vote: Vote,
    actor,
    building: str,
    entrance: str = "",
    room: str,
    choice: str,
    cast_on: date | None = None,
    proxy_name: str = "",
    proxy_document=None,
    at: datetime | None = None,
) -> Ballot:
    """Enter one unit's ballot, recording who entered it and when (DOMAIN 1.9)."""
    now = at or timezone.now()
    locked = _locked_open_vote(vote, actor)
    if locked.election_id:
        raise ValidationError(MSG_ELECTION_BALLOT, code="election_ballot")
    desk = BallotDesk(locked, timezone.localdate(now))
    entry, value = desk.check(
        building=building,
        entrance=entrance,
        room=room,
        choice=choice,
        cast_on=cast_on or desk.today,
    )
    ballot = Ballot(
        vote=locked,
        entry=entry,
        batch=_sitting(locked, actor, now),
        choice=value,
        cast_on=cast_on or desk.today,
        proxy_name=proxy_name.strip(),
        proxy_document=proxy_document,
        source=BallotSource.ENTERED,
        entered_by=actor,
        entered_at=now,
    )
    ballot.full_clean(exclude=["vote", "entry", "batch", "entered_by"])
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError:
        # The vote row lock serialises entries on PostgreSQL; the unique constraint is
        # the backstop where locks are not available.
        raise ValidationError(
            MSG_SECOND_BALLOT, code="second_ballot", params={"unit": str(entry), "when": ""}
        ) from None
    return ballot


def _sitting(vote: Vote, actor, at: datetime | None = None) -> BallotBatch:
    """The actor's batch of ballots entered one by one and not yet checked, else a new
    one: a sitting at the entry screen is one batch for the checker."""
    batch = (
        BallotBatch.objects.filter(
            vote=vote,
            entered_by=actor,
            source=BallotSource.ENTERED,
            confirmed_at__isnull=True,
            rejected_at__isnull=True,
        )
        .order_by("-pk")
        .first()
    )
    return batch or BallotBatch.objects.create(
        vote=vote, entered_by=actor, source=BallotSource.ENTERED, created_at=at or timezone.now()
    )


def ballots_create(
    *,
    vote: Vote,
    actor,
    rows: list[dict[str, Any]],
    original_name: str = "",
    at: datetime | None = None,
) -> list[Ballot]:
    """Save checked ballots in bulk as one batch (the importer's last step, inside its
    transaction), entered at ``at`` (default now)."""
    now = at or timezone.now()
    batch = BallotBatch.objects.create(
        vote=vote,
        entered_by=actor,
        source=BallotSource.IMPORTED,
        original_name=original_name[:255],
        created_at=now,
    )
    ballots = [
        Ballot(
            vote=vote,
            entry=row["entry"],
            batch=batch,
            choice=row["choice"],
            cast_on=row["cast_on"],
            proxy_name=row.get("proxy_name", ""),
            proxy_document=row.get("proxy_document"),
            source=BallotSource.IMPORTED,
            entered_by=actor,
            entered_at=now,
        )
        for row in rows
    ]
    return Ballot.objects.bulk_create(ballots, batch_size=1000)


# ------------------------------------------------------------------ four eyes


def _locked_batch(batch: BallotBatch, actor) -> BallotBatch:
    locked_vote = Vote.objects.select_for_update().get(pk=batch.vote_id)
    locked = BallotBatch.objects.select_for_update().get(pk=batch.pk)
    authorise(actor, ENTER_BALLOT, locked_vote, level=VIEW)
    if locked_vote.status not in (VoteStatus.OPEN, VoteStatus.CLOSED):
        raise ValidationError(MSG_BATCH_VOTE_OVER, code="vote_over")
    if not locked.is_pending:
        raise ValidationError(MSG_BATCH_DONE, code="batch_done")
    # Four eyes: the person who entered the ballots does not check them.
    if locked.entered_by_id == actor.pk:
        raise ValidationError(MSG_SAME_PERSON, code="same_person")
    return locked


@transaction.atomic
def batch_confirm(*, batch: BallotBatch, actor, at: datetime | None = None) -> BallotBatch:
    """A second person has checked the batch against the paper: its ballots count."""
    locked = _locked_batch(batch, actor)
    locked.confirmed_by = actor
    locked.confirmed_at = at or timezone.now()
    locked.save(update_fields=["confirmed_by", "confirmed_at"])
    log(
        instance=locked,
        action="votes.ballotbatch.confirm",
        user=actor,
        timestamp=locked.confirmed_at,
        data={"ballots": locked.ballots.count()},
    )
    batch.confirmed_by, batch.confirmed_at = locked.confirmed_by, locked.confirmed_at
    return locked


@transaction.atomic
def batch_reject(
    *, batch: BallotBatch, actor, reason: str, at: datetime | None = None
) -> BallotBatch:
    """The checker found a mistake: the batch and its ballots are kept but void, and
    its units can be entered again (DOMAIN 1.9: nothing is deleted)."""
    if not reason.strip():
        raise ValidationError(MSG_REJECT_REASON, code="reason_required")
    locked = _locked_batch(batch, actor)
    locked.rejected_by = actor
    locked.rejected_at = at or timezone.now()
    locked.reject_reason = reason.strip()
    locked.save(update_fields=["rejected_by", "rejected_at", "reject_reason"])
    voided = locked.ballots.update(voided=True)
    log(
        instance=locked,
        action="votes.ballotbatch.reject",
        user=actor,
        timestamp=locked.rejected_at,
        data={"ballots": voided, "reason": locked.reject_reason},
    )
    batch.rejected_by, batch.rejected_at = locked.rejected_by, locked.rejected_at
    return locked


@transaction.atomic
def batch_attach_scan(*, batch: BallotBatch, actor, document) -> BallotBatch:
    """Attach the scan of the paper ballots of a batch (who entered it, before checking)."""
    locked = BallotBatch.objects.select_for_update().get(pk=batch.pk)
    authorise(actor, ENTER_BALLOT, locked, level=VIEW)
    if not locked.is_pending:
        raise ValidationError(MSG_BATCH_DONE, code="batch_done")
    locked.scan = document
    locked.save(update_fields=["scan"])
    batch.scan = document
    return locked
