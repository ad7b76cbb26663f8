"""Admin registration and the admin side of the notice rules: a published notice cannot
be opened for editing or deleted (§3), publishing needs the community review, and the
personal-data warning is shown to drafters and reviewers alike (§4). The page's own save
enforces the same rules for every other path (models.NoticePage.save)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from wagtail import hooks

from . import admin_views, poster_admin
from .fingerprints import LOG_FINGERPRINT
from .guard import findings_message, notice_personal_data
from .models import MSG_FROZEN, MSG_UNREVIEWED, NoticePage, review_approved
from .viewsets import disclosure_item_viewset


def _notice(page) -> NoticePage | None:
    specific = page.specific
    return specific if isinstance(specific, NoticePage) else None


def _back(page):
    return redirect(reverse("wagtailadmin_explore", args=[page.get_parent().pk]))


@hooks.register("before_edit_page")
def refuse_editing_published_notice(request, page):
    notice = _notice(page)
    if notice is None:
        return None
    if notice.is_frozen:
        messages.error(request, str(MSG_FROZEN))
        return _back(page)
    if request.method == "GET":
        latest = notice.get_latest_revision_as_object()
        findings = notice_personal_data(latest)
        if findings:
            messages.warning(request, findings_message(findings))
    return None


@hooks.register("before_publish_page")
def refuse_unreviewed_or_personal(request, page):
    notice = _notice(page)
    if notice is None:
        return None
    if notice.is_frozen:
        messages.error(request, str(MSG_FROZEN))
        return _back(page)
    latest = notice.get_latest_revision()
    if not review_approved(notice, latest.pk if latest else None):
        messages.error(request, str(MSG_UNREVIEWED))
        return _back(page)
    findings = notice_personal_data(latest.as_object())
    if findings:
        messages.error(request, findings_message(findings))
        return _back(page)
    return None


LEAVING_ACTIONS = ("action-submit", "action-publish", "action-workflow-action")


def _to_compound_notices(request, page):
    """After a notice is submitted, published or reviewed, the editor would return to
    the board in Wagtail's page explorer, which committee members and community officers
    do not browse: they go back to the compound's notices and schedule instead, with
    Wagtail's confirmation message."""
    notice = _notice(page)
    if notice is None or notice.compound_id is None:
        return None
    if request.method != "POST" or request.POST.get("next") or request.GET.get("next"):
        return None
    if not any(action in request.POST for action in LEAVING_ACTIONS):
        return None
    return redirect(f"{reverse('notices_compliance')}?compound={notice.compound_id}")


hooks.register("after_edit_page", _to_compound_notices)
hooks.register("after_create_page", _to_compound_notices)


@hooks.register("before_delete_page")
def refuse_deleting_published_notice(request, page):
    notice = _notice(page)
    if notice is not None and notice.is_frozen:
        messages.error(request, _("已发布的公示不能删除。"))
        return _back(page)
    return None


@hooks.register("before_copy_page")
def refuse_copying_notice(request, page):
    """A notice is not copied (a live copy would skip the review, a copy of a published
    one would look like it): a correction links to what it corrects."""
    if _notice(page) is not None:
        messages.error(request, _("公示不能复制；如需更正已发布的公示，请发布更正公示。"))
        return _back(page)
    return None


@hooks.register("before_move_page")
def refuse_moving_notice(request, page, destination):
    """A notice belongs to its compound's board and chain."""
    if _notice(page) is not None:
        messages.error(request, _("公示不能移动到其他小区的公示栏。"))
        return _back(page)
    return None


@hooks.register("register_log_actions")
def register_notice_log_actions(actions):
    label = _("记入公示指纹链")
    actions.register_action(LOG_FINGERPRINT, label, label)


@hooks.register("register_admin_viewset")
def register_catalogue():
    return disclosure_item_viewset


hooks.register("register_admin_urls", admin_views.register_admin_urls)
hooks.register("register_admin_urls", poster_admin.register_admin_urls)
hooks.register("register_admin_menu_item", admin_views.compliance_menu_item)
hooks.register("construct_homepage_panels", admin_views.add_compliance_panel)
