"""The committee side's duties on the admin home (:mod:`common.dashboard`): elections in
progress and overdue department answers for street and community officers, pending
reviews with their due dates for department reviewers, committee alarms for everyone who
follows committees. Each count is one scoped query (the alarms a fixed few)."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min, Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.dashboard import Duty, DutyCount, register_duty
from common.jurisdiction import VIEW, scope_queryset

from .choices import ElectionStatus, ReviewStatus
from .elections.models import Election
from .elections.selectors.reviews import overdue_reviews, reviews_for_reviewer
from .elections.workflows import MANAGE_ELECTION, REVIEW_CANDIDATE
from .selectors.alarms import alarms_for

IN_PROGRESS = (ElectionStatus.NOMINATING, ElectionStatus.VETTING, ElectionStatus.PUBLISHED)
VIEW_COMMITTEE = "committees.view_committee"


def elections_in_progress(user, today: datetime.date) -> DutyCount:
    counts = scope_queryset(Election.objects.all(), user, VIEW).aggregate(
        n=Count("pk", filter=Q(status__in=IN_PROGRESS))
    )
    return DutyCount(counts["n"])


def pending_reviews(user, today: datetime.date) -> DutyCount:
    counts = reviews_for_reviewer(user=user).aggregate(
        n=Count("pk", filter=Q(status=ReviewStatus.PENDING)),
        due=Min("due_on", filter=Q(status=ReviewStatus.PENDING)),
        late=Count("pk", filter=Q(status=ReviewStatus.PENDING, due_on__lt=today)),
    )
    return DutyCount(counts["n"], counts["due"], counts["late"])


def late_department_answers(user, today: datetime.date) -> DutyCount:
    counts = overdue_reviews(user=user, today=today).aggregate(n=Count("pk"), due=Min("due_on"))
    return DutyCount(counts["n"], counts["due"], counts["n"])


def committee_alarms(user, today: datetime.date) -> DutyCount:
    return DutyCount(len(alarms_for(user, today)))


register_duty(
    Duty(
        key="committees.reviews_pending",
        label=_("待审候选人"),
        permission=REVIEW_CANDIDATE,
        count=pending_reviews,
        url=lambda: reverse("committees_reviews:dashboard"),
        order=10,
    )
)
register_duty(
    Duty(
        key="committees.elections_in_progress",
        label=_("进行中的选举"),
        permission=MANAGE_ELECTION,
        count=elections_in_progress,
        url=lambda: reverse("committees_reviews:elections"),
        order=20,
    )
)
register_duty(
    Duty(
        key="committees.reviews_overdue",
        label=_("逾期未反馈的联审意见"),
        permission=MANAGE_ELECTION,
        count=late_department_answers,
        url=lambda: reverse("committees_reviews:overdue"),
        order=30,
    )
)
register_duty(
    Duty(
        key="committees.alarms",
        label=_("业委会与物委会预警"),
        permission=VIEW_COMMITTEE,
        count=committee_alarms,
        url=lambda: reverse("committees_alarms:index"),
        order=40,
    )
)
