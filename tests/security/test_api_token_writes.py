"""API writes with a Wagtail API token or HTTP basic work without a CSRF token, as the
README documents; a write through the browser session still needs one."""

from __future__ import annotations

import base64
import datetime

import pytest
from django.test import Client
from wagtail.models import APIToken

from committees.choices import ReviewStatus
from committees.elections.services.elections import election_start_vetting
from committees.models import CandidateReview
from tests.committees.review_setup import build_vetting

pytestmark = pytest.mark.django_db
API = "/api/registry"


@pytest.fixture
def csrf_client():
    """A client that enforces CSRF as a browser's requests would meet it."""
    return Client(enforce_csrf_checks=True)


@pytest.fixture
def v(tree):
    v = build_vetting(tree)
    election_start_vetting(
        election=v.election, actor=v.street_staff, today=datetime.date(2026, 3, 6)
    )
    return v


def police_review(v) -> CandidateReview:
    return (
        CandidateReview.objects.filter(department__kind="police", candidate__election=v.election)
        .order_by("pk")
        .first()
    )


def record(client, review, **headers):
    return client.post(
        f"{API}/reviews/{review.pk}/record",
        {"status": "passed"},
        content_type="application/json",
        headers=headers,
    )


def basic(username: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{username}:{password}".encode()).decode()


def test_token_write_needs_no_csrf(csrf_client, v):
    _token, plaintext = APIToken.create_token(user=v.police_reviewer, name="公安联审对接")
    review = police_review(v)
    response = record(csrf_client, review, Authorization=f"Bearer {plaintext}")
    assert response.status_code == 200, response.content
    review.refresh_from_db()
    assert review.status == ReviewStatus.PASSED


def test_basic_auth_write_needs_no_csrf(csrf_client, v):
    review = police_review(v)
    response = record(
        csrf_client, review, Authorization=basic(v.police_reviewer.username, "pw-12345678")
    )
    assert response.status_code == 200, response.content
    review.refresh_from_db()
    assert review.status == ReviewStatus.PASSED


def test_token_write_with_a_session_cookie_alongside(csrf_client, v):
    """A script that also holds a session cookie is judged on its token."""
    csrf_client.force_login(v.police_reviewer)
    _token, plaintext = APIToken.create_token(user=v.police_reviewer, name="公安联审对接")
    response = record(csrf_client, police_review(v), Authorization=f"Bearer {plaintext}")
    assert response.status_code == 200, response.content


def test_session_write_without_csrf_token_is_refused(csrf_client, v):
    csrf_client.force_login(v.police_reviewer)
    review = police_review(v)
    response = record(csrf_client, review)
    assert response.status_code == 403
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING


def test_session_write_with_csrf_token_works(csrf_client, v):
    csrf_client.force_login(v.police_reviewer)
    page = csrf_client.get("/admin/")  # sets the CSRF cookie as the admin does
    assert page.status_code == 200
    token = csrf_client.cookies["csrftoken"].value
    response = record(csrf_client, police_review(v), **{"X-CSRFToken": token})
    assert response.status_code == 200, response.content


@pytest.mark.parametrize(
    "authorization",
    ["Bearer not-a-token", "Basic " + base64.b64encode(b"nobody:wrong").decode(), "Basic !!!"],
)
def test_wrong_credentials_are_refused_even_with_a_session(csrf_client, v, authorization):
    """A bad Authorization header is never rescued by a session cookie sent alongside."""
    csrf_client.force_login(v.police_reviewer)
    review = police_review(v)
    response = csrf_client.get(f"{API}/reviews/", headers={"Authorization": authorization})
    assert response.status_code == 401
    response = record(csrf_client, review, Authorization=authorization)
    assert response.status_code == 401
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING
