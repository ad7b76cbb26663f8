"""Filing and regular-report writes (DOMAIN §11): keyword-only, atomic, authorised through
:mod:`common.access`, audited; every status change goes through
:mod:`disclosures.filings.workflows`."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from common.access import authorise
from common.jurisdiction import VIEW
from estates.choices import RegionLevel
from estates.models import Building, Region

from .choices import AMOUNT_MATTERS, FilingStatus, ReviewDecision, ScopeKind
from .models import Filing, FilingDocument, FilingReview, FilingVersion, RegularReport
from .rules import Rules, filing_rules_for
from .workflows import FILING_WORKFLOW, PREPARE_FILING, REPORT_WORKFLOW, WORKFLOWS

MSG_NOT_EDITABLE = _("只有草稿或已退回的报备可以修改。")
MSG_NO_STREET = _("该小区所在社区没有上级街道，无法确定接收报备的街道。")
MSG_COMMITTEE_INACTIVE = _("该委员会已不在任，不能起草报备。")
MSG_FOREIGN_BUILDING = _("所选楼栋不属于该小区。")
MSG_AMOUNT_NOT_APPLICABLE = _("“%(matter)s”不填写金额。")

EDITABLE = (FilingStatus.DRAFT, FilingStatus.RETURNED)
FILING_FIELDS = (
    "matter_type",
    "title",
    "proposal",
    "amount",
    "planned_vote_on",
    "scope_kind",
    "scope_note",
)

LOG_ACTIONS: tuple[tuple[str, Any], ...] = tuple(
    (action, label) for workflow in WORKFLOWS for action, label, _msg in workflow.log_actions()
)


def _street_of(compound) -> Region:
    """The street (街道/乡镇) that receives the compound's filings: the community's parent."""
    region = compound.region
    while region is not None and region.level != RegionLevel.STREET:
        region = region.parent
    if region is None:
        raise ValidationError(MSG_NO_STREET, code="no_street")
    return region


def _check_fields(filing: Filing, buildings: Iterable[Building] | None) -> None:
    if filing.matter_type not in AMOUNT_MATTERS and filing.amount is not None:
        raise ValidationError(
            {
                "amount": ValidationError(
                    MSG_AMOUNT_NOT_APPLICABLE,
                    params={"matter": filing.get_matter_type_display()},
                )
            }
        )
    for building in buildings or ():
        if building.compound_id != filing.compound_id:
            raise ValidationError({"scope_buildings": MSG_FOREIGN_BUILDING})


@transaction.atomic
def filing_create(
    *,
    actor,
    committee,
    matter_type: str,
    title: str,
    proposal: str,
    planned_vote_on: date,
    amount: Decimal | None = None,
    scope_kind: str = ScopeKind.COMPOUND,
    scope_note: str = "",
    buildings: Iterable[Building] | None = None,
) -> Filing:
    """A committee drafts a filing for its own compound."""
    authorise(actor, PREPARE_FILING, committee, level=VIEW)
    if not committee.is_active:
        raise ValidationError(MSG_COMMITTEE_INACTIVE, code="inactive_committee")
    compound = committee.compound
    filing = Filing(
        compound=compound,
        committee=committee,
        street=_street_of(compound),
        matter_type=matter_type,
        title=title,
        proposal=proposal,
        amount=amount,
        planned_vote_on=planned_vote_on,
        scope_kind=scope_kind,
        scope_note=scope_note,
        created_by=actor,
    )
    buildings = list(buildings or ())
    _check_fields(filing, buildings)
    filing.full_clean()
    filing.save()
    if buildings:
        filing.scope_buildings.set(buildings)
    log(instance=filing, action="wagtail.create", user=actor)
    return filing


@transaction.atomic
def filing_update(
    *, filing: Filing, actor, buildings: Iterable[Building] | None = None, **fields: Any
) -> Filing:
    """Revise a draft or a returned filing (a returned one is then submitted again as a
    new version; the earlier versions stay as they were submitted)."""
    unknown = set(fields) - set(FILING_FIELDS)
    if unknown:
        raise TypeError(f"filing_update: unknown fields {sorted(unknown)}")
    locked = Filing.objects.select_for_update().get(pk=filing.pk)
    authorise(actor, PREPARE_FILING, locked, level=VIEW)
    if locked.status not in EDITABLE:
        raise ValidationError(MSG_NOT_EDITABLE, code="not_editable")
    for name, value in fields.items():
        setattr(locked, name, value)
    buildings = None if buildings is None else list(buildings)
    _check_fields(locked, buildings)
    locked.full_clean()
    locked.save(update_fields=[*fields, "updated_at"])
    if buildings is not None:
        locked.scope_buildings.set(buildings)
    log(instance=locked, action="wagtail.edit", user=actor)
    for name in fields:
        setattr(filing, name, getattr(locked, name))
    return locked


@transaction.atomic
def filing_document_add(*, filing: Filing, actor, title: str, document=None) -> FilingDocument:
    locked = Filing.objects.select_for_update().get(pk=filing.pk)
    authorise(actor, PREPARE_FILING, locked, level=VIEW)
    if locked.status not in EDITABLE:
        raise ValidationError(MSG_NOT_EDITABLE, code="not_editable")
    paper = FilingDocument(filing=locked, compound_id=locked.compound_id, title=title)
    paper.document = document
    paper.full_clean()
    paper.save()
    log(instance=locked, action="wagtail.edit", user=actor, data={"document": title})
    return paper


def _snapshot(filing: Filing, *, number: int, actor, at) -> FilingVersion:
    return FilingVersion.objects.create(
        filing=filing,
        number=number,
        submitted_at=at,
        submitted_by=actor,
        matter_type=filing.matter_type,
        title=filing.title,
        proposal=filing.proposal,
        amount=filing.amount,
        planned_vote_on=filing.planned_vote_on,
        scope_kind=filing.scope_kind,
        scope_note=filing.scope_note,
        scope_buildings=[b.name for b in filing.scope_buildings.order_by("name")],
        documents=[
            {"title": d.title, "document": d.document_id} for d in filing.documents.order_by("pk")
        ],
    )


@transaction.atomic
def filing_submit(*, filing: Filing, actor, at: datetime | None = None) -> Filing:
    """The committee submits (or resubmits) the filing to the community party
    organisation; the version as submitted is kept, and the review deadline set.
    ``at`` (default now) lets the demo seed write its history with one fixed clock."""
    locked = Filing.objects.select_for_update().get(pk=filing.pk)
    now = at or timezone.now()
    number = locked.version + 1
    due = filing_rules_for(locked.compound).review_due_on(timezone.localdate(now))
    updated = FILING_WORKFLOW.fire(
        locked,
        "submit",
        actor=actor,
        changes={"version": number, "submitted_at": now, "review_due_on": due},
        data={"version": number},
    )
    _snapshot(updated, number=number, actor=actor, at=now)
    _sync(filing, updated)
    return updated


def _review(filing: Filing, *, actor, verb: str, reason: str, at: datetime | None) -> Filing:
    locked = Filing.objects.select_for_update().get(pk=filing.pk)
    now = at or timezone.now()
    changes: dict[str, Any] = {"reviewed_at": now}
    if verb == "return":
        changes["return_reason"] = reason.strip()
    updated = FILING_WORKFLOW.fire(
        locked, verb, actor=actor, reason=reason, changes=changes, data={"version": locked.version}
    )
    FilingReview.objects.create(
        filing=updated,
        version=updated.versions.get(number=updated.version),
        decision=ReviewDecision.APPROVED if verb == "approve" else ReviewDecision.RETURNED,
        reason=reason.strip(),
        reviewed_at=now,
        reviewed_by=actor,
        due_on=updated.review_due_on,
    )
    _sync(filing, updated)
    return updated


@transaction.atomic
def filing_approve(*, filing: Filing, actor, note: str = "", at: datetime | None = None) -> Filing:
    """The community party organisation agrees (DOMAIN 11.1, 11.2)."""
    return _review(filing, actor=actor, verb="approve", reason=note, at=at)


@transaction.atomic
def filing_return(*, filing: Filing, actor, reason: str, at: datetime | None = None) -> Filing:
    """The community party organisation returns the filing with its reasons."""
    return _review(filing, actor=actor, verb="return", reason=reason, at=at)


def receipt_number(street: Region, year: int, serial: int) -> str:
    """报备回执编号: the street's code, the year and a serial within them."""
    return f"{street.code}-{year}-{serial:04d}"


@transaction.atomic
def filing_accept(*, filing: Filing, actor, on: date | None = None) -> Filing:
    """The street receives the approved filing and issues the next receipt number of its
    year. The street's row is locked first, so two receipts of one street are numbered
    one after the other; the unique constraint backs it up."""
    on = on or timezone.localdate()
    street = Region.objects.select_for_update().get(pk=filing.street_id)
    last = Filing.objects.filter(street=street, receipt_year=on.year).aggregate(
        last=Max("receipt_serial")
    )["last"]
    serial = (last or 0) + 1
    updated = FILING_WORKFLOW.fire(
        filing,
        "accept",
        actor=actor,
        changes={
            "accepted_on": on,
            "accepted_by": actor,
            "receipt_year": on.year,
            "receipt_serial": serial,
            "receipt_number": receipt_number(street, on.year, serial),
        },
        data={"receipt_number": receipt_number(street, on.year, serial)},
    )
    _sync(filing, updated)
    return updated


@transaction.atomic
def filing_withdraw(*, filing: Filing, actor, reason: str) -> Filing:
    updated = FILING_WORKFLOW.fire(filing, "withdraw", actor=actor, reason=reason)
    _sync(filing, updated)
    return updated


def _sync(target, source) -> None:
    for field in source._meta.concrete_fields:
        setattr(target, field.attname, getattr(source, field.attname))


# ------------------------------------------------------------------ regular reports


def _schedule_start(formed_on: date, interval: int) -> date:
    """Periods follow the calendar (quarters start in January, April, …) when the interval
    divides the year; otherwise they run from the month the committee was formed."""
    if 12 % interval == 0:
        month = (formed_on.month - 1) // interval * interval + 1
        return date(formed_on.year, month, 1)
    return formed_on.replace(day=1)


@transaction.atomic
def report_schedule_ensure(
    *,
    committee,
    until: date | None = None,
    rules: Rules | None = None,
    since: date | None = None,
) -> int:
    """Create the pending report of every period of the committee's schedule that has
    ended by ``until`` (DOMAIN 11.3); periods already present are left alone. Returns
    how many were created."""
    until = until or timezone.localdate()
    if not committee.is_active:
        until = min(until, committee.dissolved_on or until)
    rules = rules or filing_rules_for(committee.compound)
    # ``since``: the duty starts when reporting was introduced, not before the committee.
    start = _schedule_start(
        max(committee.formed_on, since or committee.formed_on), rules.report_interval_months
    )
    existing = set(committee.regular_reports.values_list("period_start", flat=True))
    new = [
        RegularReport(
            committee=committee,
            compound_id=committee.compound_id,
            period_start=period_start,
            period_end=period_end,
            due_on=due_on,
        )
        for period_start, period_end, due_on in rules.report_periods(start, until)
        if period_start not in existing
    ]
    RegularReport.objects.bulk_create(new, ignore_conflicts=True)
    return len(new)


@transaction.atomic
def report_submit(*, report: RegularReport, actor, content: str = "", document=None) -> None:
    updated = REPORT_WORKFLOW.fire(
        report,
        "submit",
        actor=actor,
        changes={
            "content": content,
            "document": document,
            "submitted_at": timezone.now(),
            "submitted_by": actor,
        },
    )
    _sync(report, updated)


@transaction.atomic
def report_approve(*, report: RegularReport, actor, note: str = "") -> None:
    updated = REPORT_WORKFLOW.fire(
        report,
        "approve",
        actor=actor,
        reason=note,
        changes={"reviewed_at": timezone.now(), "review_note": note.strip()},
    )
    _sync(report, updated)


@transaction.atomic
def report_return(*, report: RegularReport, actor, reason: str) -> None:
    updated = REPORT_WORKFLOW.fire(
        report,
        "return",
        actor=actor,
        reason=reason,
        changes={"reviewed_at": timezone.now(), "review_note": reason.strip()},
    )
    _sync(report, updated)
