"""The filings back office under "重大事项报备": filings (listing with filters, inspect page
with versions, reviews and the compound's recent filings, and the confirmation screens of
each verb), regular reports, the local filing rules, the officer's queue and its dashboard
panel. Scoping comes from :mod:`common.admin_mixins` and the registered permission
policies; every write goes through :mod:`disclosures.filings.services`."""

from __future__ import annotations

from django.apps import apps
from django.urls import path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSetGroup

from common.access import scoped
from common.admin_mixins import AppModelViewSet, ScopedIndexView, ScopedInspectView

from . import selectors, views
from .models import Filing, FilingRules, RegularReport
from .workflows import PREPARE_FILING, VIEW_FILING


class FilingIndexView(ScopedIndexView):
    template_name = "filings/admin/filing_index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_draft"] = self.request.user.has_perm(PREPARE_FILING)
        context["draft_url"] = reverse("filings_filing:draft")
        return context


class FilingInspectView(ScopedInspectView):
    """The review screen: the proposal and its papers, every version and review, the
    verbs the user may fire, and the compound's committee and recent filings."""

    template_name = "filings/admin/filing_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        filing, user = self.object, self.request.user
        context.update(
            filing=filing,
            documents=list(filing.documents.select_related("document")),
            buildings=list(filing.scope_buildings.order_by("name")),
            versions=list(filing.versions.order_by("-number")),
            reviews=list(filing.reviews.select_related("version").order_by("-reviewed_at")),
            actions=views.filing_actions(filing, user),
            can_revise=filing.status in ("draft", "returned") and user.has_perm(PREPARE_FILING),
            recent=[
                f
                for f in selectors.compound_recent_filings(user=user, compound=filing.compound)
                if f.pk != filing.pk
            ],
            recent_votes=compound_recent_votes(user=user, compound=filing.compound),
            today=timezone.localdate(),
        )
        return context


def compound_recent_votes(*, user, compound, limit: int = 10) -> list:
    """The compound's recent owners' votes, when the votes app is installed (it builds on
    the filings, so the filings look it up by name rather than import it)."""
    if not apps.is_installed("disclosures.votes"):
        return []
    vote_model = apps.get_model("votes", "Vote")
    return list(
        scoped(vote_model, user=user).filter(compound=compound).order_by("-starts_on")[:limit]
    )


class FilingViewSet(AppModelViewSet):
    model = Filing
    icon = "doc-full"
    menu_order = 100
    index_view_class = FilingIndexView
    inspect_view_class = FilingInspectView
    inspect_view_fields = [
        "compound",
        "committee",
        "matter_type",
        "amount",
        "planned_vote_on",
        "scope_kind",
        "scope_note",
        "status",
        "review_due_on",
        "accepted_on",
        "receipt_number",
    ]
    form_fields = ["title"]  # writes go through the draft and action screens
    list_display = [
        Column("title", label=_("事项名称"), sort_key="title"),
        Column("compound", label=_("小区"), sort_key="compound__name"),
        "matter_type",
        "status",
        "planned_vote_on",
        "review_due_on",
        "receipt_number",
    ]
    list_select_related = ("compound",)
    list_filter = ["status", "matter_type", "scope_kind"]
    search_fields = ["title", "compound__name", "receipt_number"]
    ordering = ["-created_at"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("draft/", views.FilingFormView.as_view(), name="draft"),
            path("<int:pk>/revise/", views.FilingFormView.as_view(), name="revise"),
            path(
                "<int:pk>/documents/add/",
                views.FilingDocumentAddView.as_view(),
                name="add_document",
            ),
            path("<int:pk>/action/<str:verb>/", views.FilingActionView.as_view(), name="action"),
            path(
                "<int:pk>/pdf/<str:kind>/",
                views.filing_pdf_view,
                name="pdf",
            ),
        ]


class ReportInspectView(ScopedInspectView):
    template_name = "filings/admin/report_inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["actions"] = views.report_actions(self.object, self.request.user)
        return context


class RegularReportViewSet(AppModelViewSet):
    model = RegularReport
    icon = "list-ul"
    menu_order = 200
    inspect_view_class = ReportInspectView
    form_fields = ["content"]
    list_display = [
        Column("compound", label=_("小区"), sort_key="compound__name"),
        "period_start",
        "period_end",
        "due_on",
        "status",
    ]
    list_select_related = ("compound",)
    list_filter = ["status"]
    search_fields = ["compound__name"]
    ordering = ["-period_start", "compound__name"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/action/<str:verb>/", views.ReportActionView.as_view(), name="action"),
        ]


class FilingRulesViewSet(AppModelViewSet):
    """报备规则: the notice days, the "large" maintenance-fund amount, the review period and
    the report schedule a region sets for itself and everything under it."""

    model = FilingRules
    icon = "cogs"
    menu_order = 900
    inspect_view_enabled = False
    form_fields = [
        "region",
        "notice_days",
        "large_fund_amount",
        "review_days",
        "report_interval_months",
        "report_grace_days",
    ]
    list_display = [
        Column("region", label=_("适用区域"), sort_key="region_path"),
        "notice_days",
        "large_fund_amount",
        "review_days",
        "report_interval_months",
    ]
    list_select_related = ("region",)
    ordering = ["region_path"]


class QueueMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_FILING)


class QueueViewSet(ViewSet):
    name = "filings_queue"
    icon = "tasks"
    menu_label = _("报备待办")
    menu_order = 50
    add_to_admin_menu = False

    @property
    def menu_item_class(self):
        return QueueMenuItem

    def get_urlpatterns(self):
        return [path("", views.FilingQueueView.as_view(), name="index")]


class FilingViewSetGroup(ModelViewSetGroup):
    menu_label = _("重大事项报备")
    menu_icon = "doc-full"
    menu_order = 260
    items = (QueueViewSet(), FilingViewSet(), RegularReportViewSet(), FilingRulesViewSet())


class FilingQueuePanel(Component):
    """Dashboard panel: filings awaiting review (and how many are overdue), filings
    awaiting the street's receipt, and overdue regular reports."""

    name = "filing_queue"
    template_name = "filings/admin/queue_panel.html"
    order = 55

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        if not self.user.has_perm(VIEW_FILING):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context=None):
        today = timezone.localdate()
        queue = list(selectors.filing_review_queue(user=self.user)[:5])
        return {
            "queue": queue,
            "awaiting_review": selectors.filing_review_queue(user=self.user).count(),
            "overdue": selectors.filings_review_overdue(user=self.user, today=today).count(),
            "awaiting_acceptance": selectors.filings_awaiting_acceptance(user=self.user).count(),
            "reports_overdue": selectors.reports_overdue(user=self.user, today=today).count(),
            "today": today,
            "url": reverse("filings_queue:index"),
        }
