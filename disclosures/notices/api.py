"""JSON API for notices, mounted by config.api: ``/api/public/notices/`` reads published
notices with the fields of the feed (anyone), ``/api/registry/notices/`` drafts, submits,
reviews and corrects them (staff, scoped like the admin).

Writes go through the services, so the API enforces what the admin does: jurisdiction
(a notice outside it answers 404), the community review, the personal-data guard, and a
published notice frozen (an edit answers 409 with the message; a correction is a new
notice).
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.html import strip_tags
from django.utils.translation import gettext_lazy as _
from ninja import Query, Router, Schema, Status
from ninja.errors import HttpError
from ninja.pagination import paginate

from common.access import MSG_FORBIDDEN, fetch, scoped
from common.api_auth import REGISTRY_AUTH
from common.jurisdiction import VIEW
from estates import selectors as estates_selectors
from estates.api import BoundedPagination
from estates.models import Compound

from .models import MSG_FROZEN, NoticePage
from .permissions import DRAFT_PERM, REVIEW_PERM
from .selectors.catalogue import catalogue_for
from .selectors.notices import (
    notice_get_public,
    notice_list_public,
    notice_search,
    notices_public,
)
from .services import notices as services

MSG_UNKNOWN_ITEM = _("该事项不在本小区的公示目录中。")

public_router = Router(tags=["public"])
router = Router(tags=["notices"], auth=REGISTRY_AUTH)


# ---------------------------------------------------------------- schemas


class AttachmentOut(Schema):
    title: str
    url: str


class NoticeOut(Schema):
    """The fields of the notice feed."""

    id: int
    title: str
    url: str
    compound_id: int
    compound: str
    item_code: str
    item: str
    document_number: str
    issuer: str
    issued_on: date
    notice_starts_on: date
    notice_ends_on: date
    in_notice_period: bool
    objection_until: date
    period_starts_on: date | None
    period_ends_on: date | None
    published_at: datetime | None
    corrects_id: int | None
    is_superseded: bool
    fingerprint: str | None


class NoticeDetailOut(NoticeOut):
    objection_method: str
    contact_name: str
    contact_phone: str
    correction_note: str
    body: list[dict]
    text: str
    attachments: list[AttachmentOut]
    content_sha256: str | None


class DraftOut(Schema):
    id: int
    title: str
    compound_id: int
    item_code: str
    live: bool
    status: str
    latest_revision_id: int | None
    review_task: str | None


class BodyBlockIn(Schema):
    type: str
    value: Any


class DraftIn(Schema):
    compound_id: int
    item_code: str
    title: str
    issuer: str
    body: list[BodyBlockIn]
    document_number: str = ""
    issued_on: date | None = None
    notice_starts_on: date | None = None
    notice_ends_on: date | None = None
    objection_method: str = ""
    objection_until: date | None = None
    contact_name: str = ""
    contact_phone: str = ""
    period_starts_on: date | None = None
    period_ends_on: date | None = None


class DraftPatch(Schema):
    title: str | None = None
    issuer: str | None = None
    body: list[BodyBlockIn] | None = None
    document_number: str | None = None
    notice_starts_on: date | None = None
    notice_ends_on: date | None = None
    objection_method: str | None = None
    objection_until: date | None = None
    contact_name: str | None = None
    contact_phone: str | None = None
    period_starts_on: date | None = None
    period_ends_on: date | None = None


class ReviewIn(Schema):
    approve: bool
    comment: str = ""


class CorrectionIn(Schema):
    correction_note: str
    title: str | None = None
    body: list[BodyBlockIn] | None = None


# ---------------------------------------------------------------- helpers


def _notice_out(notice: NoticePage, request: HttpRequest | None = None) -> dict:
    fingerprint = getattr(notice, "fingerprint", None) if notice.live else None
    return {
        "id": notice.pk,
        "title": notice.title,
        "url": notice.get_url(request) or "",
        "compound_id": notice.compound_id,
        "compound": notice.compound.name,
        "item_code": notice.item.code,
        "item": notice.item.name,
        "document_number": notice.document_number,
        "issuer": notice.issuer,
        "issued_on": notice.issued_on,
        "notice_starts_on": notice.notice_starts_on,
        "notice_ends_on": notice.ends_on,
        "in_notice_period": notice.in_notice_period(),
        "objection_until": notice.objection_deadline,
        "period_starts_on": notice.period_starts_on,
        "period_ends_on": notice.period_ends_on,
        "published_at": notice.first_published_at,
        "corrects_id": notice.corrects_id,
        "is_superseded": notice.is_superseded,
        "fingerprint": fingerprint.sha256 if fingerprint else None,
    }


def _detail_out(notice: NoticePage, request: HttpRequest) -> dict:
    from .text import body_places

    base = notice.get_url(request) or ""
    fingerprint = getattr(notice, "fingerprint", None)
    return {
        **_notice_out(notice, request),
        "objection_method": notice.objection_method,
        "contact_name": notice.contact_name,
        "contact_phone": notice.contact_phone,
        "correction_note": notice.correction_note,
        "body": notice.body.get_prep_value(),
        "text": "\n".join(strip_tags(text) for _place, text in body_places(notice)),
        "attachments": [
            {"title": a.title, "url": f"{base}attachments/{a.pk}/"}
            for a in notice.attachments.all()
        ],
        "content_sha256": fingerprint.content_sha256 if fingerprint else None,
    }


def _public_queryset():
    return notices_public().select_related("compound", "item", "fingerprint")


def _body(blocks: list[BodyBlockIn] | None):
    return None if blocks is None else [(b.type, b.value) for b in blocks]


def _require_staff(request: HttpRequest) -> None:
    user = request.user
    if not (user.has_perm(DRAFT_PERM) or user.has_perm(REVIEW_PERM)):
        raise PermissionDenied(MSG_FORBIDDEN)


def _staff_notice(request: HttpRequest, pk: int) -> NoticePage:
    _require_staff(request)
    return fetch(NoticePage.objects.select_related("compound", "item"), user=request.user, pk=pk)


def _draft_out(notice: NoticePage) -> dict:
    task = notice.current_workflow_task
    if notice.live:
        status = "published"
    elif notice.first_published_at or notice.go_live_at:
        status = "scheduled" if notice.go_live_at else "withdrawn"
    elif task is not None:
        status = "in_review"
    else:
        status = "draft"
    return {
        "id": notice.pk,
        "title": notice.draft_title or notice.title,
        "compound_id": notice.compound_id,
        "item_code": notice.item.code,
        "live": notice.live,
        "status": status,
        "latest_revision_id": notice.latest_revision_id,
        "review_task": task.name if task else None,
    }


# ---------------------------------------------------------------- public


@public_router.get("/notices/", response=list[NoticeOut])
@paginate(BoundedPagination, page_size=20, max_page_size=100)
def public_notice_list(
    request: HttpRequest,
    compound: int | None = None,
    region: str | None = None,
    q: str = "",
    item: str | None = None,
    year: int | None = Query(None, ge=1, le=9999),
):
    """Published notices, newest first; ``q`` searches Chinese words (corrected versions
    are left out of a search, not of a compound's list)."""
    found_compound = estates_selectors.compound_get_public(pk=compound) if compound else None
    if compound and found_compound is None:
        raise Http404
    found_region = estates_selectors.region_get_public(code=region) if region else None
    if region and found_region is None:
        raise Http404
    if q.strip():
        results = notice_search(q, region=found_region, compound=found_compound)
        notices = _public_queryset().filter(pk__in=results.values("pk"))
    elif found_compound is not None:
        notices = notice_list_public(compound=found_compound, item_code=item, year=year)
        notices = notices.select_related("compound", "fingerprint")
    else:
        notices = _public_queryset()
        if found_region is not None:
            notices = notices.filter(compound__region_path__startswith=found_region.path)
    if item:
        notices = notices.filter(item__code=item)
    if year:
        notices = notices.filter(issued_on__year=year)
    return [_notice_out(n, request) for n in notices.order_by("-issued_on", "-first_published_at")]


@public_router.get("/notices/{int:pk}/", response=NoticeDetailOut)
def public_notice_detail(request: HttpRequest, pk: int):
    notice = notice_get_public(pk)
    if notice is None:
        raise Http404
    return _detail_out(notice, request)


# ---------------------------------------------------------------- staff


@router.get("/", response=list[DraftOut])
@paginate(BoundedPagination, page_size=20, max_page_size=100)
def notice_list(request: HttpRequest, compound: int | None = None):
    """Notices in the caller's jurisdiction, drafts included."""
    _require_staff(request)
    notices = scoped(NoticePage.objects.select_related("item"), user=request.user, level=VIEW)
    if compound:
        notices = notices.filter(compound_id=compound)
    return [_draft_out(n) for n in notices.order_by("-pk")]


@router.post("/", response={201: DraftOut})
def notice_create(request: HttpRequest, payload: DraftIn):
    _require_staff(request)
    compound = fetch(Compound.objects.select_related("region"), user=request.user,
                     pk=payload.compound_id)  # fmt: skip
    item = next((i for i in catalogue_for(compound.region) if i.code == payload.item_code), None)
    if item is None:
        raise HttpError(400, str(MSG_UNKNOWN_ITEM))
    fields = payload.dict(exclude={"compound_id", "item_code", "title", "issuer", "body"})
    fields = {k: v for k, v in fields.items() if v not in (None, "")}
    notice = services.notice_draft(
        actor=request.user,
        compound=compound,
        item=item,
        title=payload.title,
        issuer=payload.issuer,
        body=_body(payload.body),
        **fields,
    )
    return Status(201, _draft_out(notice))


@router.get("/{int:pk}/", response=DraftOut)
def notice_get(request: HttpRequest, pk: int):
    return _draft_out(_staff_notice(request, pk))


@router.patch("/{int:pk}/", response=DraftOut)
def notice_edit(request: HttpRequest, pk: int, payload: DraftPatch):
    """A new draft revision; a published notice is frozen (409), correct it instead."""
    notice = _staff_notice(request, pk)
    if notice.is_frozen:
        raise HttpError(409, str(MSG_FROZEN))
    changes = payload.dict(exclude_unset=True, exclude={"body"})
    notice = services.notice_update(
        actor=request.user, notice=notice, body=_body(payload.body), **changes
    )
    return _draft_out(notice)


@router.post("/{int:pk}/submit/", response=DraftOut)
def notice_submit(request: HttpRequest, pk: int):
    notice = _staff_notice(request, pk)
    services.notice_submit(actor=request.user, notice=notice)
    notice.refresh_from_db()
    return _draft_out(notice)


@router.post("/{int:pk}/review/", response=DraftOut)
def notice_review(request: HttpRequest, pk: int, payload: ReviewIn):
    notice = _staff_notice(request, pk)
    notice = services.notice_review(
        actor=request.user, notice=notice, approve=payload.approve, comment=payload.comment
    )
    return _draft_out(notice)


@router.post("/{int:pk}/correct/", response={201: DraftOut})
def notice_correct(request: HttpRequest, pk: int, payload: CorrectionIn):
    original = _staff_notice(request, pk)
    changes = {}
    if payload.title:
        changes["title"] = payload.title
    if payload.body is not None:
        changes["body"] = _body(payload.body)
    correction = services.notice_correct(
        actor=request.user,
        original=original,
        correction_note=payload.correction_note,
        **changes,
    )
    return Status(201, _draft_out(correction))
