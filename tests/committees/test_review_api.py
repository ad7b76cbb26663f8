"""The elections and review API under /api/registry/ (DOMAIN §9): scoped, masked, and the
same workflow rules as the admin (wrong department 403, answered 409, no category 400)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.choices import FindingCategory, ReviewStatus
from committees.elections.services.elections import election_start_vetting
from committees.models import CandidateReview
from common.validators import mask_id_number
from tests.committees.review_setup import build_vetting

pytestmark = pytest.mark.django_db
API = "/api/registry"


@pytest.fixture
def v(tree):
    v = build_vetting(tree)
    election_start_vetting(
        election=v.election, actor=v.street_staff, today=datetime.date(2026, 3, 6)
    )
    return v


def police_review(v) -> CandidateReview:
    return CandidateReview.objects.filter(department__kind="police").order_by("pk").first()


def test_elections_are_scoped(client, v):
    client.force_login(v.street_staff)
    data = client.get(f"{API}/elections/").json()
    assert [e["id"] for e in data] == [v.election.pk]
    assert data[0]["status"] == "vetting" and data[0]["candidate_count"] == 3
    client.force_login(v.other_street_staff)
    assert client.get(f"{API}/elections/").json() == []
    assert client.get(f"{API}/elections/{v.election.pk}/").status_code == 404


def test_candidates_masked(client, v):
    client.force_login(v.street_staff)
    response = client.get(f"{API}/elections/{v.election.pk}/candidates/")
    body = response.content.decode()
    for candidate in v.candidates:
        assert candidate.owner.id_number not in body
        assert mask_id_number(candidate.owner.id_number) in body
        assert candidate.owner.phone not in body
    assert {c["name"] for c in response.json()} == {"李建国", "王秀英", "张卫东"}


def test_reviewer_cannot_list_elections(client, v):
    client.force_login(v.police_reviewer)
    assert client.get(f"{API}/elections/").status_code == 403


def test_reviewer_queue_and_record(client, v):
    client.force_login(v.police_reviewer)
    queue = client.get(f"{API}/reviews/").json()
    assert len(queue) == 3 and {r["department_name"] for r in queue} == {"文山市公安局"}
    review = police_review(v)
    response = client.post(
        f"{API}/reviews/{review.pk}/record",
        {"status": "failed", "category": FindingCategory.CRIMINAL},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    assert response.json()["status"] == ReviewStatus.FAILED
    # Answering again: the state no longer allows it.
    again = client.post(
        f"{API}/reviews/{review.pk}/record",
        {"status": "passed"},
        content_type="application/json",
    )
    assert again.status_code == 409
    assert "不能执行" in again.json()["detail"]


def test_wrong_department_403(client, v):
    client.force_login(v.market_reviewer)
    response = client.post(
        f"{API}/reviews/{police_review(v).pk}/record",
        {"status": "passed"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "文山市公安局" in response.json()["detail"]


def test_missing_category_400(client, v):
    client.force_login(v.police_reviewer)
    response = client.post(
        f"{API}/reviews/{police_review(v).pk}/record",
        {"status": "flagged"},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "原因类别" in response.json()["detail"]


def test_candidate_listing_constant_queries(client, v):
    from committees.elections.services.elections import candidate_nominate, election_open
    from tests.committees.review_setup import STARTED, owner_in

    client.force_login(v.street_staff)
    url = f"{API}/elections/{v.election.pk}/candidates/"
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    election = election_open(
        compound=v.tree.compounds[1],
        kind="owners",
        term_number=1,
        seats=7,
        started_on=STARTED,
        actor=v.street_staff,
    )
    for name in ["陈志强", "刘桂兰", "杨光明", "黄丽萍", "周建华", "吴小红", "郑国庆"]:
        candidate_nominate(
            election=election,
            owner=owner_in(v.tree.compounds[1], name),
            nominated_on=STARTED,
            actor=v.street_staff,
        )
    url = f"{API}/elections/{election.pk}/candidates/"
    with CaptureQueriesContext(connection) as large:
        assert len(client.get(url).json()) == 7
    assert len(small.captured_queries) == len(large.captured_queries)
