"""The vote workflow on the shared mechanism (:mod:`common.transitions`):

draft → open (the electorate is frozen) → closed → counted; cancel from draft or open.
Committee members hold a view grant over their compound, so the verbs need the view
level plus the role's permission.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.jurisdiction import VIEW
from common.transitions import Transition, Workflow
from disclosures.filings.choices import FilingStatus
from disclosures.filings.rules import filing_rules_for

from .choices import VoteStatus

MANAGE_VOTE = "votes.manage_vote"
ENTER_BALLOT = "votes.enter_ballot"

MSG_FILING_NOT_ACCEPTED = _("该事项的报备尚未经街道接收，不能开启表决。")
MSG_FILING_OTHER_COMPOUND = _("报备与表决不属于同一小区。")
MSG_TOO_EARLY = _(
    "报备于%(accepted)s由街道接收，须满%(days)d天后才能开启表决，最早可于%(earliest)s开始。"
)
MSG_PERIOD_OVER = _("表决截止日期%(ends)s已过，不能开启表决。")
MSG_UNCONFIRMED = _("还有%(count)d张表决票未经第二人复核，暂不能计票。")


def _guard_open(vote, actor) -> None:
    """DOMAIN 11.2: a vote opens only for a filing the street has accepted, at least the
    local number of days after acceptance (calendar days, receipt day excluded, 1.10)."""
    filing = vote.filing
    if filing.compound_id != vote.compound_id:
        raise ValidationError(MSG_FILING_OTHER_COMPOUND, code="filing_other_compound")
    if filing.status != FilingStatus.ACCEPTED or filing.accepted_on is None:
        raise ValidationError(MSG_FILING_NOT_ACCEPTED, code="filing_not_accepted")
    rules = filing_rules_for(vote.compound)
    earliest = rules.earliest_vote_on(filing.accepted_on)
    today = timezone.localdate()
    if today < earliest or vote.starts_on < earliest:
        raise ValidationError(
            MSG_TOO_EARLY,
            code="too_early",
            params={
                "accepted": f"{filing.accepted_on:%Y-%m-%d}",
                "days": rules.notice_days,
                "earliest": f"{earliest:%Y-%m-%d}",
            },
        )
    if vote.ends_on < today:
        raise ValidationError(
            MSG_PERIOD_OVER, code="period_over", params={"ends": f"{vote.ends_on:%Y-%m-%d}"}
        )


def _guard_count(vote, actor) -> None:
    """Four eyes: every ballot entered has been checked (confirmed or rejected)."""
    pending = vote.ballots.filter(
        voided=False, batch__confirmed_at__isnull=True, batch__rejected_at__isnull=True
    ).count()
    if pending:
        raise ValidationError(MSG_UNCONFIRMED, code="unconfirmed", params={"count": pending})


S = VoteStatus
VOTE_WORKFLOW = Workflow(
    model="votes.Vote",
    states=VoteStatus,
    initial=S.DRAFT,
    transitions=[
        Transition("open", (S.DRAFT,), S.OPEN, _("开启表决"), MANAGE_VOTE, VIEW, guard=_guard_open),
        Transition("close", (S.OPEN,), S.CLOSED, _("截止表决"), MANAGE_VOTE, VIEW),
        Transition(
            "count", (S.CLOSED,), S.COUNTED, _("计票"), MANAGE_VOTE, VIEW, guard=_guard_count
        ),
        Transition(
            "cancel",
            (S.DRAFT, S.OPEN),
            S.CANCELLED,
            _("取消表决"),
            MANAGE_VOTE,
            VIEW,
            requires_reason=True,
        ),
    ],
)
WORKFLOWS = (VOTE_WORKFLOW,)
