"""JSON API for major-decision filings and regular reports (DOMAIN §11), mounted by
config.api under /api/registry/filings/.

Same conventions as the other registry routers: session, Wagtail token or basic auth; the
role's permission (403 otherwise); everything fetched through ``common.access`` so a record
outside the caller's jurisdiction answers 404 like a missing one; state changes through the
services and so the shared transition mechanism (a refused verb 409, a refused actor 403,
bad input 400, each with its Chinese message).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from committees.models import Committee
from common.access import MSG_NOT_FOUND, fetch, require_role, scoped
from common.api_auth import REGISTRY_AUTH
from common.files import documents_visible_to
from common.jurisdiction import VIEW
from estates.api import MAX_PAGE_SIZE, PAGE_SIZE, BoundedPagination
from estates.models import Building, Compound

from . import selectors, services
from .choices import FilingStatus, MatterType, ReportStatus, ScopeKind
from .rules import filing_rules_for
from .workflows import (
    ACCEPT_FILING,
    PREPARE_FILING,
    PREPARE_REPORT,
    REVIEW_FILING,
    REVIEW_REPORT,
    VIEW_FILING,
    VIEW_REPORT,
)

MSG_UNKNOWN_STATUS = _("未知的状态。")
MSG_UNKNOWN_BUILDING = _("楼栋不存在或不属于该小区。")

router = Router(tags=["filings"], auth=REGISTRY_AUTH)


class VersionOut(Schema):
    number: int
    submitted_at: datetime
    title: str
    proposal: str
    amount: Decimal | None
    planned_vote_on: date
    scope_kind: str
    scope_note: str
    scope_buildings: list[str]
    documents: list[dict]


class ReviewOut(Schema):
    version: int = Field(..., alias="version.number")
    decision: str
    decision_label: str = Field(..., alias="get_decision_display")
    reason: str
    reviewed_at: datetime
    due_on: date


class FilingOut(Schema):
    id: int
    compound_id: int
    compound: str = Field(..., alias="compound.name")
    committee_id: int
    street: str = Field(..., alias="street.name")
    matter_type: str
    matter_type_label: str = Field(..., alias="get_matter_type_display")
    title: str
    proposal: str
    amount: Decimal | None
    planned_vote_on: date
    scope_kind: str
    scope_note: str
    status: str
    status_label: str = Field(..., alias="get_status_display")
    version: int
    submitted_at: datetime | None
    review_due_on: date | None
    return_reason: str
    accepted_on: date | None
    receipt_number: str


class DocumentOut(Schema):
    id: int
    title: str
    document_id: int | None


class FilingDetailOut(FilingOut):
    documents: list[DocumentOut]
    versions: list[VersionOut]
    reviews: list[ReviewOut]
    # DOMAIN 11.2: the first day the vote may open (once the street has the filing), and
    # whether the matter needs a filing at all (a maintenance-fund use below the region's
    # "large" amount does not).
    earliest_vote_on: date | None
    filing_required: bool

    @staticmethod
    def resolve_earliest_vote_on(obj):
        if obj.accepted_on is None:
            return None
        return filing_rules_for(obj.compound).earliest_vote_on(obj.accepted_on)

    @staticmethod
    def resolve_filing_required(obj):
        return filing_rules_for(obj.compound).filing_required(obj.matter_type, obj.amount)

    @staticmethod
    def resolve_documents(obj):
        return list(obj.documents.order_by("pk"))

    @staticmethod
    def resolve_versions(obj):
        return list(obj.versions.order_by("number"))

    @staticmethod
    def resolve_reviews(obj):
        return list(obj.reviews.select_related("version").order_by("reviewed_at"))


class FilingIn(Schema):
    committee_id: int
    matter_type: MatterType
    title: str
    proposal: str
    planned_vote_on: date
    amount: Decimal | None = None
    scope_kind: ScopeKind = ScopeKind.COMPOUND
    scope_note: str = ""
    building_ids: list[int] = []


class FilingPatch(Schema):
    matter_type: MatterType | None = None
    title: str | None = None
    proposal: str | None = None
    planned_vote_on: date | None = None
    amount: Decimal | None = None
    scope_kind: ScopeKind | None = None
    scope_note: str | None = None
    building_ids: list[int] | None = None


class DocumentIn(Schema):
    title: str
    document_id: int


class ReasonIn(Schema):
    reason: str = ""


class ReportOut(Schema):
    id: int
    compound_id: int
    compound: str = Field(..., alias="compound.name")
    committee_id: int
    period_start: date
    period_end: date
    due_on: date
    status: str
    status_label: str = Field(..., alias="get_status_display")
    content: str
    submitted_at: datetime | None
    reviewed_at: datetime | None
    review_note: str


class ReportIn(Schema):
    content: str


def _buildings(user, compound_id: int, ids: list[int]) -> list[Building]:
    found = list(
        scoped(Building, user=user, level=VIEW).filter(compound_id=compound_id, pk__in=ids)
    )
    if len(found) != len(set(ids)):
        raise HttpError(400, str(MSG_UNKNOWN_BUILDING))
    return found


def _detail(user, pk: int):
    return selectors.filing_get(user=user, pk=pk)


# ------------------------------------------------------------------ filings


@router.get("/", response=list[FilingOut], summary="辖区重大事项报备")
@paginate(BoundedPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def filing_list(request: HttpRequest, status: str | None = None, compound_id: int | None = None):
    require_role(request.user, VIEW_FILING)
    filings = selectors.filing_list_visible_to(user=request.user).order_by("-created_at", "-pk")
    if status:
        if status not in FilingStatus.values:
            raise HttpError(422, str(MSG_UNKNOWN_STATUS))
        filings = filings.filter(status=status)
    if compound_id is not None:
        # Another jurisdiction's compound answers 404, as a missing one does.
        filings = filings.filter(compound=fetch(Compound, user=request.user, pk=compound_id))
    return filings


@router.get("/queue/", response=list[FilingOut], summary="待社区审核的报备")
def filing_queue(request: HttpRequest):
    """The community officer's queue, the nearest review deadline first."""
    require_role(request.user, REVIEW_FILING)
    return list(selectors.filing_review_queue(user=request.user).select_related("street"))


@router.get("/overdue/", response=list[FilingOut], summary="逾期未审核的报备")
def filing_overdue(request: HttpRequest):
    require_role(request.user, VIEW_FILING)
    return list(selectors.filings_review_overdue(user=request.user).select_related("street"))


@router.post("/", response={201: FilingDetailOut}, summary="起草报备")
def filing_create(request: HttpRequest, payload: FilingIn):
    require_role(request.user, PREPARE_FILING)
    committee = fetch(Committee, user=request.user, pk=payload.committee_id)
    filing = services.filing_create(
        actor=request.user,
        committee=committee,
        matter_type=payload.matter_type,
        title=payload.title,
        proposal=payload.proposal,
        planned_vote_on=payload.planned_vote_on,
        amount=payload.amount,
        scope_kind=payload.scope_kind,
        scope_note=payload.scope_note,
        buildings=_buildings(request.user, committee.compound_id, payload.building_ids),
    )
    return Status(201, _detail(request.user, filing.pk))


@router.get("/{int:filing_id}/", response=FilingDetailOut, summary="报备详情")
def filing_detail(request: HttpRequest, filing_id: int):
    require_role(request.user, VIEW_FILING)
    return _detail(request.user, filing_id)


@router.patch("/{int:filing_id}/", response=FilingDetailOut, summary="修改报备")
def filing_update(request: HttpRequest, filing_id: int, payload: FilingPatch):
    require_role(request.user, PREPARE_FILING)
    filing = _detail(request.user, filing_id)
    fields = payload.dict(exclude_unset=True)
    building_ids = fields.pop("building_ids", None)
    buildings = (
        None if building_ids is None else _buildings(request.user, filing.compound_id, building_ids)
    )
    services.filing_update(filing=filing, actor=request.user, buildings=buildings, **fields)
    return _detail(request.user, filing_id)


@router.post("/{int:filing_id}/documents", response=FilingDetailOut, summary="添加报备材料")
def filing_document_add(request: HttpRequest, filing_id: int, payload: DocumentIn):
    """Attach a Wagtail document the caller may read (their own upload, or one already
    linked in their jurisdiction); any other id answers 404."""
    require_role(request.user, PREPARE_FILING)
    filing = _detail(request.user, filing_id)
    document = documents_visible_to(request.user).filter(pk__in=[payload.document_id]).first()
    if document is None:
        raise Http404(MSG_NOT_FOUND)
    services.filing_document_add(
        filing=filing, actor=request.user, title=payload.title, document=document
    )
    return _detail(request.user, filing_id)


@router.post("/{int:filing_id}/submit", response=FilingDetailOut, summary="提交报备")
def filing_submit(request: HttpRequest, filing_id: int):
    require_role(request.user, PREPARE_FILING)
    services.filing_submit(filing=_detail(request.user, filing_id), actor=request.user)
    return _detail(request.user, filing_id)


@router.post("/{int:filing_id}/approve", response=FilingDetailOut, summary="社区同意")
def filing_approve(request: HttpRequest, filing_id: int, payload: ReasonIn):
    require_role(request.user, REVIEW_FILING)
    services.filing_approve(
        filing=_detail(request.user, filing_id), actor=request.user, note=payload.reason
    )
    return _detail(request.user, filing_id)


@router.post("/{int:filing_id}/return", response=FilingDetailOut, summary="退回修改")
def filing_return(request: HttpRequest, filing_id: int, payload: ReasonIn):
    require_role(request.user, REVIEW_FILING)
    services.filing_return(
        filing=_detail(request.user, filing_id), actor=request.user, reason=payload.reason
    )
    return _detail(request.user, filing_id)


@router.post("/{int:filing_id}/accept", response=FilingDetailOut, summary="街道接收并出具回执")
def filing_accept(request: HttpRequest, filing_id: int):
    require_role(request.user, ACCEPT_FILING)
    services.filing_accept(filing=_detail(request.user, filing_id), actor=request.user)
    return _detail(request.user, filing_id)


@router.post("/{int:filing_id}/withdraw", response=FilingDetailOut, summary="撤回报备")
def filing_withdraw(request: HttpRequest, filing_id: int, payload: ReasonIn):
    require_role(request.user, PREPARE_FILING)
    services.filing_withdraw(
        filing=_detail(request.user, filing_id), actor=request.user, reason=payload.reason
    )
    return _detail(request.user, filing_id)


# ------------------------------------------------------------------ regular reports


@router.get("/reports/", response=list[ReportOut], summary="定期报告")
@paginate(BoundedPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def report_list(request: HttpRequest, status: str | None = None):
    require_role(request.user, VIEW_REPORT)
    reports = selectors.report_list_visible_to(user=request.user).order_by("-period_start", "pk")
    if status:
        if status not in ReportStatus.values:
            raise HttpError(422, str(MSG_UNKNOWN_STATUS))
        reports = reports.filter(status=status)
    return reports


@router.get("/reports/overdue/", response=list[ReportOut], summary="逾期未提交的定期报告")
def report_overdue(request: HttpRequest):
    require_role(request.user, VIEW_REPORT)
    return list(selectors.reports_overdue(user=request.user))


@router.get("/reports/{int:report_id}/", response=ReportOut, summary="定期报告详情")
def report_detail(request: HttpRequest, report_id: int):
    require_role(request.user, VIEW_REPORT)
    return selectors.report_get(user=request.user, pk=report_id)


@router.post("/reports/{int:report_id}/submit", response=ReportOut, summary="提交定期报告")
def report_submit(request: HttpRequest, report_id: int, payload: ReportIn):
    require_role(request.user, PREPARE_REPORT)
    report = selectors.report_get(user=request.user, pk=report_id)
    services.report_submit(report=report, actor=request.user, content=payload.content)
    return report


@router.post("/reports/{int:report_id}/approve", response=ReportOut, summary="审阅通过")
def report_approve(request: HttpRequest, report_id: int, payload: ReasonIn):
    require_role(request.user, REVIEW_REPORT)
    report = selectors.report_get(user=request.user, pk=report_id)
    services.report_approve(report=report, actor=request.user, note=payload.reason)
    return report


@router.post("/reports/{int:report_id}/return", response=ReportOut, summary="退回报告")
def report_return(request: HttpRequest, report_id: int, payload: ReasonIn):
    require_role(request.user, REVIEW_REPORT)
    report = selectors.report_get(user=request.user, pk=report_id)
    services.report_return(report=report, actor=request.user, reason=payload.reason)
    return report
