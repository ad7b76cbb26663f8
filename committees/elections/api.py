"""JSON API for elections and the joint qualification review (django-ninja), mounted by
config.api under /api/registry/. Same rules as the admin: model permission (403), scoped
by jurisdiction (404 outside it), ID numbers masked, findings only for staff holding
``committees.view_candidate_findings``, and review answers through the same workflow
(wrong department 403, answered review 409, missing category 400)."""

from __future__ import annotations

import datetime

from django.http import HttpRequest
from ninja import Router, Schema

from common.access import fetch, require_role
from common.api_auth import REGISTRY_AUTH
from common.validators import mask_id_number

from ..models import CandidateReview, Election
from .selectors import elections as election_selectors
from .selectors.reviews import reviewer_rows
from .services.reviews import review_record
from .workflows import REVIEW_CANDIDATE, VIEW_FINDINGS

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
