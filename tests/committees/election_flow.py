"""Shared steps of the election flow tests (admin, API, notice): vet the candidates of
review_setup's election so that every department passes them, and a valid candidate
notice (DOMAIN 2.4: the election at least 15 days after the notice starts)."""

from __future__ import annotations

import datetime

from django.utils import timezone

from committees.elections.services import elections as svc
from committees.models import Candidate
from tests.committees.test_elections_services import answer_all

NOTICE_FROM = datetime.date(2026, 3, 20)


def notice_data(**overrides) -> dict:
    data = {
        "notice_from": NOTICE_FROM,
        "notice_until": NOTICE_FROM + datetime.timedelta(days=7),
        "planned_on": NOTICE_FROM + datetime.timedelta(days=20),
        "issued_by": "开化街道党工委",
        "objection_place": "开化社区党群服务中心二楼",
        "objection_phone": "0876-2123456",
        "objection_until": NOTICE_FROM + datetime.timedelta(days=7),
    }
    data.update(overrides)
    return data


def as_post(data: dict) -> dict:
    return {k: v.isoformat() if isinstance(v, datetime.date) else v for k, v in data.items()}


def vet_all(v) -> None:
    """Start the review, every department passes every candidate, conclude them."""
    svc.election_start_vetting(election=v.election, actor=v.street_staff)
    for candidate in v.candidates:
        answer_all(v, candidate)
    svc.candidates_conclude_bulk(
        candidates=list(Candidate.objects.filter(election=v.election)),
        actor=v.street_staff,
        on=timezone.localdate(),
    )
