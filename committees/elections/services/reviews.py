"""The joint qualification review (资格联审, DOMAIN §9): sending candidates to the
departments, automatic findings from our own data, and recording departments' answers.

Which department kinds take part is configuration (DOMAIN §9 "no national list"): the
active :class:`~committees.models.ReviewCheck` rows of the nearest region up the tree that
has any. Each kind is answered by the nearest department of that kind at the compound's
county or above.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates.choices import DepartmentKind, RegionLevel
from estates.models import Compound, Department, Region

from ... import deadlines
from ...choices import (
    CandidateStatus,
    FindingCategory,
    ReviewSource,
    ReviewStatus,
)
from ...models import Candidate, CandidateReview, Election, ReviewCheck
from ...services.owners import is_owner_in
from ..workflows import (
    CANDIDATE_WORKFLOW,
    ELECTION_WORKFLOW,
    REVIEW_VERBS,
    REVIEW_WORKFLOW,
)

MSG_BAD_STATUS = _("请选择审查结果：通过、不通过或提示关注。")
MSG_NO_CHECKS = _("本小区所在区域尚未配置资格联审事项，不能提交资格联审。请先配置联审事项。")
MSG_NO_DEPARTMENT = _(
    "以下联审事项在本小区所在县（市、区）及以上没有对应的审查部门，不能提交资格联审：%(missing)s。"
    "请先登记审查部门或停用这些事项。"
)


# ------------------------------------------------------------------ deadlines


def due_date(start: datetime.date, days: int) -> datetime.date:
    """DOMAIN 1.10 (rest days move the deadline) through committees.deadlines."""
    return deadlines.due_date(start, days)


# ------------------------------------------------------------------ configuration


@dataclass(frozen=True)
class CheckPlan:
    """One department's part in a compound's review: who answers, by when, and which
    checks (category → flag only) it answers for."""

    department: Department
    due_days: int
    categories: tuple[str, ...]
    flag_only: tuple[str, ...] = ()

    @property
    def checks(self) -> dict[str, bool]:
        return {c: c in self.flag_only for c in self.categories}


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def _missing_label(kind: str, checks: list[ReviewCheck]) -> str:
    categories = "、".join(str(FindingCategory(c.category).label) for c in checks)
    return f"{DepartmentKind(kind).label}（{categories}）"


def review_plan_for(compound: Compound) -> list[CheckPlan]:
    """The departments that review candidates of this compound (two queries).

    The review cannot be skipped (DOMAIN §9): with no active check configured, or with
    an active check whose department kind has no department at the compound's county or
    above, this refuses with a ``ValidationError`` naming what is missing."""
    ancestors = _ancestor_paths(compound.region_path)
    checks = list(
        ReviewCheck.objects.filter(region_path__in=ancestors, is_active=True).order_by(
            "-region_path", "department_kind", "category"
        )
    )
    if not checks:
        raise ValidationError(MSG_NO_CHECKS, code="no_checks")
    nearest = checks[0].region_path
    checks = [c for c in checks if c.region_path == nearest]
    departments: dict[str, Department] = {}
    # The compound's county or above: deeper rows come first, keep the nearest per kind.
    for department in Department.objects.filter(
        region_path__in=ancestors, region__level__lte=RegionLevel.COUNTY
    ).order_by("-region_path", "pk"):
        departments.setdefault(department.kind, department)
    plan, missing = [], []
    for kind in sorted({c.department_kind for c in checks}):
        mine = [c for c in checks if c.department_kind == kind]
        department = departments.get(kind)
        if department is None:
            missing.append(_missing_label(kind, mine))
            continue
        plan.append(
            CheckPlan(
                department=department,
                due_days=max(c.due_days for c in mine),
                categories=tuple(sorted({c.category for c in mine})),
                flag_only=tuple(sorted({c.category for c in mine if c.flag_only})),
            )
        )
    if missing:
        raise ValidationError(
            MSG_NO_DEPARTMENT, code="no_department", params={"missing": "；".join(missing)}
        )
    return plan


DEFAULT_CHECKS: tuple[tuple[str, str, str, bool], ...] = (
    # DOMAIN §9 table: department kind, category, description, flag only.
    (DepartmentKind.POLICE, FindingCategory.CRIMINAL, "刑事侦查、三年内刑罚记录", False),
    (DepartmentKind.POLICE, FindingCategory.CULT_OR_GANG, "邪教组织、涉黑涉恶", False),
    (DepartmentKind.FINANCE, FindingCategory.DEFAULTER, "失信被执行人、严重失信", False),
    (DepartmentKind.MARKET, FindingCategory.CONFLICT, "本人或亲属在物业企业任职持股", False),
    (DepartmentKind.PETITION, FindingCategory.PETITION, "组织非法集体上访", False),
    (DepartmentKind.DISCIPLINE, FindingCategory.DISCIPLINE, "正在审查或三年内党纪处分", False),
    (DepartmentKind.HOUSING, FindingCategory.BUILDING, "违法建设、擅自改变房屋用途", False),
)


def review_checks_configure(*, region: Region, due_days: int = 10) -> list[ReviewCheck]:
    """Configure the usual checks (DOMAIN §9 table) for a region; idempotent."""
    result = []
    for kind, category, description, flag_only in DEFAULT_CHECKS:
        check, _created = ReviewCheck.objects.get_or_create(
            region=region,
            department_kind=kind,
            category=category,
            defaults={"description": description, "flag_only": flag_only, "due_days": due_days},
        )
        result.append(check)
    return result


# ------------------------------------------------------------------ automatic findings


def negative_list_findings(candidate: Candidate) -> list[str]:
    """Hook: categories from open negative-list records (DOMAIN §10). The negative-list
    model does not exist yet; return FindingCategory.NEGATIVE_LIST here once it does."""
    return []


def has_fee_arrears(candidate: Candidate) -> bool:
    """Hook: fee records (DOMAIN §9 "flag only", E12). No fee model yet."""
    return False


def _automatic_findings(candidate: Candidate) -> list[tuple[str, str]]:
    """(category, verb) pairs from our own data, checked before the departments."""
    findings = []
    if not is_owner_in(owner=candidate.owner, compound=candidate.compound):
        findings.append((FindingCategory.NOT_OWNER, "auto_fail"))  # DOMAIN 4.1, 4.2
    findings.extend((category, "auto_fail") for category in negative_list_findings(candidate))
    if has_fee_arrears(candidate):
        findings.append((FindingCategory.FEE_ARREARS, "auto_flag"))  # E12: flag only
    return findings


# ------------------------------------------------------------------ services


@transaction.atomic
def vetting_start(*, election: Election, actor, today: datetime.date | None = None) -> Election:
    """Move the election to vetting, every nominated candidate to under_review, and send
    one review per configured department (DOMAIN §9). Refused, with nothing written,
    when no check is configured or a check has no department to answer it."""
    today = today or timezone.localdate()
    compound = Compound.objects.get(pk=election.compound_id)
    plan = review_plan_for(compound)
    # One calendar and one due date per department, whatever the number of candidates.
    work_calendar = deadlines.WorkCalendar.load()
    due_on = [work_calendar.due_date(today, step.due_days) for step in plan]
    election = ELECTION_WORKFLOW.fire(
        election,
        "start_vetting",
        actor=actor,
        changes={
            "review_due_on": max(due_on),
            "review_categories": sorted({c for p in plan for c in p.categories}),
        },
    )
    candidates = list(
        election.candidates.filter(status=CandidateStatus.NOMINATED).select_related("owner")
    )
    # Every candidate goes under review with its own audit entry, all or none.
    CANDIDATE_WORKFLOW.fire_many(candidates, "submit", actor=actor)
    CandidateReview.objects.bulk_create(
        CandidateReview(
            candidate=candidate,
            compound=compound,
            source=ReviewSource.DEPARTMENT,
            department=step.department,
            checks=step.checks,
            due_on=due,
        )
        for candidate in candidates
        for step, due in zip(plan, due_on, strict=True)
    )
    for candidate in candidates:
        for category, verb in _automatic_findings(candidate):
            review = CandidateReview.objects.create(
                candidate=candidate,
                compound=compound,
                source=ReviewSource.AUTOMATIC,
                category=category,
                due_on=today,
            )
            REVIEW_WORKFLOW.fire(
                review, verb, actor=actor, changes={"answered_on": today, "reviewer": actor}
            )
    return election


def review_record(
    *,
    review: CandidateReview,
    status: ReviewStatus | str,
    actor,
    category: FindingCategory | str = "",
    answered_on: datetime.date | None = None,
) -> CandidateReview:
    """A department's answer: result and reason category only (DOMAIN §9). Only a reviewer
    of the review's department may answer, only with a category of the checks the
    department answers for, and a flag-only check can flag but never fail (the workflow
    guards refuse). The row lock lets one of two racing answers win.

    The answer date is the server's: views and the API never pass ``answered_on``; the
    demo seed passes its fixed clock."""
    verb = REVIEW_VERBS.get(status)
    if verb is None:
        raise ValidationError(MSG_BAD_STATUS, code="bad_status")
    if status == ReviewStatus.PASSED:
        category = ""
    return REVIEW_WORKFLOW.fire(
        review,
        verb,
        actor=actor,
        changes={
            "category": category,
            "answered_on": answered_on or timezone.localdate(),
            "reviewer": actor,
        },
        data={"category": category},
    )


# ------------------------------------------------------------------ many answers at once


@dataclass(frozen=True)
class ReviewAnswer:
    """One department answer for :func:`reviews_answer_bulk`."""

    review: CandidateReview
    status: str
    category: str = ""
    answered_on: datetime.date | None = None


def reviews_answer_bulk(*, answers: list[ReviewAnswer], actor) -> int:
    """Many departments' answers at once (a reviewer's batch, the demo seed), with the
    guarantees of :func:`review_record` for every one: each review is locked, pending,
    answered by a reviewer of its department with a category of its own checks (a
    flag-only check never fails), or nothing is written; each review gets its audit
    entry. Rows are locked, updated and logged a batch at a time
    (:meth:`common.transitions.Workflow.fire_many`). Returns the number answered."""
    by_verb: dict[str, list[ReviewAnswer]] = {}
    for answer in answers:
        verb = REVIEW_VERBS.get(answer.status)
        if verb is None:
            raise ValidationError(MSG_BAD_STATUS, code="bad_status")
        by_verb.setdefault(verb, []).append(answer)
    today = timezone.localdate()
    with transaction.atomic():
        for verb, group in by_verb.items():
            of = {a.review.pk: a for a in group}

            def category(review, of=of):
                answer = of[review.pk]
                return "" if answer.status == ReviewStatus.PASSED else answer.category

            REVIEW_WORKFLOW.fire_many(
                [a.review for a in group],
                verb,
                actor=actor,
                changes=lambda review, of=of, category=category: {
                    "category": category(review),
                    "answered_on": of[review.pk].answered_on or today,
                    "reviewer": actor,
                },
                data=lambda review, category=category: {"category": category(review)},
            )
    return len(answers)


@transaction.atomic
def review_record_automatic(
    *,
    candidate: Candidate,
    category: FindingCategory | str,
    actor,
    fails: bool = False,
    on: datetime.date | None = None,
) -> CandidateReview:
    """A finding from our own data (DOMAIN §9, E12: fee arrears flag only) recorded for a
    candidate under review, as vetting_start records the ones its hooks find."""
    on = on or timezone.localdate()
    review = CandidateReview.objects.create(
        candidate=candidate,
        compound_id=candidate.compound_id,
        source=ReviewSource.AUTOMATIC,
        category=category,
        due_on=on,
    )
    return REVIEW_WORKFLOW.fire(
        review,
        "auto_fail" if fails else "auto_flag",
        actor=actor,
        changes={"answered_on": on, "reviewer": actor},
    )
