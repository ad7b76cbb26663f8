"""Elections and the joint qualification review through the services (DOMAIN 4.1, §9,
E12, 1.10)."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from committees.choices import (
    CandidateStatus,
    CommitteeKind,
    ElectionStatus,
    FindingCategory,
    ReviewSource,
    ReviewStatus,
)
from committees.elections.selectors.elections import published_candidates_for
from committees.elections.services import elections as svc
from committees.elections.services.reviews import review_plan_for, review_record
from committees.elections.workflows import MSG_CANDIDATES_OPEN, MSG_FLAG_ONLY, MSG_REVIEWS_PENDING
from committees.models import CandidateReview, ReviewCheck
from estates import stats
from estates.choices import DepartmentKind
from estates.models import Department, Ownership
from tests.committees.review_setup import STARTED, build_vetting, owner_in

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 6)  # a Friday


@pytest.fixture
def v(tree):
    return build_vetting(tree)


def start(v):
    return svc.election_start_vetting(election=v.election, actor=v.street_staff, today=TODAY)


def answer_all(v, candidate, status=ReviewStatus.PASSED, category=""):
    for review in CandidateReview.objects.filter(
        candidate=candidate, source=ReviewSource.DEPARTMENT, status=ReviewStatus.PENDING
    ):
        review_record(review=review, status=status, category=category, actor=_reviewer(v, review))


def _reviewer(v, review):
    """The superuser-free path: a member of the review's department answers."""
    from estates.models import DepartmentMembership
    from tests.committees.review_setup import officer

    dept = review.department
    member = DepartmentMembership.objects.filter(department=dept).first()
    if member:
        return member.user
    user = officer("department_reviewer", v.tree.county, f"reviewer_{dept.kind}")
    DepartmentMembership.objects.create(user=user, department=dept)
    return user


# ------------------------------------------------------------------ opening, nominating


def test_election_opens_for_nominations_with_audit(v):
    assert v.election.status == ElectionStatus.NOMINATING
    assert (
        ModelLogEntry.objects.for_instance(v.election)
        .filter(action="committees.election.open_nominations", user=v.street_staff)
        .exists()
    )


def test_other_street_cannot_open_an_election(tree, v):
    with pytest.raises(PermissionDenied):
        svc.election_open(
            compound=tree.compounds[1],
            kind=CommitteeKind.OWNERS,
            term_number=1,
            seats=5,
            started_on=STARTED,
            actor=v.other_street_staff,
        )


def test_one_open_election_per_compound(v):
    with pytest.raises(ValidationError) as refused:
        svc.election_open(
            compound=v.election.compound,
            kind=CommitteeKind.OWNERS,
            term_number=1,
            seats=5,
            started_on=STARTED,
            actor=v.street_staff,
        )
    assert refused.value.messages == [str(svc.MSG_ELECTION_OPEN)]


def test_candidate_must_be_an_owner_in_the_compound(tree, v):
    """DOMAIN 4.1: an owner of another compound cannot stand here."""
    outsider = owner_in(tree.compounds[1], "赵明华")
    with pytest.raises(ValidationError) as refused:
        svc.candidate_nominate(
            election=v.election, owner=outsider, nominated_on=STARTED, actor=v.street_staff
        )
    assert refused.value.messages == [str(svc.MSG_NOT_OWNER)]


def test_owner_nominated_once(v):
    with pytest.raises(ValidationError) as refused:
        svc.candidate_nominate(
            election=v.election,
            owner=v.candidates[0].owner,
            nominated_on=STARTED,
            actor=v.street_staff,
        )
    assert refused.value.messages == [str(svc.MSG_ALREADY_NOMINATED)]


# ------------------------------------------------------------------ vetting


def test_start_vetting_sends_one_review_per_configured_department(v):
    start(v)
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.VETTING
    kinds = set(
        CandidateReview.objects.filter(source=ReviewSource.DEPARTMENT).values_list(
            "department__kind", flat=True
        )
    )
    # DOMAIN §9: only the kinds active for 文山市 take part (no discipline, no housing).
    assert kinds == {"police", "market", "finance", "petition"}
    assert CandidateReview.objects.filter(source=ReviewSource.DEPARTMENT).count() == 3 * 4
    assert {c.status for c in v.election.candidates.all()} == {CandidateStatus.UNDER_REVIEW}


def test_due_date_follows_domain_1_10(v):
    """10 days from Friday 2026-03-06 is Monday 03-16 (a working day)."""
    start(v)
    due = set(CandidateReview.objects.values_list("due_on", flat=True))
    assert due == {datetime.date(2026, 3, 16)}
    v.election.refresh_from_db()
    assert v.election.review_due_on == datetime.date(2026, 3, 16)


def test_nearest_region_configuration_wins(tree, v):
    """A street that configures its own checks overrides the county's (DOMAIN §9)."""
    ReviewCheck.objects.create(
        region=tree.streets[0],
        department_kind=DepartmentKind.POLICE,
        category=FindingCategory.CRIMINAL,
        description="刑事案件记录",
        due_days=5,
    )
    plan = review_plan_for(v.election.compound)
    assert [(p.department.name, p.due_days) for p in plan] == [("文山市公安局", 5)]


def test_departments_below_the_county_do_not_review(tree, v):
    Department.objects.create(region=tree.streets[0], kind=DepartmentKind.POLICE, name="开化派出所")
    plan = review_plan_for(v.election.compound)
    assert "开化派出所" not in {p.department.name for p in plan}


def test_former_owner_fails_automatically(v):
    """DOMAIN 4.2: a candidate who sold their unit is no longer an owner → failed finding."""
    sold = v.candidates[1]
    Ownership.objects.filter(owner=sold.owner).delete()
    start(v)
    finding = CandidateReview.objects.get(candidate=sold, source=ReviewSource.AUTOMATIC)
    assert finding.status == ReviewStatus.FAILED
    assert finding.category == FindingCategory.NOT_OWNER
    assert (
        ModelLogEntry.objects.for_instance(finding)
        .filter(action="committees.candidatereview.auto_fail")
        .exists()
    )
    answer_all(v, sold)
    assert svc.candidate_conclude(candidate=sold, actor=v.street_staff).status == "failed"


def test_start_vetting_without_candidates_refused(tree):
    v = build_vetting(tree)
    for candidate in v.candidates:
        svc.candidate_withdraw(candidate=candidate, actor=v.street_staff, reason="本人书面申请退出")
    with pytest.raises(ValidationError):
        start(v)


# ------------------------------------------------------------------ verdict


def test_conclusion_waits_for_every_department(v):
    start(v)
    candidate = v.candidates[0]
    police = CandidateReview.objects.get(candidate=candidate, department__kind="police")
    review_record(review=police, status=ReviewStatus.PASSED, actor=v.police_reviewer)
    with pytest.raises(ValidationError) as refused:
        svc.candidate_conclude(candidate=candidate, actor=v.street_staff)
    assert refused.value.error_list[0].message == MSG_REVIEWS_PENDING
    assert refused.value.error_list[0].params == {"count": 3}
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.UNDER_REVIEW


def test_failed_department_answer_fails_candidate(v):
    start(v)
    candidate = v.candidates[0]
    for review in CandidateReview.objects.filter(candidate=candidate):
        failing = review.department.kind == DepartmentKind.FINANCE
        review_record(
            review=review,
            status=ReviewStatus.FAILED if failing else ReviewStatus.PASSED,
            category=FindingCategory.DEFAULTER if failing else "",
            actor=_reviewer(v, review),
        )
    concluded = svc.candidate_conclude(candidate=candidate, actor=v.street_staff)
    assert concluded.status == CandidateStatus.FAILED


def fee_check(v, department_kind=DepartmentKind.MARKET) -> ReviewCheck:
    """Fee records, answered by a department, flag only (DOMAIN 9, E12)."""
    return ReviewCheck.objects.create(
        region=v.tree.county,
        department_kind=department_kind,
        category=FindingCategory.FEE_ARREARS,
        description="欠缴物业费",
        flag_only=True,
    )


def test_flag_alone_does_not_fail(v):
    """DOMAIN 9, E12: a flag (e.g. fee arrears) is shown to staff but passes."""
    fee_check(v)
    start(v)
    candidate = v.candidates[0]
    for review in CandidateReview.objects.filter(candidate=candidate):
        flagged = review.department.kind == DepartmentKind.MARKET
        review_record(
            review=review,
            status=ReviewStatus.FLAGGED if flagged else ReviewStatus.PASSED,
            category=FindingCategory.FEE_ARREARS if flagged else "",
            actor=_reviewer(v, review),
        )
    concluded = svc.candidate_conclude(candidate=candidate, actor=v.street_staff)
    assert concluded.status == CandidateStatus.PASSED


def test_fee_arrears_cannot_fail(v):
    """E12: fee arrears may only flag."""
    fee_check(v, DepartmentKind.POLICE)
    start(v)
    review = CandidateReview.objects.filter(department__kind="police").first()
    with pytest.raises(ValidationError) as refused:
        review_record(
            review=review,
            status=ReviewStatus.FAILED,
            category=FindingCategory.FEE_ARREARS,
            actor=v.police_reviewer,
        )
    assert refused.value.error_list[0].message == MSG_FLAG_ONLY


def test_review_records_reviewer_date_and_category(v):
    start(v)
    review = CandidateReview.objects.filter(department__kind="police").first()
    review_record(
        review=review,
        status=ReviewStatus.FLAGGED,
        category=FindingCategory.CRIMINAL,
        actor=v.police_reviewer,
        answered_on=datetime.date(2026, 3, 10),
    )
    review.refresh_from_db()
    assert (review.status, review.category, review.answered_on, review.reviewer) == (
        ReviewStatus.FLAGGED,
        FindingCategory.CRIMINAL,
        datetime.date(2026, 3, 10),
        v.police_reviewer,
    )
    entry = ModelLogEntry.objects.for_instance(review).get()
    assert entry.action == "committees.candidatereview.flag"
    assert entry.data["category"] == "criminal"


# ------------------------------------------------------------------ publication


def test_publish_only_when_all_concluded_and_list_excludes_failed(v):
    start(v)
    passed, failed, withdrawn = v.candidates
    with pytest.raises(ValidationError) as refused:
        svc.election_publish_candidates(election=v.election, actor=v.street_staff)
    assert refused.value.error_list[0].message == MSG_CANDIDATES_OPEN
    answer_all(v, passed)
    svc.candidate_conclude(candidate=passed, actor=v.street_staff)
    police = CandidateReview.objects.get(candidate=failed, department__kind="police")
    review_record(
        review=police,
        status=ReviewStatus.FAILED,
        category=FindingCategory.CRIMINAL,
        actor=v.police_reviewer,
    )
    answer_all(v, failed)  # the other three departments pass
    svc.candidate_conclude(candidate=failed, actor=v.street_staff)
    svc.candidate_withdraw(candidate=withdrawn, actor=v.street_staff, reason="本人书面申请退出")
    assert published_candidates_for(v.election.compound) == []  # not yet published
    svc.election_publish_candidates(election=v.election, actor=v.street_staff)
    public = published_candidates_for(v.election.compound)
    assert [(c.name, c.position) for c in public] == [("李建国", "主任")]


# ------------------------------------------------------------------ statistics


def test_statistics_count_reviews_and_failures(tree, v):
    start(v)
    figures = stats.governance_stats(
        tree.prefecture, ["candidate_reviews", "department_reviews", "candidates_failed"]
    )
    # Three candidates (person-times) vetted by four departments each.
    assert figures == {"candidate_reviews": 3, "department_reviews": 12, "candidates_failed": 0}
    assert stats.governance_stats(tree.streets[1], ["candidate_reviews"]) == {
        "candidate_reviews": 0
    }
