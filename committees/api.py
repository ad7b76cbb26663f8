"""JSON API over committees for signed-in staff (django-ninja), mounted by config.api under
/api/registry/committees/.

Same conventions as :mod:`estates.api`: session, Wagtail token or basic auth; the model's
view permission (403 otherwise); everything through ``common.jurisdiction`` so
committees outside the caller's jurisdiction are missing from lists and 404 on detail;
a fixed number of queries per endpoint. Members are listed by name and position only:
no ID numbers or phones.
"""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import paginate

from common.access import fetch, require_role
from common.api_auth import REGISTRY_AUTH
from estates.api import (
    MAX_PAGE_SIZE,
    PAGE_SIZE,
    BoundedPagination,
)

from .models.bodies import Committee
from .selectors.alarms import AlarmKind, alarms_for
from .selectors.committees import committee_list_visible_to

VIEW_PERM = "committees.view_committee"
MSG_UNKNOWN_KIND = _("未知的预警类型。")

router = Router(tags=["committees"], auth=REGISTRY_AUTH)


class MemberOut(Schema):
    id: int
    name: str
    position: str
    position_label: str = Field(..., alias="get_position_display")
    reserve_order: int | None
    party_status: str
    party_status_label: str = Field(..., alias="get_party_status_display")
    started_on: date


class TermOut(Schema):
    number: int
    elected_on: date
    starts_on: date
    ends_on: date
    first_meeting_on: date | None
    filed_on: date | None
    filing_reference: str
    handed_over_on: date | None
    members: list[MemberOut] = Field(..., alias="current_members")


class CompoundRef(Schema):
    id: int
    name: str
    community: str = Field(..., alias="region.name")


class CommitteeOut(Schema):
    id: int
    compound: CompoundRef
    kind: str
    kind_label: str = Field(..., alias="get_kind_display")
    set_size: int
    formed_on: date
    is_active: bool
    dissolved_on: date | None
    current_term: TermOut | None

    @staticmethod
    def resolve_current_term(obj: Committee):
        return obj.current_terms[0] if obj.current_terms else None


class AlarmOut(Schema):
    """The compound and committee fields are empty for the platform-wide alarm about the
    holiday calendar; ``calendar_entered`` is false when ``due_on`` falls in a year whose
    holidays have not been entered (the date may then move)."""

    kind: str
    kind_label: str
    compound_id: int | None
    compound: str | None
    community: str | None
    committee_id: int | None
    due_on: date | None
    days_overdue: int
    message: str
    calendar_entered: bool = True


@router.get("/", response=list[CommitteeOut], summary="辖区业委会与物委会")
@paginate(BoundedPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def committee_list(request: HttpRequest, active: bool | None = None):
    """Committees in the caller's jurisdiction with the current term and its members."""
    require_role(request.user, VIEW_PERM)
    committees = committee_list_visible_to(user=request.user)
    if active is not None:
        committees = committees.filter(is_active=active)
    return committees


@router.get("/alarms/", response=list[AlarmOut], summary="预警")
def committee_alarms(request: HttpRequest, kind: str | None = None):
    """Alarms of the caller's jurisdiction today, optionally of one kind."""
    require_role(request.user, VIEW_PERM)
    kinds = {kind} if kind in AlarmKind.LABELS else None
    if kind and kinds is None:
        raise HttpError(422, str(MSG_UNKNOWN_KIND))
    return [
        {
            "kind": a.kind,
            "kind_label": a.kind_label,
            "compound_id": a.compound.pk if a.compound else None,
            "compound": a.compound.name if a.compound else None,
            "community": a.compound.region.name if a.compound else None,
            "committee_id": a.committee.pk if a.committee else None,
            "due_on": a.due_on,
            "days_overdue": a.days_overdue,
            "message": a.message,
            "calendar_entered": a.calendar_entered,
        }
        for a in alarms_for(request.user, timezone.localdate(), kinds=kinds)
    ]


@router.get("/{int:committee_id}/", response=CommitteeOut, summary="业委会/物委会")
def committee_detail(request: HttpRequest, committee_id: int):
    require_role(request.user, VIEW_PERM)
    return fetch(committee_list_visible_to(user=request.user), user=request.user, pk=committee_id)
