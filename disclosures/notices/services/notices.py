"""Drafting, submitting, reviewing and correcting notices, through Wagtail's own page,
revision and workflow machinery (the admin does the same through its views)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Site, WorkflowPage

from common.access import authorise
from common.jurisdiction import MANAGE, VIEW
from estates.models import Compound

from ..blocks import block_error_messages
from ..models import MSG_FROZEN, CompoundNoticesPage, DisclosureItem, NoticeAttachment, NoticePage
from ..permissions import DRAFT_PERM, REVIEW_PERM
from ..selectors.catalogue import catalogue_for
from .workflow import review_workflow_assign

MSG_NOT_IN_CATALOGUE = _("该事项不在本小区的公示目录中。")
MSG_NOT_SUBMITTABLE = _("只有草稿可以提交审核。")
MSG_NOT_IN_REVIEW = _("该公示不在审核中。")
MSG_REJECT_REASON = _("退回时请说明理由。")
MSG_NO_PORTAL = _("门户首页尚未建立。")
MSG_IN_REVIEW = _("公示正在审核中，只有审核人可以修改。")
MSG_UNKNOWN_FIELDS = _("不能修改这些字段：%(fields)s")


@transaction.atomic
def compound_board_ensure(*, compound: Compound) -> CompoundNoticesPage:
    """The compound's notice board page, created under the portal when missing."""
    board = CompoundNoticesPage.objects.filter(compound=compound).first()
    if board is not None and WorkflowPage.objects.filter(page=board).exists():
        return board  # set up already: one query instead of the workflow's get_or_creates
    if board is None:
        # The portal is the default site's root (cms, which this app does not import).
        site = Site.objects.filter(is_default_site=True).select_related("root_page").first()
        if site is None:
            raise ValidationError(MSG_NO_PORTAL)
        portal = site.root_page
        with translation.override("zh-hans"):
            title = str(_("%(name)s信息公示") % {"name": compound.name})
        board = portal.add_child(
            instance=CompoundNoticesPage(
                title=title, slug=f"notices-{compound.pk}", compound=compound, live=True
            )
        )
    review_workflow_assign(page=board)
    return board


def _clean_body(body: Any, notice: NoticePage):
    """Validate and sanitise the body before anything is stored (block rules: sums of
    accounts, rich text whitelist)."""
    notice.body = body
    try:
        return NoticePage._meta.get_field("body").stream_block.clean(notice.body)
    except ValidationError as error:
        raise ValidationError({"body": block_error_messages(error)}) from None


@transaction.atomic
def notice_draft(
    *,
    actor,
    compound: Compound,
    item: DisclosureItem,
    title: str,
    issuer: str,
    body: Any,
    notice_starts_on: datetime.date | None = None,
    attachments: Iterable[tuple[str, Any]] = (),
    corrects: NoticePage | None = None,
    **fields: Any,
) -> NoticePage:
    """A new draft notice (a first revision) under the compound's notice board."""
    authorise(actor, DRAFT_PERM, compound, level=VIEW)
    if item.pk not in {i.pk for i in catalogue_for(compound.region)}:
        raise ValidationError(MSG_NOT_IN_CATALOGUE)
    board = compound_board_ensure(compound=compound)
    notice = NoticePage(
        title=title,
        compound=compound,
        item=item,
        issuer=issuer,
        notice_starts_on=notice_starts_on or timezone.localdate(),
        corrects=corrects,
        live=False,
        owner=actor,
        **fields,
    )
    notice.body = _clean_body(body, notice)
    notice.slug = notice.slug or f"n{timezone.now():%Y%m%d%H%M%S%f}"
    for title_, document in attachments:
        notice.attachments.add(NoticeAttachment(title=title_, document=document))
    board.add_child(instance=notice)
    notice.save_revision(user=actor, log_action=True)
    return notice


EDITABLE_FIELDS = frozenset(
    {
        "title", "item", "document_number", "issuer", "issued_on", "notice_starts_on",
        "notice_ends_on", "objection_method", "objection_until", "contact_name",
        "contact_phone", "period_starts_on", "period_ends_on", "correction_note",
    }
)  # fmt: skip


@transaction.atomic
def notice_update(*, actor, notice: NoticePage, body: Any = None, **changes: Any) -> NoticePage:
    """A new draft revision of an unpublished notice; a published one is frozen (§3), a
    notice under review is changed only by its reviewers (Wagtail locks it for others)."""
    notice = NoticePage.objects.select_for_update().get(pk=notice.pk)
    authorise(actor, DRAFT_PERM, notice.compound, level=VIEW)
    if notice.is_frozen:
        raise ValidationError(MSG_FROZEN, code="frozen")
    task = notice.current_workflow_task
    if task is not None and task.locked_for_user(notice, actor):
        raise ValidationError(MSG_IN_REVIEW, code="in_review")
    unknown = set(changes) - EDITABLE_FIELDS
    if unknown:
        raise ValidationError(MSG_UNKNOWN_FIELDS % {"fields": ", ".join(sorted(unknown))})
    latest = notice.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(latest, name, value)
    if "notice_starts_on" in changes and "notice_ends_on" not in changes:
        latest.notice_ends_on = None
    if body is not None:
        latest.body = _clean_body(body, latest)
    if latest.item_id not in {i.pk for i in catalogue_for(notice.compound.region)}:
        raise ValidationError(MSG_NOT_IN_CATALOGUE)
    latest.save_revision(user=actor, log_action=True)
    return NoticePage.objects.get(pk=notice.pk)


@transaction.atomic
def notice_correct(
    *, actor, original: NoticePage, correction_note: str, **changes: Any
) -> NoticePage:
    """A correction (更正): a new notice linked to the published one it corrects, saying
    what changed; the original stays readable at its own URL, frozen (§3)."""
    original = NoticePage.objects.select_related("compound", "item").get(pk=original.pk)
    values = {
        name: getattr(original, name)
        for name in (
            "document_number",
            "objection_method",
            "contact_name",
            "contact_phone",
            "period_starts_on",
            "period_ends_on",
        )
    }
    values.update(changes)
    title = values.pop("title", None) or str(_("更正：%(title)s") % {"title": original.title})
    body = values.pop("body", None) or original.body.raw_data
    attachments = values.pop(
        "attachments", [(a.title, a.document) for a in original.attachments.all()]
    )
    return notice_draft(
        actor=actor,
        compound=original.compound,
        item=values.pop("item", original.item),
        title=title,
        issuer=values.pop("issuer", original.issuer),
        body=body,
        attachments=attachments,
        corrects=original,
        correction_note=correction_note,
        **values,
    )


@transaction.atomic
def notice_submit(*, actor, notice: NoticePage):
    """Send the latest draft to the community review (Wagtail's workflow)."""
    notice = NoticePage.objects.select_related("compound").get(pk=notice.pk)
    authorise(actor, DRAFT_PERM, notice.compound, level=VIEW)
    if notice.is_frozen or notice.workflow_in_progress:
        raise ValidationError(MSG_NOT_SUBMITTABLE)
    state = notice.current_workflow_state
    if state is not None and state.status == state.STATUS_NEEDS_CHANGES:
        # Returned by the reviewer: the same workflow resumes with the latest revision,
        # as the admin's submit does (a second workflow may not start beside it).
        state.resume(actor)
        return state
    workflow = notice.get_workflow()
    return workflow.start(notice, actor)


@transaction.atomic
def notice_review(*, actor, notice: NoticePage, approve: bool, comment: str = "") -> NoticePage:
    """The community officer approves (publishing it, at the start of its 公示期 if that
    is later) or returns the notice with a reason."""
    notice = NoticePage.objects.select_related("compound").get(pk=notice.pk)
    authorise(actor, REVIEW_PERM, notice.compound, level=MANAGE)
    task_state = notice.current_workflow_task_state
    if task_state is None:
        raise ValidationError(MSG_NOT_IN_REVIEW)
    task = task_state.task.specific
    if not approve and not comment.strip():
        raise ValidationError(MSG_REJECT_REASON)
    allowed = {name for name, _label, _modal in task.get_actions(notice, actor)}
    action = "approve" if approve else "reject"
    if action not in allowed:
        if approve:
            # The reviewer is shown why: the same warning as the publication guard.
            from ..guard import notice_check_personal_data

            notice_check_personal_data(task_state.revision.as_object())
        raise PermissionDenied(MSG_NOT_IN_REVIEW)
    task.on_action(task_state, actor, action, comment=comment)
    return NoticePage.objects.get(pk=notice.pk)


def notice_page(page: Page) -> NoticePage | None:
    specific = page.specific
    return specific if isinstance(specific, NoticePage) else None
