"""Review screens warn when a review's deadline falls in a year whose holidays have not
been entered (DOMAIN 1.10): the date was computed from weekends only and may move."""

from __future__ import annotations

import datetime

import pytest
from django.template import Context, Template
from django.urls import reverse

from committees.elections.services.elections import election_start_vetting
from committees.models import CandidateReview, Election
from committees.models.bodies import CalendarDay
from tests.committees.review_setup import build_vetting

pytestmark = pytest.mark.django_db
IN_2027 = datetime.date(2027, 1, 15)


@pytest.fixture
def v(tree):
    v = build_vetting(tree)
    election_start_vetting(
        election=v.election, actor=v.street_staff, today=datetime.date(2026, 3, 2)
    )
    return v


def page(client, name, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_dashboard_and_matrix_warn_only_for_years_without_calendar(client, v):
    client.force_login(v.police_reviewer)
    assert "calendar-warning" not in page(client, "committees_reviews:dashboard")  # 2026 entered
    CandidateReview.objects.update(due_on=IN_2027)
    Election.objects.filter(pk=v.election.pk).update(review_due_on=IN_2027)
    html = page(client, "committees_reviews:dashboard")
    assert "calendar-warning" in html and "2027年" in html
    client.force_login(v.street_staff)
    assert "calendar-warning" in page(client, "committees_reviews:matrix", v.election.pk)
    CalendarDay.objects.create(date=datetime.date(2027, 1, 1), is_rest_day=True, note="元旦")
    assert "calendar-warning" not in page(client, "committees_reviews:matrix", v.election.pk)


def test_tag_reads_objects_dicts_and_single_dates(django_assert_num_queries):
    template = Template('{% load committees_calendar %}{% calendar_warning items "due_on" %}')
    items = [{"due_on": IN_2027}, type("Row", (), {"due_on": datetime.date(2026, 5, 1)})()]
    with django_assert_num_queries(1):
        html = template.render(Context({"items": items}))
    assert "2027年" in html and "2026" not in html
    single = Template("{% load committees_calendar %}{% calendar_warning day %}")
    assert "2028年" in single.render(Context({"day": datetime.date(2028, 3, 1)}))
    with django_assert_num_queries(0):
        assert "calendar-warning" not in single.render(Context({"day": None}))
