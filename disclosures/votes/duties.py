"""Votes' duties on the admin home (:mod:`common.dashboard`): the street's filing desk
signs for each published stage of a vote (issue item 6). One scoped query."""

from __future__ import annotations

import datetime

from django.db.models import Count, Min
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.dashboard import Duty, DutyCount, register_duty

from .stage_filings import stage_filings_to_receive
from .workflows import RECEIVE_STAGE


def stages_to_receive(user, today: datetime.date) -> DutyCount:
    counts = stage_filings_to_receive(user).aggregate(n=Count("pk"), first=Min("sent_at"))
    first = counts["first"]
    return DutyCount(counts["n"], first.date() if first else None)


register_duty(
    Duty(
        key="votes.stages_to_receive",
        label=_("待签收的表决公告备案"),
        permission=RECEIVE_STAGE,
        count=stages_to_receive,
        url=lambda: reverse("votes_vote:stage_filings"),
        order=32,
    )
)
