"""Compliance with the disclosure catalogue in the admin: per compound in the officer's
jurisdiction (done, due, overdue), and an alarm panel on the dashboards of the community
and the street (issue 10 §1)."""

from __future__ import annotations

from django.shortcuts import redirect
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from common.access import authorise, can, fetch, scoped
from common.admin_mixins import AdminPageMixin
from common.jurisdiction import VIEW
from estates.models import Compound

from .choices import Compliance
from .models import NoticePage
from .permissions import DRAFT_PERM
from .review import notices_awaiting_review
from .selectors.schedule import compound_schedule, region_compliance
from .services.notices import compound_board_ensure

VIEW_PERM = "notices.view_disclosureitem"
ORDER = {Compliance.OVERDUE: 0, Compliance.DUE: 1, Compliance.DONE: 2}


def _compliance_rows(user):
    compounds = scoped(Compound.objects.all(), user=user)
    totals, rows = region_compliance(None, compounds=compounds, today=timezone.localdate())
    rows.sort(key=lambda r: (ORDER[r.status], -r.counts[Compliance.OVERDUE], r.compound.name))
    return totals, rows


AWAITING_SHOWN = 100


class ComplianceView(AdminPageMixin, TemplateView):
    template_name = "notices/admin/compliance.html"
    page_title = _("公示合规")
    header_icon = "warning"
    required_role = VIEW_PERM

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        compound_pk = self.request.GET.get("compound", "")
        if compound_pk.isdigit():
            compound = fetch(
                Compound.objects.select_related("region"), user=self.request.user, pk=compound_pk
            )
            context["compound"] = compound
            context["schedule"] = compound_schedule(compound)
            context["can_draft"] = can(self.request.user, DRAFT_PERM, compound, level=VIEW)
            context["notices"] = scoped(
                NoticePage.objects.filter(compound=compound).select_related("item"),
                user=self.request.user,
            ).order_by("-pk")[:50]
        else:
            context["awaiting"] = notices_awaiting_review(self.request.user).select_related(
                "compound"
            )[:AWAITING_SHOWN]
            totals, rows = _compliance_rows(self.request.user)
            context["totals"] = [(s, Compliance(s).label, totals[s]) for s in Compliance.values]
            context["rows"] = rows
        context["statuses"] = dict(Compliance.choices)
        return context


@require_POST
def draft_start(request, compound_pk: int):
    """Open Wagtail's editor for a new notice on the compound's board (created on first
    use), for a user who may draft there."""
    compound = fetch(Compound.objects.all(), user=request.user, pk=compound_pk)
    authorise(request.user, DRAFT_PERM, compound, level=VIEW)
    board = compound_board_ensure(compound=compound)
    return redirect(reverse("wagtailadmin_pages:add", args=["notices", "noticepage", board.pk]))


def register_admin_urls():
    return [
        path("notices/compliance/", ComplianceView.as_view(), name="notices_compliance"),
        path("notices/draft/<int:compound_pk>/", draft_start, name="notices_draft_start"),
    ]


class ComplianceMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERM)


def compliance_menu_item():
    return ComplianceMenuItem(
        _("公示合规"), reverse("notices_compliance"), icon_name="warning", order=320
    )


class CompliancePanel(Component):
    """Dashboard alarm: compounds in the jurisdiction with an overdue disclosure."""

    name = "notice_compliance"
    template_name = "notices/admin/compliance_panel.html"
    order = 70

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        if not self.user.has_perm(VIEW_PERM) or self.user.has_perm("estates.all_jurisdictions"):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context=None):
        totals, rows = _compliance_rows(self.user)
        overdue = [r for r in rows if r.status == Compliance.OVERDUE]
        return {
            "overdue_compounds": len(overdue),
            "overdue_items": totals[Compliance.OVERDUE],
            "due_items": totals[Compliance.DUE],
            "url": reverse("notices_compliance"),
        }


def add_compliance_panel(request, panels):
    panels.append(CompliancePanel(request.user))
