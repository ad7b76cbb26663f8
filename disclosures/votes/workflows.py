"""The vote workflow on the shared mechanism (:mod:`common.transitions`):

draft → open (the electorate is frozen) → closed → counted; cancel from draft or open.
Publication (issue item 6) is a second workflow on the vote's ``publication`` field:
none → notice → preliminary (the objection window opens) → final; objections have their
own small workflow, lodged → answered.
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

from .choices import ObjectionStatus, PublicationStage, StageFilingStatus, VoteStatus

MANAGE_VOTE = "votes.manage_vote"
ENTER_BALLOT = "votes.enter_ballot"

MSG_FILING_NOT_ACCEPTED = _("该事项的报备尚未经街道接收，不能开启表决。")
MSG_FILING_OTHER_COMPOUND = _("报备与表决不属于同一小区。")
MSG_TOO_EARLY = _(
    "报备于%(accepted)s由街道接收，须满%(days)d天后才能开启表决，最早可于%(earliest)s开始。"
)
MSG_PERIOD_OVER = _("表决截止日期%(ends)s已过，不能开启表决。")
MSG_UNCONFIRMED = _("还有%(count)d张表决票未经第二人复核，暂不能计票。")
MSG_NOTICE_NOT_OPEN = _("表决尚未开启（表决业主名册未冻结），不能发布表决公告。")
MSG_NOT_COUNTED = _("表决尚未计票，不能公布结果。")
MSG_WINDOW_RUNNING = _("异议期至%(until)s截止，期满后才能公布最终结果。")
MSG_OBJECTIONS_OPEN = _("还有%(count)d件异议未答复，答复后才能公布最终结果。")
MSG_ANSWER_REQUIRED = _("答复异议须填写答复内容。")
MSG_NO_CANDIDATES_LEFT = _("该选举表决的候选人均已退出，不能开启表决；请取消该表决。")


def _guard_open(vote, actor) -> None:
    """DOMAIN 11.2: a vote opens only for a filing the street has accepted, at least the
    local number of days after acceptance (calendar days, receipt day excluded, 1.10)."""
    filing = vote.filing
    # An election vote whose candidates all withdrew while it was a draft
    # (disclosures.votes.withdrawals) has no one left to vote on (DOMAIN 2.4).
    if vote.election_id is not None and not vote.items.exists():
        raise ValidationError(MSG_NO_CANDIDATES_LEFT, code="no_candidates_left")
    if filing.compound_id != vote.compound_id:
        raise ValidationError(MSG_FILING_OTHER_COMPOUND, code="filing_other_compound")
    if filing.status != FilingStatus.ACCEPTED or filing.accepted_on is None:
        raise ValidationError(MSG_FILING_NOT_ACCEPTED, code="filing_not_accepted")
    rules = filing_rules_for(vote.compound)
    earliest = rules.earliest_vote_on(filing.accepted_on)
    # The day of opening as the service sets it (its ``at``, default now).
    today = timezone.localdate(vote.opened_at)
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


def _guard_notice(vote, actor) -> None:
    """The notice states the frozen electorate's totals, so the vote must be open."""
    if vote.status == VoteStatus.DRAFT or vote.electorate_heads is None:
        raise ValidationError(MSG_NOTICE_NOT_OPEN, code="not_opened")
    if vote.status == VoteStatus.CANCELLED:
        raise ValidationError(MSG_NOTICE_NOT_OPEN, code="cancelled")


def _guard_preliminary(vote, actor) -> None:
    if vote.status != VoteStatus.COUNTED or not vote.result:
        raise ValidationError(MSG_NOT_COUNTED, code="not_counted")


def _guard_final(vote, actor) -> None:
    """The final result follows the whole objection window (calendar days, the day of
    publication excluded, moved off a rest day: DOMAIN 1.10) and an answer to every
    objection."""
    _guard_preliminary(vote, actor)
    today = timezone.localdate(vote.final_published_at)  # as the service sets it
    if vote.objections_until is None or today <= vote.objections_until:
        raise ValidationError(
            MSG_WINDOW_RUNNING,
            code="window_running",
            params={"until": f"{vote.objections_until:%Y-%m-%d}" if vote.objections_until else ""},
        )
    pending = vote.objections.filter(status=ObjectionStatus.LODGED).count()
    if pending:
        raise ValidationError(
            MSG_OBJECTIONS_OPEN, code="objections_open", params={"count": pending}
        )


def _guard_answer(objection, actor) -> None:
    if not objection.answer.strip():
        raise ValidationError(MSG_ANSWER_REQUIRED, code="answer_required")


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
P = PublicationStage
PUBLICATION_WORKFLOW = Workflow(
    model="votes.Vote",
    states=PublicationStage,
    initial=P.NONE,
    status_field="publication",
    transitions=[
        Transition(
            "publish_notice",
            (P.NONE,),
            P.NOTICE,
            _("发布表决公告"),
            MANAGE_VOTE,
            VIEW,
            guard=_guard_notice,
        ),
        Transition(
            "publish_preliminary",
            (P.NOTICE,),
            P.PRELIMINARY,
            _("公布初步结果"),
            MANAGE_VOTE,
            VIEW,
            guard=_guard_preliminary,
        ),
        Transition(
            "publish_final",
            (P.PRELIMINARY,),
            P.FINAL,
            _("公布最终结果"),
            MANAGE_VOTE,
            VIEW,
            guard=_guard_final,
        ),
    ],
)
OS = ObjectionStatus
OBJECTION_WORKFLOW = Workflow(
    model="votes.Objection",
    states=ObjectionStatus,
    initial=OS.LODGED,
    transitions=[
        Transition(
            "answer",
            (OS.LODGED,),
            OS.ANSWERED,
            _("答复异议"),
            MANAGE_VOTE,
            VIEW,
            guard=_guard_answer,
        ),
    ],
)
# Each published stage is filed back with the street (issue item 6), whose filing desk
# (the permission that accepts filings) signs for it.
RECEIVE_STAGE = "filings.accept_filing"
SF = StageFilingStatus
STAGE_FILING_WORKFLOW = Workflow(
    model="votes.StageFiling",
    states=StageFilingStatus,
    initial=SF.SENT,
    transitions=[
        Transition("receive", (SF.SENT,), SF.RECEIVED, _("街道签收表决公告备案"), RECEIVE_STAGE),
    ],
)
WORKFLOWS = (VOTE_WORKFLOW, PUBLICATION_WORKFLOW, OBJECTION_WORKFLOW, STAGE_FILING_WORKFLOW)
