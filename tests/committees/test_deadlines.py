"""DOMAIN 1.10 deadlines: calendar days, start day excluded, rest days roll forward."""

from datetime import date

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
