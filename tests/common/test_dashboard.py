"""The admin home shows each role its duties (common.dashboard): counts scoped to the
user's jurisdiction, the earliest due date, a link to the filtered list, Wagtail's page
summary only for page editors, and a query count that does not grow with the data."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.elections.services.elections import (
    candidate_nominate,
    election_open,
    election_start_vetting,
)
from committees.models import CandidateReview
from tests.committees.review_setup import STARTED, build_vetting, owner_in
from tests.factories import make_compound

pytestmark = pytest.mark.django_db
LONG_AGO = datetime.date(2026, 1, 5)
HOME = "/admin/"


@pytest.fixture
def v(tree):
    v = build_vetting(tree)
    election_start_vetting(election=v.election, actor=v.street_staff, today=LONG_AGO)
    return v


def duty(page: str, key: str) -> str:
    """The text of one duty card, or "" when the user does not have that duty."""
    match = re.search(rf'data-duty="{re.escape(key)}">(.*?)</li>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))) if match else ""


def home(client, user) -> str:
    client.force_login(user)
    response = client.get(HOME)
    assert response.status_code == 200
    return response.content.decode()


def test_reviewer_sees_pending_reviews_with_earliest_due_date_and_link(client, v):
    page = home(client, v.police_reviewer)
    card = duty(page, "committees.reviews_pending")
    assert card.split()[0] == "3" and "待审候选人" in card
    due = CandidateReview.objects.filter(department__kind="police").order_by("due_on")[0].due_on
    assert f"最早{due:%m-%d}到期，已逾期" in card and "其中3件已逾期" in card
    assert f'href="{reverse("committees_reviews:dashboard")}"' in page
    # Duties of other roles are not the reviewer's.
    assert duty(page, "committees.elections_in_progress") == ""
    # No Wagtail page / image / document counts for staff who do not edit pages.
    assert 'class="w-summary"' not in page


def test_street_officer_counts_only_own_street(client, v):
    page = home(client, v.street_staff)
    assert duty(page, "committees.elections_in_progress").split()[0] == "1"
    # 3 candidates × 4 departments, due long ago.
    assert duty(page, "committees.reviews_overdue").split()[0] == "12"
    other = home(client, v.other_street_staff)
    assert duty(other, "committees.elections_in_progress").split()[0] == "0"
    assert duty(other, "committees.reviews_overdue").split()[0] == "0"
    assert "目前没有待办事项" not in page


def test_superuser_keeps_the_site_summary(client, v, django_user_model):
    admin = django_user_model.objects.create_superuser("root", "root@example.com", "x")
    assert 'class="w-summary"' in home(client, admin)


def _grow(v, n: int) -> None:
    compound = make_compound(region=v.tree.communities[1], name=f"开化第2社区{n}号小区")
    election = election_open(
        compound=compound,
        kind="owners",
        term_number=1,
        seats=5,
        started_on=STARTED,
        actor=v.street_staff,
    )
    for i in range(n):
        candidate_nominate(
            election=election,
            owner=owner_in(compound, f"新候选人{i}"),
            nominated_on=STARTED,
            actor=v.street_staff,
        )
    election_start_vetting(election=election, actor=v.street_staff, today=LONG_AGO)


@pytest.mark.parametrize("who", ["police_reviewer", "street_staff", "community_staff"])
def test_dashboard_query_count_is_constant(client, v, who):
    user = getattr(v, who)
    client.force_login(user)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(HOME).status_code == 200
        return len(ctx.captured_queries)

    client.get(HOME)  # warm per-process caches (sites, settings)
    small = count()
    _grow(v, 4)
    assert count() == small
