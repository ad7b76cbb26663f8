"""The reviewer dashboard, the street's overdue listing and the candidate matrix in the
Wagtail admin (DOMAIN §9): own department only, identity only where the check needs it,
constant query counts."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.choices import FindingCategory, ReviewStatus
from committees.elections.selectors.reviews import reviewer_rows
from committees.elections.services.elections import election_start_vetting
from committees.elections.workflows import MSG_WRONG_DEPARTMENT
from committees.models import CandidateReview
from common.validators import mask_id_number
from tests.committees.review_setup import build_vetting, owner_in
from tests.factories import make_compound

pytestmark = pytest.mark.django_db
DASHBOARD = "committees_reviews:dashboard"
LONG_AGO = datetime.date(2026, 1, 5)
MORE_NAMES = ["陈志强", "刘桂兰", "杨光明", "黄丽萍", "周建华", "吴小红", "郑国庆", "孙玉梅"]


@pytest.fixture
def v(tree):
    v = build_vetting(tree)
    election_start_vetting(election=v.election, actor=v.street_staff, today=LONG_AGO)
    return v


def html(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


def test_reviewer_sees_only_own_department_with_full_identity(client, v):
    """Police checks need the full ID number (configurable set: police, finance, discipline)."""
    client.force_login(v.police_reviewer)
    page = html(client.get(reverse(DASHBOARD)))
    for candidate in v.candidates:
        assert candidate.name in page
        assert candidate.owner.id_number in page
    assert "文山市公安局" in page
    assert "文山市市场监督管理局" not in page
    assert "已逾期" in page  # due 2026-01-19, long past


def test_answered_review_no_longer_shows_the_full_identity_and_pending_come_first(client, v):
    """The full ID number is for the check; once answered, the row keeps it masked."""
    from committees.elections.services.reviews import review_record

    first, *rest = v.candidates
    review = CandidateReview.objects.get(candidate=first, department__kind="police")
    review_record(review=review, status=ReviewStatus.PASSED, category="", actor=v.police_reviewer)
    client.force_login(v.police_reviewer)
    page = html(client.get(reverse(DASHBOARD)))
    assert first.owner.id_number not in page
    assert mask_id_number(first.owner.id_number) in page
    rows = reviewer_rows(user=v.police_reviewer)
    assert [r.is_pending for r in rows] == sorted((r.is_pending for r in rows), reverse=True)
    for candidate in rest:
        assert candidate.owner.id_number in page


def test_market_reviewer_sees_masked_identity(client, v):
    client.force_login(v.market_reviewer)
    page = html(client.get(reverse(DASHBOARD)))
    owner = v.candidates[0].owner
    assert mask_id_number(owner.id_number) in page
    assert owner.id_number not in page
    assert owner.phone not in page


def test_identity_kinds_are_configurable(settings, v):
    settings.COMMITTEES_REVIEW_IDENTITY_KINDS = {"market"}
    rows = reviewer_rows(user=v.police_reviewer)
    assert all("*" in row.id_number for row in rows)


def test_reviewer_records_an_answer(client, v):
    client.force_login(v.police_reviewer)
    review = CandidateReview.objects.filter(department__kind="police").first()
    response = client.post(
        reverse("committees_reviews:record", args=[review.pk]),
        {"status": "flagged", "category": FindingCategory.CRIMINAL},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert (review.status, review.category, review.reviewer) == (
        ReviewStatus.FLAGGED,
        FindingCategory.CRIMINAL,
        v.police_reviewer,
    )


def test_wrong_department_is_refused_with_message(client, v):
    client.force_login(v.market_reviewer)
    review = CandidateReview.objects.filter(department__kind="police").first()
    response = client.post(
        reverse("committees_reviews:record", args=[review.pk]), {"status": "passed"}, follow=True
    )
    assert str(MSG_WRONG_DEPARTMENT % {"department": "文山市公安局"}) in html(response)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING


def test_missing_category_is_shown_not_saved(client, v):
    client.force_login(v.police_reviewer)
    review = CandidateReview.objects.filter(department__kind="police").first()
    response = client.post(
        reverse("committees_reviews:record", args=[review.pk]), {"status": "failed"}, follow=True
    )
    assert "必须选择原因类别" in html(response)
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING


def test_street_staff_cannot_use_reviewer_dashboard_and_reviewer_cannot_see_matrix(client, v):
    # Wagtail answers a PermissionDenied in the admin with a redirect to the dashboard.
    client.force_login(v.street_staff)
    assert client.get(reverse(DASHBOARD))["Location"] == "/admin/"
    client.force_login(v.police_reviewer)
    matrix = reverse("committees_reviews:matrix", args=[v.election.pk])
    assert client.get(matrix)["Location"] == "/admin/"
    report = reverse("committees_reviews:report", args=[v.election.pk])
    assert client.get(report)["Location"] == "/admin/"


def test_street_sees_overdue_per_department(client, v):
    client.force_login(v.street_staff)
    page = html(client.get(reverse("committees_reviews:overdue")))
    for name in ("文山市公安局", "文山市市场监督管理局", "人民银行文山市支行", "文山市信访局"):
        assert name in page
    client.force_login(v.other_street_staff)
    page = html(client.get(reverse("committees_reviews:overdue")))
    assert "文山市公安局" not in page


def test_matrix_shows_every_department_answer(client, v):
    police = CandidateReview.objects.get(candidate=v.candidates[0], department__kind="police")
    from committees.elections.services.reviews import review_record

    review_record(
        review=police,
        status=ReviewStatus.FAILED,
        category=FindingCategory.CRIMINAL,
        actor=v.police_reviewer,
    )
    client.force_login(v.street_staff)
    page = html(client.get(reverse("committees_reviews:matrix", args=[v.election.pk])))
    assert "不通过（刑事案件或刑罚记录）" in page
    assert page.count("待审查") == 11
    client.force_login(v.other_street_staff)
    response = client.get(reverse("committees_reviews:matrix", args=[v.election.pk]))
    assert response.status_code == 404


def _grow(v, extra: int) -> None:
    """Another election in 开化第2社区 with more candidates, all sent to review."""
    from committees.elections.services.elections import candidate_nominate, election_open
    from tests.committees.review_setup import STARTED

    compound = make_compound(region=v.tree.communities[1], name=f"开化第2社区{extra}号小区")
    election = election_open(
        compound=compound,
        kind="owners",
        term_number=1,
        seats=5,
        started_on=STARTED,
        actor=v.street_staff,
    )
    for i in range(extra):
        candidate_nominate(
            election=election,
            owner=owner_in(compound, MORE_NAMES[i]),
            nominated_on=STARTED,
            actor=v.street_staff,
        )
    election_start_vetting(election=election, actor=v.street_staff, today=LONG_AGO)


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize(
    ("who", "url_name", "args"),
    [
        ("police_reviewer", DASHBOARD, False),
        ("street_staff", "committees_reviews:overdue", False),
        ("street_staff", "committees_reviews:elections", False),
        ("street_staff", "committees_reviews:matrix", True),
    ],
)
def test_query_count_is_constant(client, v, who, url_name, args):
    client.force_login(getattr(v, who))
    url = reverse(url_name, args=[v.election.pk] if args else [])
    _count(client, url)  # warm caches (content types, menus)
    small = _count(client, url)
    _grow(v, 6)
    if args:  # the matrix of a bigger election
        from committees.models import Election

        url = reverse(url_name, args=[Election.objects.latest("pk").pk])
    large = _count(client, url)
    assert small == large, (small, large)


def test_withdrawn_candidate_leaves_the_queue(v):
    from committees.elections.services.elections import candidate_withdraw

    candidate_withdraw(candidate=v.candidates[0], actor=v.street_staff, reason="本人书面申请退出")
    names = {row.candidate_name for row in reviewer_rows(user=v.police_reviewer)}
    assert names == {"王秀英", "张卫东"}
