"""The holiday calendar does not silently end (DOMAIN 1.10): platform administrators
edit holidays and make-up working days in the admin, a deadline in a year without a
calendar carries a visible warning, and from December 1st an alarm asks for next year's."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from committees.deadlines import WorkCalendar, due_date, due_date_checked
from committees.models.bodies import CalendarDay
from committees.selectors.alarms import AlarmKind, alarms_for
from tests.committees.committee_helpers import form_committee, street_officer
from tests.estates.admin_helpers import officer

pytestmark = pytest.mark.django_db

K = AlarmKind


def calendar_url(view: str = "index", pk: int | None = None) -> str:
    name = f"committees_calendarday:{view}"
    return reverse(name, args=[pk]) if pk is not None else reverse(name)


def is_denied(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response.url == "/admin/"


class TestCoverage:
    def test_seeded_years_are_covered_and_later_ones_are_not(self):
        calendar = WorkCalendar.load()
        assert {2024, 2025, 2026} <= calendar.years
        assert calendar.covers(date(2026, 12, 31))
        assert not calendar.covers(date(2027, 1, 1))

    def test_due_date_checked_flags_a_year_without_calendar(self):
        """2026-12-20 + 30 days = 2027-01-19, a year with no holidays entered."""
        assert due_date_checked(date(2026, 3, 1), 30) == (date(2026, 3, 31), True)
        checked = due_date_checked(date(2026, 12, 20), 30)
        assert checked.date == due_date(date(2026, 12, 20), 30)
        assert checked.calendar_entered is False

    def test_entering_the_year_moves_its_deadlines(self):
        """Once 2027's 元旦 is entered, a period ending on it moves to the next working day."""
        assert due_date(date(2026, 12, 2), 30) == date(2027, 1, 1)
        CalendarDay.objects.create(date=date(2027, 1, 1), is_rest_day=True, note="元旦")
        checked = due_date_checked(date(2026, 12, 2), 30)
        assert checked == (date(2027, 1, 4), True)  # 01-02/03 weekend


class TestCalendarAlarm:
    def test_from_december_first_administrators_are_asked_for_next_year(self, tree):
        admin = officer("platform_admin", tree.province)
        assert K.CALENDAR_MISSING not in {a.kind for a in alarms_for(admin, date(2026, 11, 30))}
        alarm = next(
            a for a in alarms_for(admin, date(2026, 12, 1)) if a.kind == K.CALENDAR_MISSING
        )
        assert "2027" in alarm.message and alarm.compound is None and alarm.committee is None
        assert alarm.due_on == date(2026, 12, 31) and alarm.days_left == 30
        assert "DOMAIN" not in alarm.message
        CalendarDay.objects.create(date=date(2027, 1, 1), is_rest_day=True, note="元旦")
        assert K.CALENDAR_MISSING not in {a.kind for a in alarms_for(admin, date(2026, 12, 1))}

    def test_a_year_running_without_calendar_alarms_all_year(self, tree):
        admin = officer("platform_admin", tree.province)
        alarms = [a for a in alarms_for(admin, date(2027, 3, 1)) if a.kind == K.CALENDAR_MISSING]
        assert len(alarms) == 1 and "2027" in alarms[0].message

    def test_only_those_who_keep_the_calendar_get_it(self, tree):
        street = street_officer(tree)
        assert K.CALENDAR_MISSING not in {a.kind for a in alarms_for(street, date(2026, 12, 5))}

    def test_committee_deadline_in_a_year_without_calendar_is_flagged(self, tree):
        form_committee(tree, elected_on=date(2026, 12, 10))  # first meeting due 12-17
        street = street_officer(tree)
        meeting = next(
            a for a in alarms_for(street, date(2026, 12, 20)) if a.kind == K.FIRST_MEETING_OVERDUE
        )
        assert meeting.calendar_entered
        filing = next(a for a in alarms_for(street, date(2027, 2, 1)) if a.kind == K.FILING_OVERDUE)
        assert filing.due_on.year == 2027 and not filing.calendar_entered
        assert filing.calendar_warning


@pytest.mark.urls("tests.estates.admin_urls")
class TestCalendarAdmin:
    def test_platform_admin_adds_edits_and_deletes(self, client, tree):
        client.force_login(officer("platform_admin", tree.province))
        response = client.get(calendar_url())
        assert response.status_code == 200
        html = response.content.decode()
        assert "2026-10-01" in html or "2026年10月1日" in html
        assert "calendar-warning" in html  # next year (or this one) is not entered yet
        response = client.post(
            calendar_url("add"), {"date": "2027-01-01", "is_rest_day": "on", "note": "元旦"}
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        day = CalendarDay.objects.get(date=date(2027, 1, 1))
        assert day.is_rest_day and WorkCalendar.load().covers(date(2027, 6, 1))
        response = client.post(
            calendar_url("edit", day.pk), {"date": "2027-01-01", "is_rest_day": "", "note": "调休"}
        )
        assert response.status_code == 302
        day.refresh_from_db()
        assert not day.is_rest_day
        assert ModelLogEntry.objects.for_instance(day).filter(action="wagtail.edit").exists()
        assert client.post(calendar_url("delete", day.pk)).status_code == 302
        assert not CalendarDay.objects.filter(date=date(2027, 1, 1)).exists()

    def test_bad_input_gets_a_message(self, client, tree):
        client.force_login(officer("platform_admin", tree.province))
        before = CalendarDay.objects.count()
        response = client.post(
            calendar_url("add"), {"date": "2026-10-01", "is_rest_day": "on", "note": "国庆"}
        )
        assert response.status_code == 200
        assert "该日期已登记" in response.content.decode()
        response = client.post(calendar_url("add"), {"date": "1899-01-01", "is_rest_day": "on"})
        assert response.status_code == 200
        assert "2000年至2100年" in response.content.decode()
        assert CalendarDay.objects.count() == before

    @pytest.mark.parametrize(
        ("role", "target", "can_view"),
        [
            ("street_staff", "street", True),
            ("community_staff", "community", False),
            ("committee_member", "compound", False),
            ("department_reviewer", "street", False),
        ],
    )
    def test_other_roles_cannot_edit(self, client, tree, role, target, can_view):
        where = {
            "street": tree.streets[0],
            "community": tree.communities[0],
            "compound": tree.compounds[0],
        }[target]
        client.force_login(officer(role, where))
        day = CalendarDay.objects.get(date=date(2026, 10, 1))
        listing = client.get(calendar_url())
        assert (listing.status_code == 200) == can_view
        if not can_view:
            assert is_denied(listing)
        assert is_denied(client.get(calendar_url("add")))
        assert is_denied(client.get(calendar_url("edit", day.pk)))
        response = client.post(
            calendar_url("edit", day.pk), {"date": "2026-10-01", "is_rest_day": "", "note": "x"}
        )
        assert is_denied(response)
        assert is_denied(client.post(calendar_url("delete", day.pk)))
        day.refresh_from_db()
        assert day.is_rest_day and day.note == "国庆节"

    def test_alarm_page_warns_about_unchecked_deadlines(self, client, tree, monkeypatch):
        """The filing of a committee elected 2026-12-10 falls due in 2027, a year with no
        calendar: the alarm page says so, and lists the calendar alarm itself."""
        form_committee(tree, elected_on=date(2026, 12, 10))
        monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2027, 2, 1))
        client.force_login(officer("platform_admin", tree.province))
        html = client.get(reverse("committees_alarms:index")).content.decode()
        assert "alarm-filing_overdue" in html and "alarm-calendar_missing" in html
        assert "calendar-warning" in html and "待核对" in html and "2027年的法定节假日" in html
        dashboard = client.get("/admin/").content.decode()
        assert "calendar-warning" in dashboard
        # With 2027 entered, the warnings go.
        CalendarDay.objects.create(date=date(2027, 1, 1), is_rest_day=True, note="元旦")
        html = client.get(reverse("committees_alarms:index")).content.decode()
        assert "calendar-warning" not in html and "待核对" not in html
        assert "alarm-calendar_missing" not in html


def test_term_ending_date_is_not_flagged(tree):
    """The 换届 start date is counted in months, not moved by holidays: no warning."""
    form_committee(tree, elected_on=date(2026, 3, 1))  # ends 2031-02-28, start by 2030-11-28
    street = street_officer(tree)
    ending = next(a for a in alarms_for(street, date(2030, 12, 1)) if a.kind == K.TERM_ENDING)
    assert ending.calendar_entered and not ending.calendar_warning
    filing = next(a for a in alarms_for(street, date(2030, 12, 1)) if a.kind == K.FILING_OVERDUE)
    assert filing.calendar_entered  # due in 2026, which is entered


def test_api_lists_the_calendar_alarm(tree, monkeypatch):
    """The alarms API answers for platform administrators from December 1st too, with the
    platform-wide calendar alarm and the flag on deadlines in a year without calendar."""
    from ninja.testing import TestClient

    from committees.api import router

    form_committee(tree, elected_on=date(2026, 12, 10))
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: date(2027, 2, 1))
    response = TestClient(router).get("/alarms/", user=officer("platform_admin", tree.province))
    assert response.status_code == 200
    alarms = response.json()
    calendar = [a for a in alarms if a["kind"] == K.CALENDAR_MISSING]
    assert calendar and calendar[0]["compound_id"] is None and "2027" in calendar[0]["message"]
    filing = next(a for a in alarms if a["kind"] == K.FILING_OVERDUE)
    assert filing["calendar_entered"] is False and filing["compound_id"]
