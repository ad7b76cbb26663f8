"""The election and joint qualification review workflows (DOMAIN §9), declared as data on
the shared mechanism in :mod:`common.transitions`: nothing else assigns these status fields.

Election:        draft → nominating → vetting → published → held; cancel from any open state.
Candidate:       nominated → under_review (when the election goes to vetting) →
                 passed / failed (conclude, once every department has answered); withdraw.
CandidateReview: pending → passed / failed / flagged, answered by a reviewer of the
                 department the review was sent to; automatic findings from our own data
                 use auto_fail / auto_flag.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext_lazy as _

from common.jurisdiction import MANAGE, VIEW
from common.transitions import Transition, Workflow

from ..choices import (
    CandidateStatus,
    ElectionStatus,
    FindingCategory,
    ReviewSource,
    ReviewStatus,
)
from .signals import candidate_withdrawal_requested, election_cancel_requested

MANAGE_ELECTION = "committees.manage_election"
REVIEW_CANDIDATE = "committees.review_candidate"
VIEW_FINDINGS = "committees.view_candidate_findings"

MSG_WRONG_DEPARTMENT = _("该联审意见由“%(department)s”填写，您不是该部门的审查人员。")
MSG_CATEGORY_REQUIRED = _("审查结果为“不通过”或“提示关注”时，必须选择原因类别。")
MSG_REVIEWS_PENDING = _("还有%(count)d个部门未反馈审查意见，暂不能作出联审结论。")
MSG_VERDICT_MISMATCH = _("该结论与各部门审查意见不一致。")
MSG_NOT_AUTOMATIC = _("只有系统自动比对的意见可以由系统填写。")
MSG_NOT_DEPARTMENT = _("系统自动比对的意见不能由部门审查人员填写。")
MSG_CANDIDATES_OPEN = _("还有%(count)d名候选人未作出联审结论，暂不能公示候选人名单。")
MSG_NO_CANDIDATES = _("尚无候选人，不能进入资格联审。")
MSG_FLAG_ONLY = _("“%(category)s”只能提示关注，不能作为不通过的理由。")
MSG_NOT_OWN_CHECK = _("“%(department)s”只能以本部门负责的审查事项作为原因类别：%(allowed)s。")
MSG_CHECKS_UNANSWERED = _("以下联审事项尚无部门审查意见，暂不能作出联审结论：%(missing)s。")
MSG_NO_REVIEW_PLAN = _("该选举没有登记联审事项，不能进行资格联审。")

# Checks whose finding may only flag a candidate, never fail them, wherever they are
# configured (DOMAIN 9 "flag only", E12); a ReviewCheck marked flag_only adds its own.
FLAG_ONLY_CATEGORIES = frozenset({FindingCategory.FEE_ARREARS})


def _labels(categories) -> str:
    return "、".join(str(FindingCategory(c).label) for c in sorted(categories))


# ------------------------------------------------------------------ guards


def _department_reviewer(review, actor) -> None:
    """DOMAIN §9: each department answers only its own check, so a reviewer of another
    department is refused even inside the same jurisdiction."""
    if review.source != ReviewSource.DEPARTMENT:
        raise ValidationError(MSG_NOT_DEPARTMENT, code="not_department")
    if actor.is_superuser:
        return
    if not actor.department_memberships.filter(department_id=review.department_id).exists():
        raise PermissionDenied(MSG_WRONG_DEPARTMENT % {"department": review.department.name})


def _category_given(review) -> None:
    # DOMAIN §9: store only result, category, department, date, reviewer; a negative
    # answer without a category is unusable for the conclusion and the report.
    if not review.category:
        raise ValidationError(MSG_CATEGORY_REQUIRED, code="category_required")


def _own_check(review) -> None:
    """DOMAIN §9: a department answers only for its own checks, so a negative answer
    names one of the categories recorded on the review when vetting started."""
    allowed = review.check_categories
    if review.category not in allowed:
        raise ValidationError(
            MSG_NOT_OWN_CHECK,
            code="not_own_check",
            params={"department": review.department.name, "allowed": _labels(allowed) or "-"},
        )


def _guard_pass(review, actor) -> None:
    _department_reviewer(review, actor)


def _guard_flag(review, actor) -> None:
    _department_reviewer(review, actor)
    _category_given(review)
    _own_check(review)


def _guard_fail(review, actor) -> None:
    """A fail on a flag-only check is refused (DOMAIN 9, E12): the reviewer answers
    "提示关注" instead, which never fails the candidate."""
    _guard_flag(review, actor)
    if review.category in FLAG_ONLY_CATEGORIES | review.flag_only_categories:
        raise ValidationError(
            MSG_FLAG_ONLY,
            code="flag_only",
            params={"category": FindingCategory(review.category).label},
        )


def _guard_automatic(review, actor) -> None:
    if review.source != ReviewSource.AUTOMATIC:
        raise ValidationError(MSG_NOT_AUTOMATIC, code="not_automatic")
    _category_given(review)


def candidate_verdict(statuses: list[str]) -> str | None:
    """The joint verdict from all answers (DOMAIN §9, E12): none while any review is
    pending; failed if any department or automatic check failed; a flag alone passes.
    The conclude guards also require an answer for every configured check
    (:func:`unanswered_checks`)."""
    if any(s == ReviewStatus.PENDING for s in statuses):
        return None
    if any(s == ReviewStatus.FAILED for s in statuses):
        return CandidateStatus.FAILED
    return CandidateStatus.PASSED


def unanswered_checks(candidate) -> set[str]:
    """The checks recorded when vetting started that no department review of this
    candidate covers (DOMAIN §9: one answer per configured check)."""
    required = set(candidate.election.review_categories or ())
    covered: set[str] = set()
    for checks in candidate.reviews.filter(source=ReviewSource.DEPARTMENT).values_list(
        "checks", flat=True
    ):
        covered.update(checks or {})
    return required - covered


def _all_answered(candidate, actor) -> None:
    if not candidate.election.review_categories:
        raise ValidationError(MSG_NO_REVIEW_PLAN, code="no_review_plan")
    missing = unanswered_checks(candidate)
    if missing:
        raise ValidationError(
            MSG_CHECKS_UNANSWERED, code="checks_unanswered", params={"missing": _labels(missing)}
        )
    pending = candidate.reviews.filter(status=ReviewStatus.PENDING).count()
    if pending:
        raise ValidationError(
            MSG_REVIEWS_PENDING, code="reviews_pending", params={"count": pending}
        )


def _guard_conclude_passed(candidate, actor) -> None:
    _all_answered(candidate, actor)
    statuses = list(candidate.reviews.values_list("status", flat=True))
    if candidate_verdict(statuses) != CandidateStatus.PASSED:
        raise ValidationError(MSG_VERDICT_MISMATCH, code="verdict_mismatch")


def _guard_conclude_failed(candidate, actor) -> None:
    _all_answered(candidate, actor)
    statuses = list(candidate.reviews.values_list("status", flat=True))
    if candidate_verdict(statuses) != CandidateStatus.FAILED:
        raise ValidationError(MSG_VERDICT_MISMATCH, code="verdict_mismatch")


def _guard_withdraw(candidate, actor) -> None:
    """Apps built on elections may refuse a withdrawal (the owners' vote does once the
    ballot is out, DOMAIN 2.3–2.4, 1.9): they answer the signal by raising
    ValidationError, before anything is written."""
    candidate_withdrawal_requested.send(sender=type(candidate), candidate=candidate)


def _guard_cancel(election, actor) -> None:
    """Apps built on elections may refuse a cancellation (the owners' vote does while its
    vote on the election is a draft or open): they answer the signal by raising
    ValidationError, before anything is written."""
    election_cancel_requested.send(sender=type(election), election=election)


def _guard_start_vetting(election, actor) -> None:
    """Candidates to vet, and the checks they are vetted on (DOMAIN §9: the review
    cannot be skipped); services.reviews.vetting_start records the checks and sends the
    reviews."""
    if not election.candidates.exclude(status=CandidateStatus.WITHDRAWN).exists():
        raise ValidationError(MSG_NO_CANDIDATES, code="no_candidates")
    if not election.review_categories:
        raise ValidationError(MSG_NO_REVIEW_PLAN, code="no_review_plan")


def _guard_all_concluded(election, actor) -> None:
    open_count = election.candidates.filter(
        status__in=[CandidateStatus.NOMINATED, CandidateStatus.UNDER_REVIEW]
    ).count()
    if open_count:
        raise ValidationError(
            MSG_CANDIDATES_OPEN, code="candidates_open", params={"count": open_count}
        )


# ------------------------------------------------------------------ workflows

E = ElectionStatus
OPEN_ELECTION = (E.DRAFT, E.NOMINATING, E.VETTING, E.PUBLISHED)

ELECTION_WORKFLOW = Workflow(
    model="committees.Election",
    states=ElectionStatus,
    initial=E.DRAFT,
    transitions=[
        Transition("open_nominations", (E.DRAFT,), E.NOMINATING, _("开始提名"), MANAGE_ELECTION),
        Transition(
            "start_vetting",
            (E.NOMINATING,),
            E.VETTING,
            _("提交资格联审"),
            MANAGE_ELECTION,
            guard=_guard_start_vetting,
        ),
        Transition(
            "publish",
            (E.VETTING,),
            E.PUBLISHED,
            _("公示候选人"),
            MANAGE_ELECTION,
            guard=_guard_all_concluded,
        ),
        Transition("hold", (E.PUBLISHED,), E.HELD, _("完成选举"), MANAGE_ELECTION),
        Transition(
            "cancel",
            OPEN_ELECTION,
            E.CANCELLED,
            _("取消选举"),
            MANAGE_ELECTION,
            requires_reason=True,
            guard=_guard_cancel,
        ),
    ],
)

C = CandidateStatus
CANDIDATE_WORKFLOW = Workflow(
    model="committees.Candidate",
    states=CandidateStatus,
    initial=C.NOMINATED,
    transitions=[
        # Fired by election_start_vetting for every nominated candidate (system step).
        Transition("submit", (C.NOMINATED,), C.UNDER_REVIEW, _("提交联审"), MANAGE_ELECTION),
        Transition(
            "pass",
            (C.UNDER_REVIEW,),
            C.PASSED,
            _("联审通过"),
            MANAGE_ELECTION,
            guard=_guard_conclude_passed,
        ),
        Transition(
            "fail",
            (C.UNDER_REVIEW,),
            C.FAILED,
            _("联审未通过"),
            MANAGE_ELECTION,
            guard=_guard_conclude_failed,
        ),
        Transition(
            "withdraw",
            (C.NOMINATED, C.UNDER_REVIEW, C.PASSED),
            C.WITHDRAWN,
            _("退出候选"),
            MANAGE_ELECTION,
            requires_reason=True,
            guard=_guard_withdraw,
        ),
    ],
)

R = ReviewStatus
REVIEW_WORKFLOW = Workflow(
    model="committees.CandidateReview",
    states=ReviewStatus,
    initial=R.PENDING,
    transitions=[
        # A department reviewer holds a view grant over the compound (estates.roles).
        Transition(
            "pass", (R.PENDING,), R.PASSED, _("审查通过"), REVIEW_CANDIDATE, VIEW, guard=_guard_pass
        ),
        Transition(
            "fail",
            (R.PENDING,),
            R.FAILED,
            _("审查不通过"),
            REVIEW_CANDIDATE,
            VIEW,
            guard=_guard_fail,
        ),
        Transition(
            "flag",
            (R.PENDING,),
            R.FLAGGED,
            _("提示关注"),
            REVIEW_CANDIDATE,
            VIEW,
            guard=_guard_flag,
        ),
        Transition(
            "auto_fail",
            (R.PENDING,),
            R.FAILED,
            _("系统比对不通过"),
            MANAGE_ELECTION,
            MANAGE,
            guard=_guard_automatic,
        ),
        Transition(
            "auto_flag",
            (R.PENDING,),
            R.FLAGGED,
            _("系统比对提示"),
            MANAGE_ELECTION,
            MANAGE,
            guard=_guard_automatic,
        ),
    ],
)

# The verb a department answer maps to.
REVIEW_VERBS = {R.PASSED: "pass", R.FAILED: "fail", R.FLAGGED: "flag"}
NEGATIVE = (R.FAILED, R.FLAGGED)
WORKFLOWS = (ELECTION_WORKFLOW, CANDIDATE_WORKFLOW, REVIEW_WORKFLOW)
