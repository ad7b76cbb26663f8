"""Workflow.fire_many and log_many (common.transitions): many objects fired at once keep
every guarantee of Workflow.fire (STYLE §2.4): declared states, who may fire (role and
jurisdiction), reasons, guards, the state read under the row lock, all or nothing, and
one audit entry per object, as fire writes it. Also the services built on them: a
department answering many reviews at once (DOMAIN §9), automatic findings (E12), a
nomination list entered at once (DOMAIN 4.1) and an election's candidates concluded
at once."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from committees.choices import CandidateStatus, FindingCategory, ReviewSource, ReviewStatus
from committees.elections.services.elections import (
    Nomination,
    candidates_conclude_bulk,
    candidates_nominate_bulk,
    election_start_vetting,
)
from committees.elections.services.reviews import (
    ReviewAnswer,
    review_record_automatic,
    reviews_answer_bulk,
)
from committees.elections.workflows import CANDIDATE_WORKFLOW, REVIEW_WORKFLOW
from committees.models import Candidate, CandidateReview
from common.transitions import MSG_REASON, InvalidTransition, log_many
from estates.choices import DepartmentKind
from tests.committees.review_setup import STARTED, build_vetting, owner_in

pytestmark = pytest.mark.django_db
ANSWERED = datetime.date(2026, 3, 9)


@pytest.fixture
def vetting(tree):
    v = build_vetting(tree)
    election_start_vetting(
        election=v.election, actor=v.street_staff, today=datetime.date(2026, 3, 5)
    )
    return v


def police_reviews(v) -> list[CandidateReview]:
    return list(
        CandidateReview.objects.filter(
            candidate__election=v.election, department__kind=DepartmentKind.POLICE
        ).order_by("pk")
    )


def entries(objs, action: str):
    return ModelLogEntry.objects.filter(
        action=action, object_id__in=[str(o.pk) for o in objs]
    ).order_by("object_id")


def test_each_object_gets_the_state_the_fields_and_the_audit_entry_fire_writes(vetting):
    reviews = police_reviews(vetting)
    assert len(reviews) == 3
    fired = REVIEW_WORKFLOW.fire_many(
        reviews,
        "pass",
        actor=vetting.police_reviewer,
        changes={"answered_on": ANSWERED, "reviewer": vetting.police_reviewer},
        data={"category": ""},
    )
    assert [r.pk for r in fired] == [r.pk for r in reviews]
    for review in reviews:
        assert review.status == ReviewStatus.PASSED  # the caller's instances follow
        review.refresh_from_db()
        assert review.status == ReviewStatus.PASSED
        assert review.answered_on == ANSWERED
        assert review.reviewer == vetting.police_reviewer
    logged = entries(reviews, "committees.candidatereview.pass")
    assert logged.count() == 3
    for entry in logged:
        assert entry.user == vetting.police_reviewer
        assert entry.data == {"from": "pending", "to": "passed", "reason": "", "category": ""}
        assert entry.label == str(CandidateReview.objects.get(pk=entry.object_id))
        assert entry.content_type.model_class() is CandidateReview

    # The same shape as one fire() writes for one object.
    market = CandidateReview.objects.filter(
        candidate__election=vetting.election, department__kind=DepartmentKind.MARKET
    ).first()
    REVIEW_WORKFLOW.fire(market, "pass", actor=vetting.market_reviewer, data={"category": ""})
    single = entries([market], "committees.candidatereview.pass").get()
    assert set(single.data) == set(logged.first().data)
    assert single.content_type_id == logged.first().content_type_id


def test_per_object_changes_and_data(vetting):
    reviews = police_reviews(vetting)
    days = {r.pk: ANSWERED + datetime.timedelta(days=i) for i, r in enumerate(reviews)}
    REVIEW_WORKFLOW.fire_many(
        reviews,
        "pass",
        actor=vetting.police_reviewer,
        changes=lambda r: {"answered_on": days[r.pk]},
        data=lambda r: {"day": days[r.pk].isoformat()},
    )
    for review in reviews:
        review.refresh_from_db()
        assert review.answered_on == days[review.pk]
    for entry in entries(reviews, "committees.candidatereview.pass"):
        assert entry.data["day"] == days[int(entry.object_id)].isoformat()


def assert_untouched(reviews) -> None:
    for review in reviews:
        review.refresh_from_db()
        assert review.status == ReviewStatus.PENDING and review.answered_on is None
    assert not ModelLogEntry.objects.filter(
        object_id__in=[str(r.pk) for r in reviews], action__startswith="committees.candidatereview"
    ).exists()


def test_one_object_in_an_undeclared_state_refuses_all(vetting):
    reviews = police_reviews(vetting)
    CandidateReview.objects.filter(pk=reviews[-1].pk).update(status=ReviewStatus.PASSED)
    with pytest.raises(InvalidTransition):
        REVIEW_WORKFLOW.fire_many(reviews, "pass", actor=vetting.police_reviewer)
    assert_untouched(reviews[:-1])


def test_the_state_is_read_from_the_row_not_the_callers_copy(vetting):
    """The caller's instances say pending; the rows (read under the lock) do not."""
    reviews = police_reviews(vetting)
    CandidateReview.objects.filter(pk=reviews[0].pk).update(status=ReviewStatus.FAILED)
    assert reviews[0].status == ReviewStatus.PENDING
    with pytest.raises(InvalidTransition):
        REVIEW_WORKFLOW.fire_many(reviews, "pass", actor=vetting.police_reviewer)
    assert_untouched(reviews[1:])


def test_reviewer_of_another_department_refuses_all(vetting):
    """DOMAIN §9: the market reviewer may not answer the police checks (the guard)."""
    reviews = police_reviews(vetting)
    with pytest.raises(PermissionDenied):
        REVIEW_WORKFLOW.fire_many(reviews, "pass", actor=vetting.market_reviewer)
    assert_untouched(reviews)


def test_actor_without_the_permission_or_outside_the_jurisdiction_is_refused(vetting):
    candidates = list(Candidate.objects.filter(election=vetting.election))
    for actor in (vetting.police_reviewer, vetting.other_street_staff):
        with pytest.raises(PermissionDenied):
            CANDIDATE_WORKFLOW.fire_many(candidates, "withdraw", actor=actor, reason="本人申请")
    for candidate in candidates:
        candidate.refresh_from_db()
        assert candidate.status == CandidateStatus.UNDER_REVIEW
    assert not ModelLogEntry.objects.filter(action="committees.candidate.withdraw").exists()


def test_reason_required(vetting):
    candidates = list(Candidate.objects.filter(election=vetting.election))
    with pytest.raises(ValidationError) as refused:
        CANDIDATE_WORKFLOW.fire_many(candidates, "withdraw", actor=vetting.street_staff)
    assert refused.value.error_list[0].message == MSG_REASON
    CANDIDATE_WORKFLOW.fire_many(
        candidates, "withdraw", actor=vetting.street_staff, reason="本人申请退出"
    )
    logged = entries(candidates, "committees.candidate.withdraw")
    assert logged.count() == len(candidates)
    assert {e.data["reason"] for e in logged} == {"本人申请退出"}


def test_a_guard_refusal_for_one_object_writes_nothing(vetting):
    """A failed answer needs its reason category (DOMAIN §9): one missing refuses all."""
    reviews = police_reviews(vetting)
    categories = {r.pk: FindingCategory.CRIMINAL for r in reviews}
    categories[reviews[1].pk] = ""
    with pytest.raises(ValidationError):
        REVIEW_WORKFLOW.fire_many(
            reviews,
            "fail",
            actor=vetting.police_reviewer,
            changes=lambda r: {"category": categories[r.pk], "answered_on": ANSWERED},
        )
    assert_untouched(reviews)
    for review in reviews:
        assert review.category == ""


def test_nothing_to_fire_is_a_no_op(vetting):
    assert REVIEW_WORKFLOW.fire_many([], "pass", actor=vetting.police_reviewer) == []


def test_log_many_refuses_an_unregistered_action(vetting):
    reviews = police_reviews(vetting)
    with pytest.raises(ValueError):
        log_many([(r, {}) for r in reviews], action="committees.nothing.like_this", user=None)
    assert log_many([], action="committees.nothing.like_this", user=None) == 0


# ------------------------------------------------------------------ the services


def test_a_department_answers_many_reviews_at_once(vetting):
    reviews = police_reviews(vetting)
    answers = [
        ReviewAnswer(review=reviews[0], status=ReviewStatus.PASSED, category="ignored"),
        ReviewAnswer(
            review=reviews[1], status=ReviewStatus.FAILED, category=FindingCategory.CRIMINAL
        ),
        ReviewAnswer(
            review=reviews[2],
            status=ReviewStatus.FLAGGED,
            category=FindingCategory.CULT_OR_GANG,
            answered_on=ANSWERED,
        ),
    ]
    assert reviews_answer_bulk(answers=answers, actor=vetting.police_reviewer) == 3
    got = {r.pk: r for r in CandidateReview.objects.filter(pk__in=[r.pk for r in reviews])}
    first, second, third = (got[r.pk] for r in reviews)
    assert (first.status, first.category) == (ReviewStatus.PASSED, "")
    assert (second.status, second.category) == (ReviewStatus.FAILED, FindingCategory.CRIMINAL)
    assert (third.status, third.category) == (ReviewStatus.FLAGGED, FindingCategory.CULT_OR_GANG)
    assert third.answered_on == ANSWERED
    assert first.answered_on is not None  # the server's date when none is given
    assert {r.reviewer_id for r in got.values()} == {vetting.police_reviewer.pk}
    for verb, review in (("pass", first), ("fail", second), ("flag", third)):
        entry = ModelLogEntry.objects.for_instance(review).get()
        assert entry.action == f"committees.candidatereview.{verb}"
        assert entry.data["category"] == review.category


def test_bulk_answers_keep_the_review_rules(vetting):
    """A category outside the department's own checks and an unknown result are refused,
    and nothing of the batch is written."""
    reviews = police_reviews(vetting)
    outside = [
        ReviewAnswer(review=reviews[0], status=ReviewStatus.PASSED),
        ReviewAnswer(
            review=reviews[1], status=ReviewStatus.FAILED, category=FindingCategory.CONFLICT
        ),
    ]
    with pytest.raises(ValidationError):
        reviews_answer_bulk(answers=outside, actor=vetting.police_reviewer)
    with pytest.raises(ValidationError):
        reviews_answer_bulk(
            answers=[ReviewAnswer(review=reviews[0], status="maybe")],
            actor=vetting.police_reviewer,
        )
    assert_untouched(reviews)


def test_fee_arrears_are_recorded_as_an_automatic_flag(vetting):
    candidate = Candidate.objects.filter(election=vetting.election).first()
    review = review_record_automatic(
        candidate=candidate,
        category=FindingCategory.FEE_ARREARS,
        actor=vetting.street_staff,
        on=ANSWERED,
    )
    review.refresh_from_db()
    assert review.source == ReviewSource.AUTOMATIC
    assert (review.status, review.answered_on) == (ReviewStatus.FLAGGED, ANSWERED)
    assert ModelLogEntry.objects.for_instance(review).get().action == (
        "committees.candidatereview.auto_flag"
    )


# ------------------------------------------------------------------ lists of candidates


@pytest.fixture
def nominating(tree):
    return build_vetting(tree)


def test_a_nomination_list_is_entered_at_once(nominating):
    v = nominating
    compound = v.election.compound
    owners = [owner_in(compound, name) for name in ("赵丽华", "钱志强")]
    created = candidates_nominate_bulk(
        election=v.election,
        nominations=[Nomination(owner=o, nominated_on=STARTED) for o in owners],
        actor=v.street_staff,
    )
    assert [c.owner for c in created] == owners
    assert {c.status for c in created} == {CandidateStatus.NOMINATED}
    assert logged_ids(Candidate, "wagtail.create") >= {c.pk for c in created}


def test_a_nomination_list_keeps_every_rule_of_one_nomination(nominating, tree):
    """Not an owner of the compound (DOMAIN 4.1), twice on the list or already a
    candidate, or outside the organiser's jurisdiction: nothing is nominated."""
    v = nominating
    compound = v.election.compound
    newcomer = owner_in(compound, "孙建平")
    stranger = owner_in(tree.compounds[1], "周晓燕")
    already = v.candidates[0].owner
    before = Candidate.objects.count()
    for owners, error in (
        ([newcomer, stranger], ValidationError),
        ([newcomer, newcomer], ValidationError),
        ([newcomer, already], ValidationError),
    ):
        with pytest.raises(error):
            candidates_nominate_bulk(
                election=v.election,
                nominations=[Nomination(owner=o, nominated_on=STARTED) for o in owners],
                actor=v.street_staff,
            )
    with pytest.raises(PermissionDenied):
        candidates_nominate_bulk(
            election=v.election,
            nominations=[Nomination(owner=newcomer, nominated_on=STARTED)],
            actor=v.other_street_staff,
        )
    assert Candidate.objects.count() == before


def test_an_elections_candidates_are_concluded_at_once(vetting):
    """Every verdict from the candidate's answers (DOMAIN §9, E12); each logged."""
    reviews = CandidateReview.objects.filter(candidate__election=vetting.election)
    candidates = list(Candidate.objects.filter(election=vetting.election).order_by("pk"))
    with pytest.raises(ValidationError):  # answers still pending: nothing concluded
        candidates_conclude_bulk(candidates=candidates, actor=vetting.street_staff)
    assert not Candidate.objects.filter(concluded_on__isnull=False).exists()
    failing = reviews.filter(candidate=candidates[0], department__kind=DepartmentKind.POLICE)
    failing.update(status=ReviewStatus.FAILED, category=FindingCategory.CRIMINAL)
    reviews.filter(status=ReviewStatus.PENDING).update(status=ReviewStatus.PASSED)
    candidates_conclude_bulk(candidates=candidates, actor=vetting.street_staff, on=ANSWERED)
    got = dict(Candidate.objects.filter(election=vetting.election).values_list("pk", "status"))
    assert got == {
        c.pk: CandidateStatus.FAILED if c == candidates[0] else CandidateStatus.PASSED
        for c in candidates
    }
    assert logged_ids(Candidate, "committees.candidate.fail") == {candidates[0].pk}
    assert logged_ids(Candidate, "committees.candidate.pass") == {c.pk for c in candidates[1:]}
    assert set(
        Candidate.objects.filter(election=vetting.election).values_list("concluded_on", flat=True)
    ) == {ANSWERED}


def logged_ids(model, action: str) -> set[int]:
    from django.contrib.contenttypes.models import ContentType

    return {
        int(pk)
        for pk in ModelLogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(model), action=action
        ).values_list("object_id", flat=True)
    }
