"""Filing and report reads, always scoped to the user's jurisdiction (common.access)."""

from __future__ import annotations

from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from common.access import fetch, scoped
from common.jurisdiction import MANAGE, VIEW

from .choices import FilingStatus, ReportStatus
from .models import Filing, RegularReport
from .rules import filing_rules_for


def filing_list_visible_to(*, user) -> QuerySet[Filing]:
    return scoped(Filing, user=user, level=VIEW).select_related("compound", "committee", "street")


def filing_get(*, user, pk, level: str = VIEW) -> Filing:
    """One filing inside the user's jurisdiction, else 404 (as for a missing one)."""
    return fetch(
        Filing.objects.select_related("compound", "committee", "street"),
        user=user,
        level=level,
        pk=pk,
    )


def filing_review_queue(*, user) -> QuerySet[Filing]:
    """Filings awaiting the community's review in the user's managed jurisdiction, the
    nearest deadline first."""
    return (
        scoped(Filing, user=user, level=MANAGE)
        .filter(status=FilingStatus.SUBMITTED)
        .select_related("compound", "committee")
        .order_by("review_due_on", "submitted_at", "pk")
    )


def filings_review_overdue(*, user, today: date | None = None) -> QuerySet[Filing]:
    """Submitted filings past their review deadline (the community has not answered)."""
    today = today or timezone.localdate()
    return filing_review_queue(user=user).filter(review_due_on__lt=today)


def filings_awaiting_acceptance(*, user) -> QuerySet[Filing]:
    """Approved filings the street has yet to receive."""
    return (
        scoped(Filing, user=user, level=MANAGE)
        .filter(status=FilingStatus.APPROVED)
        .select_related("compound", "committee")
        .order_by("reviewed_at", "pk")
    )


def compound_recent_filings(*, user, compound, limit: int = 10) -> list[Filing]:
    return list(
        filing_list_visible_to(user=user).filter(compound=compound).order_by("-created_at")[:limit]
    )


def filing_vote_may_open(filing: Filing, on: date | None = None) -> bool:
    """DOMAIN 11.2: a vote on the matter opens only once the street has received the
    filing, and at least the region's notice days after that."""
    if filing.status != FilingStatus.ACCEPTED or filing.accepted_on is None:
        return False
    on = on or timezone.localdate()
    return on >= filing_rules_for(filing.compound).earliest_vote_on(filing.accepted_on)


# ------------------------------------------------------------------ regular reports

OPEN_REPORT = (ReportStatus.PENDING, ReportStatus.RETURNED)


def report_list_visible_to(*, user) -> QuerySet[RegularReport]:
    return scoped(RegularReport, user=user, level=VIEW).select_related("compound", "committee")


def report_get(*, user, pk, level: str = VIEW) -> RegularReport:
    return fetch(
        RegularReport.objects.select_related("compound", "committee"),
        user=user,
        level=level,
        pk=pk,
    )


def reports_overdue(*, user, today: date | None = None) -> QuerySet[RegularReport]:
    """Reports not (re)submitted by their due date (DOMAIN 11.3), the oldest first."""
    today = today or timezone.localdate()
    return (
        report_list_visible_to(user=user)
        .filter(status__in=OPEN_REPORT, due_on__lt=today)
        .order_by("due_on", "compound__name")
    )


def reports_awaiting_review(*, user) -> QuerySet[RegularReport]:
    return (
        scoped(RegularReport, user=user, level=MANAGE)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("compound", "committee")
        .order_by("submitted_at", "pk")
    )
