"""JSON API over the registry (django-ninja), mounted by config.api at /api/.

``public`` serves what the portal shows anyone: regions, compounds, companies and grid
staff, never owner data (DOMAIN 0.1). ``registry`` serves signed-in staff: every endpoint
needs the model's view permission (403 otherwise) and goes through
``common.jurisdiction.scope_queryset``, so objects outside the caller's jurisdiction are
missing from lists and 404 on detail. Each endpoint costs a fixed number of queries.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404, HttpRequest
from django.utils.translation import gettext_lazy as _
from ninja import Field, Router, Schema
from ninja.errors import HttpError
from ninja.pagination import PageNumberPagination, paginate

from common.access import MSG_FORBIDDEN, fetch, require_role
from common.api_auth import REGISTRY_AUTH
from common.validators import mask_id_number, mask_phone

from . import selectors, services
from .choices import RegionLevel
from .models import Compound, Owner, Region, Unit

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
MSG_PAGE_OUT_OF_RANGE = _("页码超出范围。")


class BoundedPagination(PageNumberPagination):
    """Page-number pagination that counts first: a page past the last one answers 404
    instead of slicing at an offset the database cannot hold (``?page=2**63`` was a 500
    on SQLite). The first page of an empty listing is an empty page."""

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params):
        page_size = min(pagination.page_size or self.page_size, self.max_page_size)
        count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
        last = max(1, -(-count // page_size))
        if pagination.page > last:
            raise HttpError(404, str(MSG_PAGE_OUT_OF_RANGE))
        offset = (pagination.page - 1) * page_size
        return {self.items_attribute: queryset[offset : offset + page_size], "count": count}


# Wagtail API token (Authorization: Bearer), HTTP basic, or the session (common.api_auth).

public = Router(tags=["public"])
registry = Router(tags=["registry"], auth=REGISTRY_AUTH)


# ---------------------------------------------------------------- schemas


def _two_places(value) -> Decimal:
    """Sums come back without scale on SQLite; areas are always shown to 0.01 m²."""
    return Decimal(value or 0).quantize(Decimal("0.01"))


class RegionRef(Schema):
    code: str
    name: str


class RegionOut(Schema):
    code: str
    name: str
    short_name: str
    level: int
    level_label: str = Field(..., alias="get_level_display")
    compound_count: int


class RegionDetailOut(RegionOut):
    ancestors: list[RegionRef]
    children: list[RegionOut] = Field(..., alias="child_regions")


class CompoundOut(Schema):
    id: int
    name: str
    address: str
    community: RegionRef = Field(..., alias="region")
    is_red_property: bool
    completed_year: int | None


class CompanyOut(Schema):
    name: str
    contact_phone: str
    address: str


class StaffOut(Schema):
    role: str
    role_label: str = Field(..., alias="get_role_display")
    name: str
    phone: str
    is_party_member: bool


class GridOut(Schema):
    code: str
    name: str
    staff: list[StaffOut]


class CompoundDetailOut(CompoundOut):
    breadcrumbs: list[RegionRef]
    building_count: int
    unit_count: int
    total_area: Decimal
    property_company: CompanyOut | None
    grids: list[GridOut]

    @staticmethod
    def resolve_total_area(obj: Compound) -> Decimal:
        return _two_places(obj.total_area)


class RegistryCompoundOut(CompoundOut):
    building_count: int
    unit_count: int
    total_area: Decimal
    property_company: CompanyOut | None

    @staticmethod
    def resolve_total_area(obj: Compound) -> Decimal:
        return _two_places(obj.total_area)


class UnitOut(Schema):
    id: int
    building: str
    entrance: str
    room: str
    exclusive_area: Decimal
    area_source: str

    @staticmethod
    def resolve_building(obj: Unit) -> str:
        return obj.building.name


class OwnerOut(Schema):
    id: int
    kind: str
    name: str
    id_number: str
    phone: str


class HoldingOut(Schema):
    compound_id: int
    compound: str
    building: str
    entrance: str
    room: str
    is_registered: bool


class OwnerDetailOut(OwnerOut):
    holdings: list[HoldingOut]


class OwnerIdentityIn(Schema):
    """Fields to change; those left out stay as they are."""

    kind: str | None = None
    name: str | None = None
    id_number: str | None = None
    phone: str | None = None


# ---------------------------------------------------------------- public


def _grids(compound: Compound) -> list[dict]:
    return [
        {"code": grid.code, "name": grid.name, "staff": members}
        for grid, members in selectors.grid_staff_for_compound(compound=compound)
    ]


@public.get("/regions/", response=list[RegionOut], summary="区域列表")
def public_region_list(request: HttpRequest, parent: str | None = None):
    """Top-level regions, or the children of ``?parent=<code>``, with compound counts."""
    return selectors.region_list_children_by_code(code=parent)


@public.get("/regions/{code}/", response=RegionDetailOut, summary="区域详情")
def public_region_detail(request: HttpRequest, code: str):
    region = selectors.region_get_public(code=code)
    if region is None:
        raise Http404
    region.ancestors = selectors.region_ancestors(region)
    region.child_regions = (
        []
        if region.level == RegionLevel.COMMUNITY
        else selectors.region_list_children(parent=region)
    )
    return region


@public.get("/compounds/", response=list[CompoundOut], summary="小区列表与搜索")
@paginate(BoundedPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def public_compound_list(request: HttpRequest, region: str | None = None, q: str = ""):
    """Compounds under ``?region=<code>`` and/or matching ``?q=`` in name or address."""
    scope = None
    if region:
        scope = Region.objects.filter(code=region).first()
        if scope is None:
            return Compound.objects.none()
    return selectors.compound_list_public(region=scope, q=q[:50])


@public.get("/compounds/{int:compound_id}/", response=CompoundDetailOut, summary="小区详情")
def public_compound_detail(request: HttpRequest, compound_id: int):
    compound = selectors.compound_get_public(pk=compound_id)
    if compound is None:
        raise Http404
    compound.breadcrumbs = selectors.compound_breadcrumbs(compound)
    compound.grids = _grids(compound)
    return compound


# ---------------------------------------------------------------- registry


def _compound_or_404(request: HttpRequest, compound_id: int) -> Compound:
    return fetch(
        selectors.compound_list_visible_to(user=request.user), user=request.user, pk=compound_id
    )


@registry.get("/compounds/", response=list[RegistryCompoundOut], summary="辖区小区")
@paginate(BoundedPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def registry_compound_list(request: HttpRequest):
    require_role(request.user, "estates.view_compound")
    return selectors.compound_list_visible_to(user=request.user)


@registry.get("/compounds/{int:compound_id}/", response=RegistryCompoundOut, summary="小区")
def registry_compound_detail(request: HttpRequest, compound_id: int):
    require_role(request.user, "estates.view_compound")
    return _compound_or_404(request, compound_id)


@registry.get("/compounds/{int:compound_id}/units/", response=list[UnitOut], summary="房屋")
@paginate(BoundedPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def registry_unit_list(request: HttpRequest, compound_id: int):
    require_role(request.user, "estates.view_unit")
    compound = _compound_or_404(request, compound_id)
    return selectors.unit_list_for_compound(compound=compound)


class OwnerPagination(BoundedPagination):
    """Masks identity fields after paging, so the permission check runs once per page."""

    def paginate_queryset(self, queryset, pagination, request: HttpRequest, **params):
        page = super().paginate_queryset(queryset, pagination, request, **params)
        page["items"] = [owner_public_fields(o, request.user) for o in page["items"]]
        return page


def owner_public_fields(owner: Owner, user) -> dict:
    """ID numbers and phones in full only with view_owner_identity (street staff)."""
    full = user.has_perm("estates.view_owner_identity")
    return {
        "id": owner.pk,
        "kind": owner.kind,
        "name": owner.name,
        "id_number": owner.id_number if full else mask_id_number(owner.id_number),
        "phone": owner.phone if full or not owner.phone else mask_phone(owner.phone),
    }


@registry.get("/owners/", response=list[OwnerOut], summary="业主")
@paginate(OwnerPagination, page_size=PAGE_SIZE, max_page_size=MAX_PAGE_SIZE)
def registry_owner_list(request: HttpRequest, compound: int | None = None):
    """Owners holding units in the caller's jurisdiction, optionally in one compound.
    ``?compound=`` is looked up in the jurisdiction like a detail page: another
    jurisdiction's compound answers 404, as a compound that does not exist does."""
    require_role(request.user, "estates.view_owner")
    if compound is not None:
        compound = _compound_or_404(request, compound).pk
    return selectors.owner_list_visible_to(user=request.user, compound_id=compound)


def _owner_or_404(request: HttpRequest, owner_id: int) -> Owner:
    return fetch(Owner, user=request.user, pk=owner_id)


def _owner_detail(owner: Owner, user) -> dict:
    """The owner with only the units they hold inside the caller's jurisdiction."""
    return {
        **owner_public_fields(owner, user),
        "holdings": [
            {
                "compound_id": h.compound_id,
                "compound": h.compound.name,
                "building": h.unit.building.name,
                "entrance": h.unit.entrance,
                "room": h.unit.room,
                "is_registered": h.is_registered,
            }
            for h in selectors.owner_holdings_visible_to(user=user, owner=owner)
        ],
    }


@registry.get("/owners/{int:owner_id}/", response=OwnerDetailOut, summary="业主详情")
def registry_owner_detail(request: HttpRequest, owner_id: int):
    """One owner and the units they hold in the caller's jurisdiction (never the others)."""
    require_role(request.user, "estates.view_owner")
    return _owner_detail(_owner_or_404(request, owner_id), request.user)


@registry.patch("/owners/{int:owner_id}/", response=OwnerDetailOut, summary="修改业主信息")
def registry_owner_update(request: HttpRequest, owner_id: int, payload: OwnerIdentityIn):
    """Change an owner's name, kind, ID number or phone. Refused (403, saying who can)
    unless the caller's jurisdiction covers every unit the owner holds."""
    require_role(request.user, "estates.change_owner")
    owner = _owner_or_404(request, owner_id)
    changes = payload.model_dump(exclude_unset=True, exclude_none=True)
    if {"id_number", "phone"} & changes.keys() and not request.user.has_perm(
        "estates.view_owner_identity"
    ):
        raise PermissionDenied(MSG_FORBIDDEN)
    # A refusal (403, saying who can) or bad values (400) reach the caller through the
    # API's handlers (config.api) with their Chinese messages.
    owner = services.owner_update(owner=owner, actor=request.user, **changes)
    return _owner_detail(owner, request.user)
