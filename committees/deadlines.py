"""Statutory deadlines (DOMAIN 1.10): calendar days, the start day excluded, and a deadline
that falls on a rest day moves to the next working day (CC 201, 203).

Rest days are Saturdays and Sundays, plus the public holidays in :class:`CalendarDay`,
minus the make-up working days (调休) recorded there. A :class:`WorkCalendar` loads those
exceptions in one query, so computing any number of deadlines costs one query.

The calendar of a year is entered once the State Council publishes it (usually in
November). A deadline that falls in a year with no entry at all is computed from weekends
only: :meth:`WorkCalendar.covers` tells so, and :func:`due_date_checked` returns the date
with that flag, so screens can warn that the date may move.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

# China's official holidays and make-up working days, seeded by migration committees.0004,
# as the State Council's notices give them: 国务院办公厅关于2024年部分节假日安排的通知;
# …2025年… (国办发明电〔2024〕12号, 2024-11-12); …2026年… (2025-11-04). Add each year's
# notice when it is published. Ranges are inclusive; weekends inside them are rest days anyway.
OFFICIAL_REST_DAYS: tuple[tuple[str, str, str], ...] = (
    ("2024-01-01", "2024-01-01", "元旦"),
    ("2024-02-10", "2024-02-17", "春节"),
    ("2024-04-04", "2024-04-06", "清明节"),
    ("2024-05-01", "2024-05-05", "劳动节"),
    ("2024-06-10", "2024-06-10", "端午节"),
    ("2024-09-15", "2024-09-17", "中秋节"),
    ("2024-10-01", "2024-10-07", "国庆节"),
    ("2025-01-01", "2025-01-01", "元旦"),
    ("2025-01-28", "2025-02-04", "春节"),
    ("2025-04-04", "2025-04-06", "清明节"),
    ("2025-05-01", "2025-05-05", "劳动节"),
    ("2025-05-31", "2025-06-02", "端午节"),
    ("2025-10-01", "2025-10-08", "国庆节、中秋节"),
    ("2026-01-01", "2026-01-03", "元旦"),
    ("2026-02-15", "2026-02-23", "春节"),
    ("2026-04-04", "2026-04-06", "清明节"),
    ("2026-05-01", "2026-05-05", "劳动节"),
    ("2026-06-19", "2026-06-21", "端午节"),
    ("2026-09-25", "2026-09-27", "中秋节"),
    ("2026-10-01", "2026-10-07", "国庆节"),
)
OFFICIAL_WORKING_DAYS: tuple[tuple[str, str], ...] = (
    ("2024-02-04", "春节调休上班"),
    ("2024-02-18", "春节调休上班"),
    ("2024-04-07", "清明节调休上班"),
    ("2024-04-28", "劳动节调休上班"),
    ("2024-05-11", "劳动节调休上班"),
    ("2024-09-14", "中秋节调休上班"),
    ("2024-09-29", "国庆节调休上班"),
    ("2024-10-12", "国庆节调休上班"),
    ("2025-01-26", "春节调休上班"),
    ("2025-02-08", "春节调休上班"),
    ("2025-04-27", "劳动节调休上班"),
    ("2025-09-28", "国庆节调休上班"),
    ("2025-10-11", "国庆节调休上班"),
    ("2026-01-04", "元旦调休上班"),
    ("2026-02-14", "春节调休上班"),
    ("2026-02-28", "春节调休上班"),
    ("2026-05-09", "劳动节调休上班"),
    ("2026-09-20", "国庆节调休上班"),
    ("2026-10-10", "国庆节调休上班"),
)


def official_calendar_rows() -> list[tuple[date, bool, str]]:
    """(date, is_rest_day, note) for every seeded day."""
    rows: list[tuple[date, bool, str]] = []
    for first, last, note in OFFICIAL_REST_DAYS:
        day, end = date.fromisoformat(first), date.fromisoformat(last)
        while day <= end:
            rows.append((day, True, note))
            day += timedelta(days=1)
    rows += [(date.fromisoformat(d), False, note) for d, note in OFFICIAL_WORKING_DAYS]
    return rows


class CheckedDate(NamedTuple):
    """A deadline and whether the holiday calendar of its year has been entered."""

    date: date
    calendar_entered: bool


@dataclass(frozen=True)
class WorkCalendar:
    """Weekends plus recorded exceptions (date → is_rest_day)."""

    exceptions: Mapping[date, bool] = field(default_factory=dict)

    @cached_property
    def years(self) -> frozenset[int]:
        """The years with at least one recorded holiday or make-up working day."""
        return frozenset(day.year for day in self.exceptions)

    def covers(self, day: date) -> bool:
        """Whether the holidays of ``day``'s year have been entered. Every year has
        public holidays, so a year without any entry has simply not been entered."""
        return day.year in self.years

    @classmethod
    def load(cls) -> WorkCalendar:
        """All recorded exceptions, one query (a few dozen rows a year)."""
        from .models.bodies import CalendarDay

        return cls(dict(CalendarDay.objects.values_list("date", "is_rest_day")))

    def is_rest_day(self, day: date) -> bool:
        if day in self.exceptions:
            return self.exceptions[day]
        return day.weekday() >= 5

    def next_working_day(self, day: date) -> date:
        while self.is_rest_day(day):
            day += timedelta(days=1)
        return day

    def due_date(self, start: date, days: int) -> date:
        """The last day to act for a period of ``days`` calendar days from ``start``."""
        return self.next_working_day(start + timedelta(days=days))

    def due_date_checked(self, start: date, days: int) -> CheckedDate:
        """:meth:`due_date`, flagged when a year the period may end in has no calendar."""
        due = self.due_date(start, days)
        end = start + timedelta(days=days)
        return CheckedDate(due, self.covers(end) and self.covers(due))


def due_date(start: date, days: int, *, work_calendar: WorkCalendar | None = None) -> date:
    """DOMAIN 1.10: e.g. elected 2024-03-01, 30 days → 2024-03-31 is a Sunday → 2024-04-01."""
    return (work_calendar or WorkCalendar.load()).due_date(start, days)


def due_date_checked(
    start: date, days: int, *, work_calendar: WorkCalendar | None = None
) -> CheckedDate:
    """:func:`due_date` and whether the calendar covers it (``calendar_entered``)."""
    return (work_calendar or WorkCalendar.load()).due_date_checked(start, days)


def add_months(day: date, months: int) -> date:
    """Same day ``months`` later (or earlier); the month's last day when it has no such day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def add_years(day: date, years: int) -> date:
    return add_months(day, 12 * years)
