"""JSON API for elections and the joint qualification review (django-ninja), mounted by
config.api under /api/registry/. Same rules as the admin: model permission (403), scoped
by jurisdiction (404 outside it), ID numbers masked, findings only for staff holding
``committees.view_candidate_findings``, and review answers through the same workflow
(wrong department 403, answered review 409, missing category 400)."""

from __future__ import annotations

import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Router, Schema
from ninja.errors import HttpError

from common.jurisdiction import VIEW, scope_queryset
from common.transitions import InvalidTransition
from common.validators import mask_id_number
from estates.api import REGISTRY_AUTH

from .models import CandidateReview
from .selectors import elections as election_selectors
from .selectors.reviews import reviewer_rows
from .services.reviews import review_record
from .workflows import REVIEW_CANDIDATE

VIEW_ELECTION = "committees.view_election"
VIEW_CANDIDATE = "committees.view_candidate"
VIEW_FINDINGS = "committees.view_candidate_findings"
MSG_FORBIDDEN = _("您没有查看该数据的权限。")
MSG_NOT_FOUND = _("未找到，或不在您的辖区内。")

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


def _require(request: HttpRequest, permission: str) -> None:
    if not request.user.has_perm(permission):
        raise HttpError(403, str(MSG_FORBIDDEN))


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
    }


@router.get("/elections/", response=list[ElectionOut], summary="辖区选举")
def election_list(request: HttpRequest):
    _require(request, VIEW_ELECTION)
    return [
        _election_out(e)
        for e in election_selectors.election_list_visible_to(user=request.user).order_by("pk")
    ]


@router.get("/elections/{int:election_id}/", response=ElectionOut, summary="选举")
def election_detail(request: HttpRequest, election_id: int):
    _require(request, VIEW_ELECTION)
    election = (
        election_selectors.election_list_visible_to(user=request.user)
        .filter(pk=election_id)
        .first()
    )
    if election is None:
        raise HttpError(404, str(MSG_NOT_FOUND))
    return _election_out(election)


@router.get(
    "/elections/{int:election_id}/candidates/", response=list[CandidateOut], summary="候选人"
)
def candidate_list(request: HttpRequest, election_id: int):
    _require(request, VIEW_CANDIDATE)
    user = request.user
    try:
        election = election_selectors.election_get(user=user, pk=election_id)
    except Http404 as error:
        raise HttpError(404, str(MSG_NOT_FOUND)) from error
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
    _require(request, REVIEW_CANDIDATE)
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
    _require(request, REVIEW_CANDIDATE)
    review = (
        scope_queryset(CandidateReview.objects.all(), request.user, VIEW)
        .filter(pk=review_id)
        .first()
    )
    if review is None:
        raise HttpError(404, str(MSG_NOT_FOUND))
    try:
        review = review_record(
            review=review,
            status=payload.status,
            category=payload.category,
            actor=request.user,
        )
    except PermissionDenied as error:
        raise HttpError(403, str(error) or str(MSG_FORBIDDEN)) from error
    except InvalidTransition as error:
        raise HttpError(409, "；".join(error.messages)) from error
    except ValidationError as error:
        raise HttpError(400, "；".join(error.messages)) from error
    return {
        "id": review.pk,
        "status": review.status,
        "category": review.category,
        "answered_on": review.answered_on,
    }
