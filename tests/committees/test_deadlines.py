"""DOMAIN 1.10 deadlines: calendar days, start day excluded, rest days roll forward."""

from datetime import date, timedelta

import pytest

from committees.deadlines import WorkCalendar, add_months, due_date
from committees.models.bodies import CalendarDay

pytestmark = pytest.mark.django_db


def test_e7_first_meeting_and_filing_deadlines():
    """E7: elected 2024-03-01 → first meeting by 03-08; filing due 03-31 (Sunday) → 04-01."""
    assert due_date(date(2024, 3, 1), 7) == date(2024, 3, 8)
    assert due_date(date(2024, 3, 1), 30) == date(2024, 4, 1)


def test_start_day_is_excluded():
    assert due_date(date(2024, 3, 4), 1) == date(2024, 3, 5)


def test_official_holidays_are_seeded_and_move_deadlines():
    # 2024 National Day: 10-01..10-07 rest, 10-12 (Saturday) a make-up working day.
    assert CalendarDay.objects.get(date=date(2024, 10, 3)).is_rest_day
    assert due_date(date(2024, 9, 30), 1) == date(2024, 10, 8)
    assert due_date(date(2024, 10, 2), 10) == date(2024, 10, 12)
    # Spring Festival 2025: 01-28..02-04 rest.
    assert due_date(date(2025, 1, 20), 10) == date(2025, 2, 5)


def test_2026_notice():
    """国务院办公厅关于2026年部分节假日安排的通知 (2025-11-04)."""
    calendar = WorkCalendar.load()
    spring_festival = [date(2026, 2, 15) + timedelta(days=n) for n in range(9)]
    assert all(calendar.is_rest_day(day) for day in spring_festival)  # 02-15..02-23
    for day in ("2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"):
        assert not calendar.is_rest_day(date.fromisoformat(day))  # make-up working days
    assert calendar.is_rest_day(date(2026, 1, 2))  # 元旦 01-01..01-03 (a Friday)
    assert calendar.is_rest_day(date(2026, 10, 7)) and not calendar.is_rest_day(date(2026, 10, 8))
    # A 30-day period ending on 2026-02-21 (Saturday of the Spring Festival) ends 02-24.
    assert calendar.due_date(date(2026, 1, 22), 30) == date(2026, 2, 24)


def test_recorded_exception_overrides_weekend_rule():
    CalendarDay.objects.update_or_create(
        date=date(2030, 3, 4), defaults={"is_rest_day": True, "note": "地方假日"}
    )
    assert due_date(date(2030, 3, 1), 3) == date(2030, 3, 5)
    calendar = WorkCalendar({date(2030, 3, 2): False})  # a make-up Saturday
    assert calendar.due_date(date(2030, 3, 1), 1) == date(2030, 3, 2)


def test_one_query_for_many_deadlines(django_assert_num_queries):
    with django_assert_num_queries(1):
        calendar = WorkCalendar.load()
        dues = [calendar.due_date(date(2024, 1, 1), n) for n in range(1, 400)]
    assert len(dues) == 399


def test_add_months_clamps_to_month_end():
    assert add_months(date(2029, 5, 31), -3) == date(2029, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
