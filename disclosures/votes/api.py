"""JSON API for owners' votes and their ballots (DOMAIN §1), mounted by config.api under
/api/registry/votes/.

The registry routers' conventions: session, Wagtail token or basic auth; the role's
permission (403 otherwise); everything fetched through ``common.access`` so a vote outside
the caller's jurisdiction answers 404 like a missing one; state changes through the
services and so the shared transition mechanism (a refused verb 409, a refused actor 403,
bad input 400, each with its Chinese message).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import Field, File, Query, Router, Schema
from ninja.errors import HttpError
from ninja.files import UploadedFile
from ninja.pagination import paginate
from ninja.responses import Status

from committees.models import Election
from common.access import MSG_NOT_FOUND, fetch, require_role, scoped
from common.api_auth import REGISTRY_AUTH
from common.files import documents_visible_to
from common.jurisdiction import VIEW
from common.security import client_ip
from disclosures.filings.models import Filing
from estates.api import MAX_PAGE_SIZE, PAGE_SIZE, BoundedPagination
from estates.importing import RegistryFileError, read_upload
from estates.models import Building, Unit

from . import elections, pdf, publication, services
from .choices import BallotChoice, VoteStatus
from .importing import BallotImportError, ballots_import
from .models import Ballot, BallotBatch, Objection, Vote
from .selectors import vote_result, vote_tally, votes_visible_to
from .workflows import ENTER_BALLOT, MANAGE_VOTE

VIEW_VOTE = "votes.view_vote"
VIEW_BALLOT = "votes.view_ballot"

MSG_UNKNOWN_STATUS = _("未知的状态。")
MSG_UNKNOWN_BUILDING = _("楼栋不存在或不属于该小区。")
MSG_UNKNOWN_UNIT = _("房屋不存在或不属于该小区。")
MSG_NOT_OPENED = _("该表决尚未开启，没有表决业主名册。")
MSG_SHEETS_PENDING = _("表决票正在后台生成，请稍后再试。")

# The largest id a database row can have (a bigger one would overflow the query).
MAX_ID = 2**63 - 1

router = Router(tags=["votes"], auth=REGISTRY_AUTH)


class VoteOut(Schema):
    id: int
    compound_id: int
    compound: str = Field(..., alias="compound.name")
    filing_id: int
    receipt_number: str = Field(..., alias="filing.receipt_number")
    title: str
    matter_type: str
    matter_type_label: str = Field(..., alias="get_matter_type_display")
    scope_kind: str
    scope_kind_label: str = Field(..., alias="get_scope_kind_display")
    starts_on: date
    ends_on: date
    status: str
    status_label: str = Field(..., alias="get_status_display")
    silent_with_majority: bool
    electorate_heads: int | None
    electorate_area: Decimal | None
    opened_at: datetime | None
    counted_at: datetime | None
    publication: str
    publication_label: str = Field(..., alias="get_publication_display")
    notice_published_at: datetime | None
    preliminary_published_at: datetime | None
    objections_until: date | None
    final_published_at: datetime | None
    election_id: int | None
    tie_rule: str


class VoteIn(Schema):
    filing_id: int
    # An election of committee members held as this vote (disclosures.votes.elections).
    election_id: int | None = Field(None, ge=1, le=2**63 - 1)
    title: str = ""
    starts_on: date
    ends_on: date
    building_ids: list[int] | None = None
    unit_ids: list[int] = []


class ReasonIn(Schema):
    reason: str = ""


class ScanIn(Schema):
    document_id: int = Field(..., ge=1, le=2**63 - 1)


class MarkOut(Schema):
    item_id: int
    name: str
    choice: str
    choice_label: str


class MarkIn(Schema):
    candidate: str = Field(..., min_length=1, max_length=50, description="候选人表决项编号或姓名")
    choice: str = Field(..., min_length=1, max_length=10, description="同意、反对或弃权")


class BallotOut(Schema):
    id: int
    building: str = Field(..., alias="entry.building_name")
    entrance: str = Field(..., alias="entry.entrance")
    room: str = Field(..., alias="entry.room")
    area: Decimal = Field(..., alias="entry.area")
    choice: str
    choice_label: str = Field(..., alias="get_choice_display")
    cast_on: date
    proxy_name: str
    source: str
    entered_by: str = Field(..., alias="entered_by.username")
    entered_at: datetime
    # An election ballot's choice on each candidate (empty for other matters).
    marks: list[MarkOut] = []

    @staticmethod
    def resolve_marks(obj):
        return [
            {
                "item_id": m.item_id,
                "name": m.item.name,
                "choice": m.choice,
                "choice_label": m.get_choice_display(),
            }
            for m in obj.marks.all()
        ]


class BallotIn(Schema):
    building: str
    entrance: str = ""
    room: str
    # Ordinary matters: the one choice. Elections: ``marks``, one per candidate.
    choice: BallotChoice | None = None
    marks: list[MarkIn] | None = Field(None, max_length=50)
    cast_on: date | None = None
    proxy_name: str = ""


class ImportOut(Schema):
    imported: int


class BatchOut(Schema):
    id: int
    source: str
    original_name: str
    entered_by: str = Field(..., alias="entered_by.username")
    created_at: datetime
    ballots: int
    confirmed_by: str | None = Field(None, alias="confirmed_by.username")
    confirmed_at: datetime | None
    rejected_at: datetime | None
    scan_id: int | None
    reject_reason: str

    @staticmethod
    def resolve_ballots(obj):
        return obj.ballots.count()


def _vote(user, vote_id: int) -> Vote:
    return fetch(votes_visible_to(user), user=user, pk=vote_id)


def _in_compound(model, user, compound_id: int, ids: list[int], message) -> list[Any]:
    found = list(scoped(model, user=user, level=VIEW).filter(compound_id=compound_id, pk__in=ids))
    if len(found) != len(set(ids)):
        raise HttpError(400, str(message))
    return found


@router.get("/", response=list[VoteOut], summary="辖区业主表决")
@paginate(BoundedPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def vote_list(
    request: HttpRequest,
    status: str | None = None,
    compound_id: int | None = Query(None, ge=1, le=MAX_ID),
):
    require_role(request.user, VIEW_VOTE)
    votes = votes_visible_to(request.user).order_by("-starts_on", "-pk")
    if status:
        if status not in VoteStatus.values:
            raise HttpError(422, str(MSG_UNKNOWN_STATUS))
        votes = votes.filter(status=status)
    if compound_id is not None:
        votes = votes.filter(compound_id=compound_id)
    return votes


@router.post("/", response={201: VoteOut}, summary="发起业主表决")
def vote_create(request: HttpRequest, payload: VoteIn):
    require_role(request.user, MANAGE_VOTE)
    filing = fetch(
        Filing.objects.select_related("compound"), user=request.user, pk=payload.filing_id
    )
    buildings = (
        None
        if payload.building_ids is None
        else _in_compound(
            Building, request.user, filing.compound_id, payload.building_ids, MSG_UNKNOWN_BUILDING
        )
    )
    units = _in_compound(Unit, request.user, filing.compound_id, payload.unit_ids, MSG_UNKNOWN_UNIT)
    if payload.election_id is not None:
        election = fetch(Election, user=request.user, pk=payload.election_id)
        vote = elections.election_vote_create(
            election=election,
            filing=filing,
            actor=request.user,
            title=payload.title,
            starts_on=payload.starts_on,
            ends_on=payload.ends_on,
        )
        return Status(201, _vote(request.user, vote.pk))
    vote = services.vote_create(
        filing=filing,
        actor=request.user,
        title=payload.title,
        starts_on=payload.starts_on,
        ends_on=payload.ends_on,
        buildings=buildings,
        units=units,
    )
    return Status(201, _vote(request.user, vote.pk))


@router.get("/{int:vote_id}/", response=VoteOut, summary="表决详情")
def vote_detail(request: HttpRequest, vote_id: int):
    require_role(request.user, VIEW_VOTE)
    return _vote(request.user, vote_id)


def _verb(request: HttpRequest, vote_id: int, action) -> Vote:
    require_role(request.user, MANAGE_VOTE)
    action(vote=_vote(request.user, vote_id), actor=request.user)
    return _vote(request.user, vote_id)


@router.post("/{int:vote_id}/open", response=VoteOut, summary="开启表决（冻结表决业主名册）")
def vote_open(request: HttpRequest, vote_id: int):
    return _verb(request, vote_id, services.vote_open)


@router.post("/{int:vote_id}/close", response=VoteOut, summary="截止表决")
def vote_close(request: HttpRequest, vote_id: int):
    return _verb(request, vote_id, services.vote_close)


@router.post("/{int:vote_id}/count", response=VoteOut, summary="计票")
def vote_count(request: HttpRequest, vote_id: int):
    return _verb(request, vote_id, services.vote_count)


@router.post("/{int:vote_id}/cancel", response=VoteOut, summary="取消表决")
def vote_cancel(request: HttpRequest, vote_id: int, payload: ReasonIn):
    require_role(request.user, MANAGE_VOTE)
    services.vote_cancel(
        vote=_vote(request.user, vote_id), actor=request.user, reason=payload.reason
    )
    return _vote(request.user, vote_id)


@router.get("/{int:vote_id}/result", response=dict, summary="计票结果（表决中为实时参与情况）")
def vote_result_view(request: HttpRequest, vote_id: int):
    """The stored result of a counted vote; while it is open, the live figures on both
    measures against the 2/3 quorum and what is still needed (DOMAIN 1.3)."""
    require_role(request.user, VIEW_VOTE)
    vote = _vote(request.user, vote_id)
    if vote.status == VoteStatus.COUNTED and vote.result:
        return {**vote.result, "status": vote.status}
    if not vote.electorate.exists():
        raise HttpError(409, str(MSG_NOT_OPENED))
    data = {**vote_result(vote, vote_tally(vote)), "status": vote.status}
    if vote.election_id:
        data["election"] = elections.election_result(vote)
    return data


@router.get("/{int:vote_id}/ballots/", response=list[BallotOut], summary="表决票")
@paginate(BoundedPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def ballot_list(request: HttpRequest, vote_id: int):
    require_role(request.user, VIEW_BALLOT)
    vote = _vote(request.user, vote_id)
    return (
        scoped(Ballot, user=request.user)
        .filter(vote=vote)
        .select_related("entry", "entered_by")
        .prefetch_related("marks__item")
        .order_by("entry__building_name", "entry__entrance", "entry__room", "pk")
    )


@router.post("/{int:vote_id}/ballots/", response={201: BallotOut}, summary="录入表决票")
def ballot_enter(request: HttpRequest, vote_id: int, payload: BallotIn):
    require_role(request.user, ENTER_BALLOT)
    vote = _vote(request.user, vote_id)
    if vote.election_id:
        ballot = elections.election_ballot_enter(
            vote=vote,
            actor=request.user,
            building=payload.building,
            entrance=payload.entrance,
            room=payload.room,
            marks={m.candidate: m.choice for m in payload.marks or ()},
            cast_on=payload.cast_on,
            proxy_name=payload.proxy_name,
        )
        return Status(201, ballot)
    ballot = services.ballot_enter(
        vote=vote,
        actor=request.user,
        building=payload.building,
        entrance=payload.entrance,
        room=payload.room,
        choice=payload.choice or "",
        cast_on=payload.cast_on,
        proxy_name=payload.proxy_name,
    )
    return Status(201, ballot)


@router.post(
    "/{int:vote_id}/ballots/import", response={201: ImportOut}, summary="导入表决票（CSV/XLSX）"
)
def ballot_import(request: HttpRequest, vote_id: int, file: File[UploadedFile]):
    """The whole file or nothing; a refusal lists every bad row (400)."""
    require_role(request.user, ENTER_BALLOT)
    vote = _vote(request.user, vote_id)
    try:
        data, name = read_upload(file)
    except RegistryFileError as error:
        raise HttpError(400, error.message) from error
    try:
        ballots = ballots_import(vote=vote, actor=request.user, data=data, name=name)
    except BallotImportError as error:
        raise HttpError(400, "；".join(error.messages)) from error
    return Status(201, {"imported": len(ballots)})


# ------------------------------------------------------------------ four eyes


def _batch(user, vote_id: int, batch_id: int) -> BallotBatch:
    vote = _vote(user, vote_id)
    return fetch(
        BallotBatch.objects.filter(vote=vote).select_related("entered_by", "confirmed_by"),
        user=user,
        pk=batch_id,
    )


@router.get("/{int:vote_id}/batches/", response=list[BatchOut], summary="表决票录入批次")
def batch_list(request: HttpRequest, vote_id: int):
    require_role(request.user, VIEW_BALLOT)
    vote = _vote(request.user, vote_id)
    return list(
        scoped(BallotBatch, user=request.user)
        .filter(vote=vote)
        .select_related("entered_by", "confirmed_by")
        .order_by("created_at", "pk")
    )


@router.post("/{int:vote_id}/batches/{int:batch_id}/confirm", response=BatchOut, summary="复核通过")
def batch_confirm(request: HttpRequest, vote_id: int, batch_id: int):
    """Four eyes: a second person confirms a batch; only then do its ballots count."""
    require_role(request.user, ENTER_BALLOT)
    batch = _batch(request.user, vote_id, batch_id)
    services.batch_confirm(batch=batch, actor=request.user)
    return _batch(request.user, vote_id, batch_id)


@router.post("/{int:vote_id}/batches/{int:batch_id}/reject", response=BatchOut, summary="复核退回")
def batch_reject(request: HttpRequest, vote_id: int, batch_id: int, payload: ReasonIn):
    require_role(request.user, ENTER_BALLOT)
    batch = _batch(request.user, vote_id, batch_id)
    services.batch_reject(batch=batch, actor=request.user, reason=payload.reason)
    return _batch(request.user, vote_id, batch_id)


@router.post(
    "/{int:vote_id}/batches/{int:batch_id}/scan", response=BatchOut, summary="附上表决票扫描件"
)
def batch_scan(request: HttpRequest, vote_id: int, batch_id: int, payload: ScanIn):
    """Attach the scan of the batch's paper ballots: a document the caller may read."""
    require_role(request.user, ENTER_BALLOT)
    batch = _batch(request.user, vote_id, batch_id)
    # Documents have no jurisdiction of their own: the ones the caller may read are those
    # linked from records in their jurisdiction, or their own unlinked uploads.
    document = documents_visible_to(request.user).filter(pk__in=[payload.document_id]).first()
    if document is None:
        raise Http404(MSG_NOT_FOUND)
    services.batch_attach_scan(batch=batch, actor=request.user, document=document)
    return _batch(request.user, vote_id, batch_id)


# ------------------------------------------------------------------ publication


class ObjectionOut(Schema):
    id: int
    unit: str | None
    lodged_by_name: str
    content: str
    lodged_on: date
    status: str
    status_label: str = Field(..., alias="get_status_display")
    answer: str
    answered_at: datetime | None

    @staticmethod
    def resolve_unit(obj):
        return str(obj.entry) if obj.entry_id else None


class ObjectionIn(Schema):
    lodged_by_name: str
    content: str
    entry_id: int | None = Field(None, ge=1, le=MAX_ID)
    lodged_on: date | None = None


class AnswerIn(Schema):
    answer: str = ""


class CheckIn(Schema):
    building: str = Field(..., max_length=50)
    entrance: str = Field("", max_length=20)
    room: str = Field(..., max_length=20)
    code: str = Field(..., max_length=20)


class CheckOut(Schema):
    found: bool
    message: str
    unit: str
    choice: str


@router.post("/{int:vote_id}/publish/notice", response=VoteOut, summary="发布表决公告")
def publish_notice(request: HttpRequest, vote_id: int):
    return _verb(request, vote_id, publication.publish_notice)


@router.post("/{int:vote_id}/publish/preliminary", response=VoteOut, summary="公布初步结果")
def publish_preliminary(request: HttpRequest, vote_id: int):
    """Opens the objection window (the region's number of days, default 7)."""
    return _verb(request, vote_id, publication.publish_preliminary)


@router.post("/{int:vote_id}/publish/final", response=VoteOut, summary="公布最终结果")
def publish_final(request: HttpRequest, vote_id: int):
    return _verb(request, vote_id, publication.publish_final)


@router.get("/{int:vote_id}/objections/", response=list[ObjectionOut], summary="表决结果异议")
def objection_list(request: HttpRequest, vote_id: int):
    require_role(request.user, VIEW_VOTE)
    vote = _vote(request.user, vote_id)
    return list(
        scoped(Objection, user=request.user)
        .filter(vote=vote)
        .select_related("entry")
        .order_by("lodged_on", "pk")
    )


@router.post("/{int:vote_id}/objections/", response={201: ObjectionOut}, summary="登记异议")
def objection_lodge(request: HttpRequest, vote_id: int, payload: ObjectionIn):
    require_role(request.user, MANAGE_VOTE)
    vote = _vote(request.user, vote_id)
    entry = None
    if payload.entry_id is not None:
        entry = publication.electorate_entry(vote, payload.entry_id)
        if entry is None:
            raise HttpError(400, str(publication.MSG_FOREIGN_ENTRY))
    objection = publication.objection_lodge(
        vote=vote,
        actor=request.user,
        lodged_by_name=payload.lodged_by_name,
        content=payload.content,
        entry=entry,
        lodged_on=payload.lodged_on,
    )
    return Status(201, objection)


@router.post(
    "/{int:vote_id}/objections/{int:objection_id}/answer",
    response=ObjectionOut,
    summary="答复异议",
)
def objection_answer(request: HttpRequest, vote_id: int, objection_id: int, payload: AnswerIn):
    require_role(request.user, MANAGE_VOTE)
    vote = _vote(request.user, vote_id)
    objection = fetch(
        Objection.objects.filter(vote=vote).select_related("entry"),
        user=request.user,
        pk=objection_id,
    )
    publication.objection_answer(objection=objection, actor=request.user, answer=payload.answer)
    objection.refresh_from_db()
    return objection


@router.post(
    "/{int:vote_id}/check", response=CheckOut, auth=None, summary="业主核对本户表决票（异议期内）"
)
def ballot_check(request: HttpRequest, vote_id: int, payload: CheckIn):
    """Public: with the code printed on the unit's ballot sheet, the unit's recorded
    choice and nothing else; a wrong code answers like an unknown unit."""
    vote = publication.vote_in_objection_stage(vote_id)
    if vote is None:
        raise Http404(MSG_NOT_FOUND)
    answer = publication.ballot_check(
        vote=vote,
        building=payload.building,
        entrance=payload.entrance,
        room=payload.room,
        code=payload.code,
        client=client_ip(request) or "",
    )
    return answer.__dict__


# ------------------------------------------------------------------ PDFs


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


@router.get("/{int:vote_id}/result.pdf", summary="表决结果公告（PDF）")
def vote_result_pdf(request: HttpRequest, vote_id: int):
    require_role(request.user, VIEW_VOTE)
    vote = _vote(request.user, vote_id)
    return _pdf(pdf.vote_result_pdf(vote=vote, user=request.user), f"vote-{vote.pk}-result.pdf")


@router.get(
    "/{int:vote_id}/ballot-sheets.pdf",
    response={202: dict},
    summary="全部表决票（PDF，后台生成）",
)
def ballot_sheets_pdf(request: HttpRequest, vote_id: int):
    """The file once generated; 202 while the background task is still at it."""
    require_role(request.user, MANAGE_VOTE)
    vote = _vote(request.user, vote_id)
    name = pdf.ballot_sheets_file(vote=vote, user=request.user)
    if name is None:
        return Status(202, {"detail": str(MSG_SHEETS_PENDING)})
    return FileResponse(
        default_storage.open(name, "rb"),
        content_type="application/pdf",
        filename=f"vote-{vote.pk}-ballots.pdf",
    )


@router.get(
    "/{int:vote_id}/electorate/{int:entry_id}/ballot-sheet.pdf", summary="单户表决票（PDF）"
)
def ballot_sheet_pdf(request: HttpRequest, vote_id: int, entry_id: int):
    require_role(request.user, MANAGE_VOTE)
    vote = _vote(request.user, vote_id)
    entry = publication.electorate_entry(vote, entry_id)
    if entry is None:
        raise Http404(MSG_NOT_FOUND)
    return _pdf(
        pdf.ballot_sheet_pdf(vote=vote, entry=entry, user=request.user),
        f"vote-{vote.pk}-ballot-{entry.pk}.pdf",
    )


from . import election_api  # noqa: E402, F401  (its routes join this router)
