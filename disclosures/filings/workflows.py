"""The filing and regular-report workflows (DOMAIN §11), declared as data on the shared
mechanism in :mod:`common.transitions`: nothing else assigns these status fields.

Filing:  draft → submitted (committee) → approved / returned (community party
         organisation) → accepted (street, with its receipt number); a returned filing is
         revised and submitted again; withdrawn by the committee before the street has it.
Report:  pending → submitted (committee) → approved / returned (community); a returned
         report is submitted again.

Committee members hold a view grant over their own compound (estates.roles), so their
verbs need the view level; community and street officers act with a manage grant.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.jurisdiction import MANAGE, VIEW
from common.transitions import Transition, Workflow

from .choices import AMOUNT_MATTERS, FilingStatus, ReportStatus, ScopeKind

PREPARE_FILING = "filings.prepare_filing"
REVIEW_FILING = "filings.review_filing"
ACCEPT_FILING = "filings.accept_filing"
VIEW_FILING = "filings.view_filing"
PREPARE_REPORT = "filings.prepare_regularreport"
REVIEW_REPORT = "filings.review_regularreport"
VIEW_REPORT = "filings.view_regularreport"

MSG_PROPOSAL_REQUIRED = _("请填写方案内容。")
MSG_AMOUNT_REQUIRED = _("“%(matter)s”须填写金额。")
MSG_BUILDINGS_REQUIRED = _("表决范围为部分楼栋时，须选择楼栋。")
MSG_SCOPE_NOTE_REQUIRED = _("表决范围为维修资金列支范围时，须写明列支范围。")
MSG_TOO_LATE = _(
    "计划表决日期为%(vote)s，街道须在表决前至少%(days)s天接收报备，"
    "请将计划表决日期改为%(earliest)s或以后。"
)
MSG_REPORT_EMPTY = _("请填写报告内容或上传报告文件。")
MSG_INACTIVE_COMMITTEE = _("该委员会已不在任，不能提交报备。")


def _guard_submit(filing, actor) -> None:
    """A filing the community can judge: a proposal, the amount of a money matter, a
    scope it can check (DOMAIN 1.7), and a vote date the notice period can still reach
    (DOMAIN 11.2: accepted at least N days before the vote)."""
    from .rules import filing_rules_for

    if not filing.committee.is_active:
        raise ValidationError(MSG_INACTIVE_COMMITTEE, code="inactive_committee")
    if not filing.proposal.strip():
        raise ValidationError(MSG_PROPOSAL_REQUIRED, code="proposal_required")
    if filing.matter_type in AMOUNT_MATTERS and filing.amount is None:
        raise ValidationError(
            MSG_AMOUNT_REQUIRED,
            code="amount_required",
            params={"matter": filing.get_matter_type_display()},
        )
    if filing.scope_kind == ScopeKind.BUILDINGS and not filing.scope_buildings.exists():
        raise ValidationError(MSG_BUILDINGS_REQUIRED, code="buildings_required")
    if filing.scope_kind == ScopeKind.COST_SHARING and not filing.scope_note.strip():
        raise ValidationError(MSG_SCOPE_NOTE_REQUIRED, code="scope_note_required")
    rules = filing_rules_for(filing.compound)
    earliest = rules.earliest_vote_on(timezone.localdate())
    if filing.planned_vote_on < earliest:
        raise ValidationError(
            MSG_TOO_LATE,
            code="too_late",
            params={
                "vote": f"{filing.planned_vote_on:%Y-%m-%d}",
                "days": rules.notice_days,
                "earliest": f"{earliest:%Y-%m-%d}",
            },
        )


def _guard_report(report, actor) -> None:
    if not report.content.strip() and report.document_id is None:
        raise ValidationError(MSG_REPORT_EMPTY, code="report_empty")


F = FilingStatus
FILING_WORKFLOW = Workflow(
    model="filings.Filing",
    states=FilingStatus,
    initial=F.DRAFT,
    transitions=[
        Transition(
            "submit",
            (F.DRAFT, F.RETURNED),
            F.SUBMITTED,
            _("提交报备"),
            PREPARE_FILING,
            VIEW,
            guard=_guard_submit,
        ),
        Transition("approve", (F.SUBMITTED,), F.APPROVED, _("社区同意"), REVIEW_FILING, MANAGE),
        Transition(
            "return",
            (F.SUBMITTED,),
            F.RETURNED,
            _("退回修改"),
            REVIEW_FILING,
            MANAGE,
            requires_reason=True,
        ),
        Transition(
            "accept", (F.APPROVED,), F.ACCEPTED, _("街道接收并出具回执"), ACCEPT_FILING, MANAGE
        ),
        Transition(
            "withdraw",
            (F.DRAFT, F.SUBMITTED, F.RETURNED),
            F.WITHDRAWN,
            _("撤回报备"),
            PREPARE_FILING,
            VIEW,
            requires_reason=True,
        ),
    ],
)

R = ReportStatus
REPORT_WORKFLOW = Workflow(
    model="filings.RegularReport",
    states=ReportStatus,
    initial=R.PENDING,
    transitions=[
        Transition(
            "submit",
            (R.PENDING, R.RETURNED),
            R.SUBMITTED,
            _("提交定期报告"),
            PREPARE_REPORT,
            VIEW,
            guard=_guard_report,
        ),
        Transition("approve", (R.SUBMITTED,), R.APPROVED, _("审阅通过"), REVIEW_REPORT, MANAGE),
        Transition(
            "return",
            (R.SUBMITTED,),
            R.RETURNED,
            _("退回报告"),
            REVIEW_REPORT,
            MANAGE,
            requires_reason=True,
        ),
    ],
)

WORKFLOWS = (FILING_WORKFLOW, REPORT_WORKFLOW)
