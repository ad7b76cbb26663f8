"""Filing each published stage of a vote back with the street (issue item 6; DOMAIN
§11): publishing the vote notice, the preliminary result or the final result sends the
street a filing of that stage, which the street's filing desk signs for. The street sees
what is waiting on its dashboard; the committee and the community see when each stage
was signed for."""

from __future__ import annotations

from datetime import datetime

from django.db.models import QuerySet
from django.utils import timezone

from common.access import scoped
from common.jurisdiction import MANAGE

from .choices import StageFilingStatus
from .models import StageFiling, Vote
from .workflows import RECEIVE_STAGE, STAGE_FILING_WORKFLOW


def stage_file(*, vote: Vote, stage: str, at: datetime | None = None) -> StageFiling:
    """Send the street the filing of a stage just published (inside the publishing
    transaction, so a refused publication files nothing)."""
    filing, _created = StageFiling.objects.get_or_create(
        vote=vote, stage=stage, defaults={"sent_at": at or timezone.now()}
    )
    return filing


def stage_filing_receive(*, filing: StageFiling, actor, at: datetime | None = None) -> StageFiling:
    """The street signs for a stage's filing; a second signature is refused."""
    now = at or timezone.now()
    return STAGE_FILING_WORKFLOW.fire(
        filing,
        "receive",
        actor=actor,
        changes={"received_at": now, "received_by": actor},
        data={"vote": filing.vote_id, "stage": filing.stage},
        at=now,
    )


def stage_filings_to_receive(user) -> QuerySet[StageFiling]:
    """The stage filings waiting for this user's street, oldest first."""
    if not user.is_active or not user.has_perm(RECEIVE_STAGE):
        return StageFiling.objects.none()
    return (
        scoped(StageFiling, user=user, level=MANAGE)
        .filter(status=StageFilingStatus.SENT)
        .select_related("vote", "vote__compound")
        .order_by("sent_at", "pk")
    )
