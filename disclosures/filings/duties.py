"""Filings' duties on the admin home (:mod:`common.dashboard`): the community officer's
filings and reports to review with the nearest review deadline, the street officer's
filings to receive, the committee's returned filings and reports due. One scoped query
each."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.access import scoped
from common.dashboard import Duty, DutyCount, register_duty
from common.jurisdiction import VIEW

from . import selectors
from .choices import FilingStatus
from .models import Filing


def filings_to_review(user, today: datetime.date) -> DutyCount:
    counts = selectors.filing_review_queue(user=user).aggregate(
        n=Count("pk"), due=Min("review_due_on"), late=Count("pk", filter=Q(review_due_on__lt=today))
    )
    return DutyCount(counts["n"], counts["due"], counts["late"])


def filings_to_accept(user, today: datetime.date) -> DutyCount:
    return DutyCount(selectors.filings_awaiting_acceptance(user=user).count())


def filings_returned(user, today: datetime.date) -> DutyCount:
    return DutyCount(
        scoped(Filing, user=user, level=VIEW).filter(status=FilingStatus.RETURNED).count()
    )


def reports_to_review(user, today: datetime.date) -> DutyCount:
    return DutyCount(selectors.reports_awaiting_review(user=user).count())


def reports_overdue(user, today: datetime.date) -> DutyCount:
    counts = selectors.reports_overdue(user=user, today=today).aggregate(
        n=Count("pk"), due=Min("due_on")
    )
    return DutyCount(counts["n"], counts["due"], counts["n"])


def _queue() -> str:
    return reverse("filings_queue:index")


def _filings(status: str) -> str:
    return f"{reverse('filings_filing:index')}?status={status}"


for duty in (
    Duty(
        key="filings.to_review",
        label=_("待审核的重大事项报备"),
        permission="filings.review_filing",
        count=filings_to_review,
        url=_queue,
        order=15,
    ),
    Duty(
        key="filings.reports_to_review",
        label=_("待审阅的定期报告"),
        permission="filings.review_regularreport",
        count=reports_to_review,
        url=_queue,
        order=16,
    ),
    Duty(
        key="filings.to_accept",
        label=_("待接收的报备"),
        permission="filings.accept_filing",
        count=filings_to_accept,
        url=_queue,
        order=17,
    ),
    Duty(
        key="filings.returned",
        label=_("被退回待修改的报备"),
        permission="filings.prepare_filing",
        count=filings_returned,
        url=lambda: _filings(FilingStatus.RETURNED),
        order=18,
    ),
    Duty(
        key="filings.reports_overdue",
        label=_("逾期未交的定期报告"),
        permission="filings.prepare_regularreport",
        count=reports_overdue,
        url=lambda: reverse("filings_regularreport:index"),
        order=19,
    ),
):
    register_duty(duty)
