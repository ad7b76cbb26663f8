"""The joint qualification review cannot be skipped (DOMAIN §9): vetting refuses to start
without a complete plan, the verdict needs an answer for every configured check, each
department answers only with its own checks' categories, a flag-only check can only
flag, and the answer date is the server's."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from committees.choices import (
    CandidateStatus,
    ElectionStatus,
    FindingCategory,
    ReviewStatus,
)
from committees.elections.api import RecordIn
from committees.elections.services import elections as svc
from committees.elections.services.reviews import MSG_NO_CHECKS, MSG_NO_DEPARTMENT, review_record
from committees.elections.workflows import (
    ELECTION_WORKFLOW,
    MSG_CHECKS_UNANSWERED,
    MSG_FLAG_ONLY,
    MSG_NO_REVIEW_PLAN,
    MSG_NOT_OWN_CHECK,
)
from committees.models import CandidateReview, ReviewCheck
from estates.choices import DepartmentKind
from tests.committees.review_setup import build_vetting
from tests.committees.test_elections_services import _reviewer, answer_all

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 6)
API = "/api/registry"


@pytest.fixture
def v(tree):
    return build_vetting(tree)


def start(v):
    return svc.election_start_vetting(election=v.election, actor=v.street_staff, today=TODAY)


def assert_nothing_started(v, log_entries: int) -> None:
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.NOMINATING
    assert not CandidateReview.objects.exists()
    assert {c.status for c in v.election.candidates.all()} == {CandidateStatus.NOMINATED}
    assert ModelLogEntry.objects.count() == log_entries


# ------------------------------------------------------------------ starting


def test_no_checks_configured_refuses_to_start(v):
    """Before: an empty plan sent no review and every candidate later passed."""
    ReviewCheck.objects.update(is_active=False)
    entries = ModelLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        start(v)
    assert refused.value.error_list[0].message == MSG_NO_CHECKS
    assert_nothing_started(v, entries)


def test_check_without_department_refuses_and_names_it(v):
    """Before: the discipline check was skipped silently (no 纪检 department)."""
    ReviewCheck.objects.filter(department_kind=DepartmentKind.DISCIPLINE).update(is_active=True)
    entries = ModelLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        start(v)
    error = refused.value.error_list[0]
    assert error.message == MSG_NO_DEPARTMENT
    text = refused.value.messages[0]
    assert str(DepartmentKind.DISCIPLINE.label) in text
    assert str(FindingCategory.DISCIPLINE.label) in text
    assert str(DepartmentKind.POLICE.label) not in text
    assert_nothing_started(v, entries)


def test_the_transition_alone_cannot_start_vetting(v):
    """Firing the workflow verb without the service (no checks recorded) is refused."""
    entries = ModelLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        ELECTION_WORKFLOW.fire(v.election, "start_vetting", actor=v.street_staff)
    assert refused.value.error_list[0].message == MSG_NO_REVIEW_PLAN
    assert_nothing_started(v, entries)


def test_start_records_the_checks_of_each_department(v):
    start(v)
    v.election.refresh_from_db()
    assert set(v.election.review_categories) == {
        FindingCategory.CRIMINAL,
        FindingCategory.CULT_OR_GANG,
        FindingCategory.DEFAULTER,
        FindingCategory.CONFLICT,
        FindingCategory.PETITION,
    }
    police = CandidateReview.objects.filter(department__kind=DepartmentKind.POLICE).first()
    assert police.checks == {FindingCategory.CRIMINAL: False, FindingCategory.CULT_OR_GANG: False}


# ------------------------------------------------------------------ verdict


def test_verdict_needs_an_answer_for_every_configured_check(v):
    """A candidate whose police review is missing gets no verdict, even with every
    remaining department passing them."""
    start(v)
    candidate = v.candidates[0]
    CandidateReview.objects.filter(candidate=candidate, department__kind="police").delete()
    answer_all(v, candidate)
    with pytest.raises(ValidationError) as refused:
        svc.candidate_conclude(candidate=candidate, actor=v.street_staff)
    assert refused.value.error_list[0].message == MSG_CHECKS_UNANSWERED
    assert str(FindingCategory.CRIMINAL.label) in refused.value.messages[0]
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.UNDER_REVIEW


def test_every_check_answered_gives_the_verdict(v):
    start(v)
    candidate = v.candidates[0]
    answer_all(v, candidate)
    concluded = svc.candidate_conclude(candidate=candidate, actor=v.street_staff)
    assert concluded.status == CandidateStatus.PASSED


# ------------------------------------------------------------------ answers


def police_review(v) -> CandidateReview:
    return CandidateReview.objects.filter(department__kind="police").order_by("pk").first()


def test_department_answers_only_with_its_own_categories(v):
    start(v)
    review = police_review(v)
    with pytest.raises(ValidationError) as refused:
        review_record(
            review=review,
            status=ReviewStatus.FAILED,
            category=FindingCategory.DEFAULTER,  # the credit check's, not the police's
            actor=v.police_reviewer,
        )
    assert refused.value.error_list[0].message == MSG_NOT_OWN_CHECK
    assert str(FindingCategory.CRIMINAL.label) in refused.value.messages[0]
    review.refresh_from_db()
    assert (review.status, review.category) == (ReviewStatus.PENDING, "")
    assert not ModelLogEntry.objects.for_instance(review).exists()


def test_api_and_admin_refuse_another_departments_category(client, v):
    start(v)
    review = police_review(v)
    client.force_login(v.police_reviewer)
    response = client.post(
        f"{API}/reviews/{review.pk}/record",
        {"status": "flagged", "category": FindingCategory.CONFLICT},
        content_type="application/json",
    )
    assert response.status_code == 400
    assert "文山市公安局" in response.json()["detail"]
    response = client.post(
        reverse("committees_reviews:record", args=[review.pk]),
        {"status": "failed", "category": FindingCategory.PETITION},
        follow=True,
    )
    assert "文山市公安局" in response.content.decode()
    review.refresh_from_db()
    assert review.status == ReviewStatus.PENDING


def test_flag_only_check_can_flag_but_not_fail(v):
    """A ReviewCheck marked flag_only (here the petition check) never fails a candidate:
    a fail is refused, a flag is recorded and the candidate still passes."""
    ReviewCheck.objects.filter(department_kind=DepartmentKind.PETITION).update(flag_only=True)
    start(v)
    candidate = v.candidates[0]
    petition = CandidateReview.objects.get(candidate=candidate, department__kind="petition")
    reviewer = _reviewer(v, petition)
    with pytest.raises(ValidationError) as refused:
        review_record(
            review=petition,
            status=ReviewStatus.FAILED,
            category=FindingCategory.PETITION,
            actor=reviewer,
        )
    assert refused.value.error_list[0].message == MSG_FLAG_ONLY
    petition.refresh_from_db()
    assert petition.status == ReviewStatus.PENDING
    review_record(
        review=petition,
        status=ReviewStatus.FLAGGED,
        category=FindingCategory.PETITION,
        actor=reviewer,
    )
    answer_all(v, candidate)
    concluded = svc.candidate_conclude(candidate=candidate, actor=v.street_staff)
    assert concluded.status == CandidateStatus.PASSED


def test_answer_date_is_the_servers(client, v):
    """The API no longer takes an answer date; one sent anyway is ignored."""
    assert "answered_on" not in RecordIn.model_fields
    start(v)
    review = police_review(v)
    client.force_login(v.police_reviewer)
    response = client.post(
        f"{API}/reviews/{review.pk}/record",
        {"status": "passed", "answered_on": "2020-01-01"},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    review.refresh_from_db()
    assert review.answered_on == timezone.localdate()
    assert response.json()["answered_on"] == timezone.localdate().isoformat()


def test_admin_answer_date_is_the_servers(client, v):
    start(v)
    review = police_review(v)
    client.force_login(v.police_reviewer)
    client.post(
        reverse("committees_reviews:record", args=[review.pk]),
        {"status": "passed", "answered_on": "2020-01-01"},
    )
    review.refresh_from_db()
    assert (review.status, review.answered_on) == (ReviewStatus.PASSED, timezone.localdate())


def test_admin_start_shows_what_is_missing(client, v):
    ReviewCheck.objects.filter(department_kind=DepartmentKind.HOUSING).update(is_active=True)
    client.force_login(v.street_staff)
    response = client.post(
        reverse("committees_reviews:action", args=[v.election.pk, "start_vetting"]), follow=True
    )
    assert str(DepartmentKind.HOUSING.label) in response.content.decode()
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.NOMINATING
