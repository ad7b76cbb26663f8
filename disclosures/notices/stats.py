"""Disclosure figures for a region's subtree (DOMAIN 0.5: 579 of 文山州's 873 compounds
disclose; DOMAIN 5.1, 5.4, 6.6: what each must publish), registered in
:data:`estates.stats.STATISTICS`."""

from __future__ import annotations

import datetime

from django.db.models import (
    Case,
    DateTimeField,
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce, Length, StrIndex
from django.utils import timezone

from estates.models import Compound, Region
from estates.stats import statistic

from .choices import Frequency
from .models import DisclosureItem, NoticeFingerprint, NoticePage
from .selectors.schedule import PERIOD_MONTHS, last_completed_period


class DaysBefore(Func):
    """A moment ``days`` days (a column) before another: SQL date arithmetic, which
    Django's expressions do not offer for an integer column on SQLite."""

    output_field = DateTimeField()

    def _parts(self, compiler, connection):
        moment, days = (compiler.compile(e) for e in self.get_source_expressions())
        return moment, days

    def as_sqlite(self, compiler, connection, **extra_context):
        (moment, moment_params), (days, days_params) = self._parts(compiler, connection)
        sql = f"datetime({moment}, '-' || {days} || ' days')"
        return sql, (*moment_params, *days_params)

    def as_postgresql(self, compiler, connection, **extra_context):
        (moment, moment_params), (days, days_params) = self._parts(compiler, connection)
        return f"({moment} - make_interval(days => {days}))", (*moment_params, *days_params)


@statistic("disclosing_compounds")
def disclosing_compounds_count(region: Region) -> int:
    """Compounds with at least one notice on public display."""
    return (
        NoticePage.objects.live()
        .filter(compound__region_path__startswith=region.path)
        .values("compound_id")
        .distinct()
        .count()
    )


@statistic("disclosures_published")
def disclosures_published_count(region: Region) -> int:
    """Notices ever published, each correction counted as a notice of its own: one link
    of its compound's fingerprint chain each."""
    return NoticeFingerprint.objects.filter(region_path__startswith=region.path).count()


@statistic("disclosures_overdue")
def disclosures_overdue_count(region: Region, *, today: datetime.date | None = None) -> int:
    """Required disclosures past their due date and not published, over every compound
    of the region and every item of the catalogue in force there: the overdue entries of
    :func:`.selectors.schedule.region_compliance`, counted in one query.

    Each catalogue row counts the compounds for which it is the item in force (the
    national default or the nearest region's row of that code, DOMAIN rules marked L)
    and overdue: a periodic item when its last completed period's grace days have passed
    and no public notice covers that period's end; an item published on change when the
    grace days since the compound was registered have passed and no notice is public."""
    today = today or timezone.localdate()
    start_of_today = datetime.datetime.combine(
        today, datetime.time.min, timezone.get_current_timezone()
    )
    rows = DisclosureItem.objects.filter(is_active=True).annotate(
        prefix=Coalesce("region__path", Value(""))
    )
    in_force = (
        Compound.objects.filter(region_path__startswith=region.path)
        # The row's region is the compound's own or above it …
        .filter(region_path__startswith=OuterRef("prefix"))
        .exclude(
            # … and no deeper region configures the same code for it.
            Exists(
                DisclosureItem.objects.filter(code=OuterRef(OuterRef("code")), region__isnull=False)
                .annotate(
                    depth=Length("region__path"),
                    at=StrIndex(OuterRef("region_path"), F("region__path")),
                )
                .filter(at=1, depth__gt=Length(OuterRef(OuterRef("prefix"))))
            )
        )
    )
    public = NoticePage.objects.filter(
        live=True, compound_id=OuterRef("pk"), item__code=OuterRef(OuterRef("code"))
    )

    def counted(compounds) -> Subquery:
        return Subquery(
            compounds.order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n")[:1],
            output_field=IntegerField(),
        )

    cases = []
    for frequency in PERIOD_MONTHS:
        _start, end = last_completed_period(frequency, today)
        cases.append(
            When(
                frequency=frequency,
                grace_days__lt=(today - end).days,
                then=counted(in_force.exclude(Exists(public.filter(period_ends_on__gte=end)))),
            )
        )
    registered_before = DaysBefore(
        Value(start_of_today, output_field=DateTimeField()), F("grace_days")
    )
    cases.append(
        When(
            frequency=Frequency.ON_CHANGE,
            then=counted(
                in_force.filter(created_at__lt=OuterRef("registered_before")).exclude(
                    Exists(public)
                )
            ),
        )
    )
    rows = rows.annotate(registered_before=registered_before).annotate(
        overdue=Case(*cases, default=Value(0), output_field=IntegerField())
    )
    return rows.aggregate(total=Coalesce(Sum("overdue"), 0))["total"]
