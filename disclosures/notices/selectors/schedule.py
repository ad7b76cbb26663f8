"""What each compound must publish and by when, and whether it has (DOMAIN 5.1, 5.4, 6.6).

Periodic items are due for the last calendar period that has ended (quarter, half-year,
year), ``grace_days`` after its end; a notice counts when it is published and its covered
period reaches the period's end. Items published on change are due once, ``grace_days``
after the compound was registered, and count as done once any notice of them is public.
"""

from __future__ import annotations

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass

from django.utils import timezone

from estates.models import Compound, Region

from ..choices import Compliance, Frequency
from ..models import DisclosureItem, NoticePage
from .catalogue import catalogue_for

PERIOD_MONTHS = {Frequency.QUARTERLY: 3, Frequency.HALF_YEARLY: 6, Frequency.YEARLY: 12}


@dataclass(frozen=True)
class ScheduleEntry:
    item: DisclosureItem
    period_start: datetime.date | None
    period_end: datetime.date | None
    due_on: datetime.date
    status: str

    @property
    def status_label(self) -> str:
        return Compliance(self.status).label


def last_completed_period(
    frequency: str, today: datetime.date
) -> tuple[datetime.date, datetime.date]:
    """The latest calendar period of ``frequency`` that ended before ``today``."""
    months = PERIOD_MONTHS[frequency]
    index = (today.month - 1) // months  # the current period's index in the year
    year = today.year
    index -= 1
    if index < 0:
        index += 12 // months
        year -= 1
    start = datetime.date(year, index * months + 1, 1)
    end_month = index * months + months
    next_start = (
        datetime.date(year + 1, 1, 1) if end_month == 12 else datetime.date(year, end_month + 1, 1)
    )
    return start, next_start - datetime.timedelta(days=1)


def _entry(
    item: DisclosureItem,
    published: list[tuple[datetime.date | None, datetime.date | None]],
    registered_on: datetime.date,
    today: datetime.date,
) -> ScheduleEntry:
    if item.frequency == Frequency.ON_CHANGE:
        due = registered_on + datetime.timedelta(days=item.grace_days)
        done = bool(published)
        start = end = None
    else:
        start, end = last_completed_period(item.frequency, today)
        due = end + datetime.timedelta(days=item.grace_days)
        done = any(p_end is not None and p_end >= end for _p_start, p_end in published)
    if done:
        status = Compliance.DONE
    elif today > due:
        status = Compliance.OVERDUE
    else:
        status = Compliance.DUE
    return ScheduleEntry(item, start, end, due, status)


def _published_by_compound(compound_ids) -> dict[tuple[int, str], list]:
    found: dict[tuple[int, str], list] = defaultdict(list)
    rows = (
        NoticePage.objects.live()
        .filter(compound_id__in=compound_ids)
        .values_list("compound_id", "item__code", "period_starts_on", "period_ends_on")
    )
    for compound_id, code, start, end in rows:
        found[(compound_id, code)].append((start, end))
    return found


def compound_schedule(
    compound: Compound, *, today: datetime.date | None = None
) -> list[ScheduleEntry]:
    """The compound's required disclosures with due dates and compliance."""
    today = today or timezone.localdate()
    published = _published_by_compound([compound.pk])
    registered = timezone.localdate(compound.created_at)
    return [
        _entry(item, published.get((compound.pk, item.code), []), registered, today)
        for item in catalogue_for(compound.region)
    ]


@dataclass(frozen=True)
class CompoundCompliance:
    compound: Compound
    counts: Counter

    @property
    def status(self) -> str:
        if self.counts[Compliance.OVERDUE]:
            return Compliance.OVERDUE
        if self.counts[Compliance.DUE]:
            return Compliance.DUE
        return Compliance.DONE


def region_compliance(
    region: Region | None, *, compounds=None, today: datetime.date | None = None
) -> tuple[Counter, list[CompoundCompliance]]:
    """Compliance of every compound under ``region`` (or of ``compounds``, already scoped
    by the caller): item counts by status in total and per compound, for the alarms on the
    community and street dashboards."""
    today = today or timezone.localdate()
    if compounds is None:
        compounds = Compound.objects.filter(region_path__startswith=region.path)
    compounds = list(compounds.select_related("region"))
    published = _published_by_compound([c.pk for c in compounds])
    catalogues: dict[int, list[DisclosureItem]] = {}
    totals: Counter = Counter()
    rows = []
    for compound in compounds:
        if compound.region_id not in catalogues:
            catalogues[compound.region_id] = catalogue_for(compound.region)
        registered = timezone.localdate(compound.created_at)
        counts = Counter(
            _entry(item, published.get((compound.pk, item.code), []), registered, today).status
            for item in catalogues[compound.region_id]
        )
        totals.update(counts)
        rows.append(CompoundCompliance(compound, counts))
    return totals, rows


def overdue_compounds(region: Region, *, today: datetime.date | None = None) -> list:
    """The alarms: compounds with at least one overdue item."""
    _totals, rows = region_compliance(region, today=today)
    return [row for row in rows if row.status == Compliance.OVERDUE]
