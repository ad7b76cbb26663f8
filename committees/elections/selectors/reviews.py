"""Reads for the joint qualification review (DOMAIN §9).

A department reviewer sees only the reviews sent to their own department(s), inside
their jurisdiction, with only what their check needs: the full ID number only for the
department kinds that must identify a person (configurable), masked otherwise. Street
staff see the departments × candidates matrix and the overdue listing. Every function
costs a fixed number of queries whatever the number of rows.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from common.jurisdiction import VIEW, scope_queryset
from common.validators import mask_id_number
from estates.choices import DepartmentKind
from estates.models import Department

from ...choices import CandidateStatus, ElectionStatus, ReviewSource, ReviewStatus
from ...models import Candidate, CandidateReview, Election

# Department kinds whose check needs the full identity (police, credit, discipline
# registers are searched by ID number). Override with COMMITTEES_REVIEW_IDENTITY_KINDS.
DEFAULT_IDENTITY_KINDS = frozenset(
    {DepartmentKind.POLICE, DepartmentKind.FINANCE, DepartmentKind.DISCIPLINE}
)


def identity_kinds() -> frozenset[str]:
    return frozenset(getattr(settings, "COMMITTEES_REVIEW_IDENTITY_KINDS", DEFAULT_IDENTITY_KINDS))


def _live(queryset: QuerySet[CandidateReview]) -> QuerySet[CandidateReview]:
    """Reviews still worth answering: not of a withdrawn candidate or cancelled election."""
    return queryset.exclude(candidate__status=CandidateStatus.WITHDRAWN).exclude(
        candidate__election__status=ElectionStatus.CANCELLED
    )


def reviews_for_reviewer(*, user) -> QuerySet[CandidateReview]:
    """Reviews sent to the user's departments within the user's jurisdiction."""
    return scope_queryset(
        _live(
            CandidateReview.objects.filter(
                source=ReviewSource.DEPARTMENT,
                department__members__user=user,
            )
        ).select_related("candidate__owner", "candidate__election", "compound", "department"),
        user,
        VIEW,
    )


# The dashboard shows every open review and this many of the latest answers.
RECENT_ANSWERS = 30


@dataclass(frozen=True)
class ReviewerRow:
    """One line of the reviewer dashboard: only what the department's check needs."""

    pk: int
    candidate_name: str
    id_number: str
    compound_name: str
    election_label: str
    department_name: str
    status: str
    status_label: str
    category_label: str
    due_on: datetime.date
    answered_on: datetime.date | None
    overdue: bool

    @property
    def is_pending(self) -> bool:
        return self.status == ReviewStatus.PENDING


def reviewer_rows(*, user, today: datetime.date | None = None) -> list[ReviewerRow]:
    """The dashboard rows: every pending review, soonest due first, then the latest
    answers (two queries after the jurisdiction lookup). A full ID number is shown only
    while the department still has to check it, and only to departments whose check
    needs it (DOMAIN §9)."""
    today = today or timezone.localdate()
    full_kinds = identity_kinds()
    reviews = reviews_for_reviewer(user=user)
    pending = reviews.filter(status=ReviewStatus.PENDING).order_by("due_on", "candidate__name")
    answered = reviews.exclude(status=ReviewStatus.PENDING).order_by(
        "-answered_on", "candidate__name"
    )[:RECENT_ANSWERS]
    rows = []
    for review in [*pending, *answered]:
        candidate = review.candidate
        raw_id = candidate.owner.id_number
        election = candidate.election
        rows.append(
            ReviewerRow(
                pk=review.pk,
                candidate_name=candidate.name,
                id_number=raw_id
                if review.department.kind in full_kinds and review.status == ReviewStatus.PENDING
                else mask_id_number(raw_id),
                compound_name=review.compound.name,
                election_label=f"{election.get_kind_display()}第{election.term_number}届",
                department_name=review.department.name,
                status=review.status,
                status_label=str(review.get_status_display()),
                category_label=str(review.get_category_display()) if review.category else "",
                due_on=review.due_on,
                answered_on=review.answered_on,
                overdue=review.status == ReviewStatus.PENDING and review.due_on < today,
            )
        )
    return rows


def overdue_reviews(*, user, today: datetime.date | None = None) -> QuerySet[CandidateReview]:
    """Pending department reviews past their due date in the user's jurisdiction."""
    today = today or timezone.localdate()
    return scope_queryset(
        _live(
            CandidateReview.objects.filter(
                source=ReviewSource.DEPARTMENT, status=ReviewStatus.PENDING, due_on__lt=today
            )
        ).select_related("candidate", "compound", "department"),
        user,
        VIEW,
    ).order_by("department__name", "due_on", "candidate__name")


def overdue_by_department(*, user, today: datetime.date | None = None) -> list[dict]:
    """Per department: overdue count and the oldest due date (one query)."""
    today = today or timezone.localdate()
    return list(
        scope_queryset(
            _live(
                CandidateReview.objects.filter(
                    source=ReviewSource.DEPARTMENT, status=ReviewStatus.PENDING, due_on__lt=today
                )
            ),
            user,
            VIEW,
        )
        .values("department_id", "department__name")
        .annotate(count=Count("pk"))
        .order_by("department__name")
    )


@dataclass
class MatrixRow:
    candidate: Candidate
    cells: list[CandidateReview | None] = field(default_factory=list)
    automatic: list[CandidateReview] = field(default_factory=list)
    departments: list[Department] = field(default_factory=list)  # the columns, in order

    @property
    def labelled_cells(self) -> list[tuple[Department, CandidateReview | None]]:
        """Each answer with its department (a phone shows each under its name)."""
        return list(zip(self.departments, self.cells, strict=True))


@dataclass
class ReviewMatrix:
    election: Election
    departments: list[Department]
    rows: list[MatrixRow]


def review_matrix(*, election: Election, user) -> ReviewMatrix:
    """Departments × candidates with each department's answer (two queries)."""
    candidates = list(
        scope_queryset(Candidate.objects.filter(election=election), user, VIEW).order_by("name")
    )
    reviews = list(
        scope_queryset(
            CandidateReview.objects.filter(candidate__election=election), user, VIEW
        ).select_related("department", "reviewer")
    )
    departments = sorted(
        {r.department for r in reviews if r.department is not None},
        key=lambda d: (d.kind, d.name),
    )
    column = {d.pk: i for i, d in enumerate(departments)}
    rows = {
        c.pk: MatrixRow(candidate=c, cells=[None] * len(departments), departments=departments)
        for c in candidates
    }
    for review in reviews:
        row = rows.get(review.candidate_id)
        if row is None:
            continue
        if review.department_id is None:
            row.automatic.append(review)
        else:
            row.cells[column[review.department_id]] = review
    return ReviewMatrix(election=election, departments=departments, rows=list(rows.values()))


def review_counts(*, user) -> dict[str, int]:
    """Pending / overdue counts of the user's department reviews (dashboard badge)."""
    today = timezone.localdate()
    return reviews_for_reviewer(user=user).aggregate(
        pending=Count("pk", filter=Q(status=ReviewStatus.PENDING)),
        overdue=Count("pk", filter=Q(status=ReviewStatus.PENDING, due_on__lt=today)),
    )
