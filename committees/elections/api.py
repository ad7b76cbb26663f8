"""JSON API for elections and the joint qualification review (django-ninja), mounted by
config.api under /api/registry/. Same rules as the admin: model permission (403), scoped
by jurisdiction (404 outside it), ID numbers masked, findings only for staff holding
``committees.view_candidate_findings``, and review answers through the same workflow
(wrong department 403, answered review 409, missing category 400)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema, Status

from common.access import fetch, require_role
from common.api_auth import REGISTRY_AUTH
from common.files import documents_visible_to
from common.transitions import MSG_INVALID, InvalidTransition
from common.validators import mask_id_number
from estates.models import Compound, Owner

from ..choices import CandidateStatus, ElectionStatus
from ..models import Candidate, CandidateReview, Election
from .selectors import elections as election_selectors
from .selectors.reviews import reviewer_rows
from .services import elections as election_services
from .services.elections import MSG_DOCUMENT, MSG_NOT_OWNER
from .services.reviews import review_record
from .workflows import MANAGE_ELECTION, REVIEW_CANDIDATE, VIEW_FINDINGS

MSG_CONCLUDE = _("作出联审结论")

VIEW_ELECTION = "committees.view_election"
VIEW_CANDIDATE = "committees.view_candidate"

router = Router(tags=["elections"], auth=REGISTRY_AUTH)


class ElectionOut(Schema):
    id: int
    compound_id: int
    compound_name: str
    kind: str
    term_number: int
    seats: int
    status: str
    status_label: str
    started_on: datetime.date
    review_due_on: datetime.date | None
    candidate_count: int
    planned_on: datetime.date | None
    notice_from: datetime.date | None
    notice_until: datetime.date | None
    issued_by: str
    objection_place: str
    objection_until: datetime.date | None


class CandidateOut(Schema):
    id: int
    name: str
    id_number_masked: str
    position_sought: str
    status: str | None  # only with the findings permission


class ReviewOut(Schema):
    id: int
    candidate_name: str
    id_number: str
    compound_name: str
    department_name: str
    status: str
    category: str
    due_on: datetime.date
    answered_on: datetime.date | None
    overdue: bool


class RecordIn(Schema):
    """The answer date is the server's (timezone.localdate()), never the client's."""

    status: str
    category: str = ""


class RecordOut(Schema):
    id: int
    status: str
    category: str
    answered_on: datetime.date | None


def _election_out(election) -> dict:
    return {
        "id": election.pk,
        "compound_id": election.compound_id,
        "compound_name": election.compound.name,
        "kind": election.kind,
        "term_number": election.term_number,
        "seats": election.seats,
        "status": election.status,
        "status_label": str(election.get_status_display()),
        "started_on": election.started_on,
        "review_due_on": election.review_due_on,
        "candidate_count": election.candidate_count,
        "planned_on": election.planned_on,
        "notice_from": election.notice_from,
        "notice_until": election.notice_until,
        "issued_by": election.issued_by,
        "objection_place": election.objection_place,
        "objection_until": election.objection_until,
    }


@router.get("/elections/", response=list[ElectionOut], summary="辖区选举")
def election_list(request: HttpRequest):
    require_role(request.user, VIEW_ELECTION)
    return [
        _election_out(e)
        for e in election_selectors.election_list_visible_to(user=request.user).order_by("pk")
    ]


@router.get("/elections/{int:election_id}/", response=ElectionOut, summary="选举")
def election_detail(request: HttpRequest, election_id: int):
    require_role(request.user, VIEW_ELECTION)
    elections = election_selectors.election_list_visible_to(user=request.user)
    return _election_out(fetch(elections, user=request.user, pk=election_id))


@router.get(
    "/elections/{int:election_id}/candidates/", response=list[CandidateOut], summary="候选人"
)
def candidate_list(request: HttpRequest, election_id: int):
    require_role(request.user, VIEW_CANDIDATE)
    user = request.user
    election = fetch(Election.objects.select_related("compound"), user=user, pk=election_id)
    findings = user.has_perm(VIEW_FINDINGS)
    return [
        {
            "id": c.pk,
            "name": c.name,
            "id_number_masked": mask_id_number(c.owner.id_number),
            "position_sought": c.position_sought,
            "status": c.status if findings else None,
        }
        for c in election_selectors.candidate_list_visible_to(user=user, election=election)
    ]


@router.get("/reviews/", response=list[ReviewOut], summary="本部门联审事项")
def review_list(request: HttpRequest):
    require_role(request.user, REVIEW_CANDIDATE)
    return [
        {
            "id": r.pk,
            "candidate_name": r.candidate_name,
            "id_number": r.id_number,
            "compound_name": r.compound_name,
            "department_name": r.department_name,
            "status": r.status,
            "category": r.category_label,
            "due_on": r.due_on,
            "answered_on": r.answered_on,
            "overdue": r.overdue,
        }
        for r in reviewer_rows(user=request.user)
    ]


@router.post("/reviews/{int:review_id}/record", response=RecordOut, summary="填写审查意见")
def review_record_endpoint(request: HttpRequest, review_id: int, payload: RecordIn):
    require_role(request.user, REVIEW_CANDIDATE)
    review = fetch(CandidateReview, user=request.user, pk=review_id)
    # Refusals reach the caller through the API's handlers (config.api): another
    # department 403, an answered review 409, a bad answer 400, each with its message.
    review = review_record(
        review=review,
        status=payload.status,
        category=payload.category,
        actor=request.user,
    )
    return {
        "id": review.pk,
        "status": review.status,
        "category": review.category,
        "answered_on": review.answered_on,
    }


# ------------------------------------------------------------------ running an election
# The admin's verbs, with the same services and workflow: model permission 403, another
# jurisdiction 404, a verb the state does not allow 409 (InvalidTransition), a broken
# rule 400, each with its Chinese message (config.api).


class ElectionIn(Schema):
    compound_id: int
    kind: str
    term_number: int
    seats: int
    started_on: datetime.date
    planned_on: datetime.date | None = None


class NominationIn(Schema):
    owner_id: int
    position_sought: str = "member"
    party_status: str = "none"
    nominated_on: datetime.date
    document_id: int | None = None


class NominationOut(Schema):
    id: int
    name: str
    position_sought: str
    status: str


class OwnerOptionOut(Schema):
    id: int
    name: str
    units: str
    nominated: bool


class ReasonIn(Schema):
    reason: str


class NoticeIn(Schema):
    notice_from: datetime.date
    notice_until: datetime.date
    planned_on: datetime.date
    issued_by: str
    objection_place: str
    objection_until: datetime.date
    objection_phone: str = ""


def _election_now(request: HttpRequest, election_id: int) -> dict:
    elections = election_selectors.election_list_visible_to(user=request.user)
    return _election_out(fetch(elections, user=request.user, pk=election_id))


def _manageable_election(request: HttpRequest, election_id: int) -> Election:
    require_role(request.user, MANAGE_ELECTION)
    return fetch(Election.objects.select_related("compound"), user=request.user, pk=election_id)


@router.post("/elections/", response={201: ElectionOut}, summary="组织选举")
def election_open_endpoint(request: HttpRequest, payload: ElectionIn):
    require_role(request.user, MANAGE_ELECTION)
    compound = fetch(Compound, user=request.user, pk=payload.compound_id)
    data = payload.dict(exclude={"compound_id"})
    election = election_services.election_open(compound=compound, actor=request.user, **data)
    return Status(201, _election_now(request, election.pk))


@router.get(
    "/elections/{int:election_id}/owners/",
    response=list[OwnerOptionOut],
    summary="可提名的业主（按姓名或手机号查找）",
)
def owner_options(request: HttpRequest, election_id: int, q: str = ""):
    election = _manageable_election(request, election_id)
    options = election_selectors.owner_options_for_nomination(
        user=request.user, election=election, q=q
    )
    return [o.__dict__ for o in options]


@router.post(
    "/elections/{int:election_id}/candidates/",
    response={201: NominationOut},
    summary="提名候选人",
)
def candidate_nominate_endpoint(request: HttpRequest, election_id: int, payload: NominationIn):
    election = _manageable_election(request, election_id)
    owner = fetch(Owner, user=request.user, message=MSG_NOT_OWNER, pk=payload.owner_id)
    document = None
    if payload.document_id is not None:
        # Only a document the user may read (common.files), else the same refusal.
        readable = documents_visible_to(request.user).in_bulk([payload.document_id])
        document = readable.get(payload.document_id)
        if document is None:
            raise ValidationError(MSG_DOCUMENT)
    candidate = election_services.candidate_nominate(
        election=election,
        owner=owner,
        position_sought=payload.position_sought,
        party_status=payload.party_status,
        nominated_on=payload.nominated_on,
        document=document,
        actor=request.user,
    )
    return Status(
        201,
        {
            "id": candidate.pk,
            "name": candidate.name,
            "position_sought": candidate.position_sought,
            "status": candidate.status,
        },
    )


@router.post(
    "/elections/{int:election_id}/start-vetting", response=ElectionOut, summary="提交资格联审"
)
def election_start_vetting_endpoint(request: HttpRequest, election_id: int):
    election = _manageable_election(request, election_id)
    election_services.election_start_vetting(election=election, actor=request.user)
    return _election_now(request, election_id)


@router.post("/elections/{int:election_id}/conclude", response=ElectionOut, summary="作出联审结论")
def election_conclude_endpoint(request: HttpRequest, election_id: int):
    election = _manageable_election(request, election_id)
    if election.status != ElectionStatus.VETTING:
        raise InvalidTransition(
            MSG_INVALID,
            code="invalid_transition",
            params={"state": election.get_status_display(), "action": MSG_CONCLUDE},
        )
    candidates = list(
        election.candidates.filter(status=CandidateStatus.UNDER_REVIEW).order_by("pk")
    )
    election_services.candidates_conclude_bulk(candidates=candidates, actor=request.user)
    return _election_now(request, election_id)


@router.post("/elections/{int:election_id}/publish", response=ElectionOut, summary="公示候选人")
def election_publish_endpoint(request: HttpRequest, election_id: int, payload: NoticeIn):
    election = _manageable_election(request, election_id)
    election_services.election_publish_candidates(
        election=election,
        actor=request.user,
        notice=election_services.CandidateNotice(**payload.dict()),
    )
    return _election_now(request, election_id)


@router.post("/elections/{int:election_id}/cancel", response=ElectionOut, summary="取消选举")
def election_cancel_endpoint(request: HttpRequest, election_id: int, payload: ReasonIn):
    election = _manageable_election(request, election_id)
    election_services.election_cancel(election=election, actor=request.user, reason=payload.reason)
    return _election_now(request, election_id)


@router.post("/candidates/{int:candidate_id}/withdraw", response=NominationOut, summary="退出候选")
def candidate_withdraw_endpoint(request: HttpRequest, candidate_id: int, payload: ReasonIn):
    require_role(request.user, MANAGE_ELECTION)
    candidate = fetch(Candidate, user=request.user, pk=candidate_id)
    candidate = election_services.candidate_withdraw(
        candidate=candidate, actor=request.user, reason=payload.reason
    )
    return {
        "id": candidate.pk,
        "name": candidate.name,
        "position_sought": candidate.position_sought,
        "status": candidate.status,
    }
