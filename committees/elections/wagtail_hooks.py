"""Registration only, for elections and the joint qualification review: audit-log action
labels of the workflows, permission policies, admin URLs and the "资格联审" menu, and
read-only election and candidate viewsets whose history views show the transitions.
Imported by committees.wagtail_hooks."""

from __future__ import annotations

from django.urls import include, path, reverse_lazy
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.permissions import policy_registry, register_permission_policy

from common.admin_mixins import ScopedHistoryView, ScopedViewSetMixin
from common.permission_policies import JurisdictionPermissionPolicy

from ..choices import ReviewSource
from . import views
from .models import Candidate, CandidateReview, Election
from .workflows import MANAGE_ELECTION, REVIEW_CANDIDATE, VIEW_FINDINGS, WORKFLOWS

for _model in (Election, Candidate, CandidateReview):
    if policy_registry.get_by_type(_model, fallback=False) is None:
        register_permission_policy(_model, JurisdictionPermissionPolicy(_model), exact_class=True)


@hooks.register("register_log_actions")
def register_workflow_log_actions(actions):
    for workflow in WORKFLOWS:
        for action, label, message in workflow.log_actions():
            actions.register_action(action, label, message)


app_name = "committees_reviews"
urlpatterns = [
    path("", views.ReviewerDashboardView.as_view(), name="dashboard"),
    path("<int:pk>/record/", views.review_record_view, name="record"),
    path("overdue/", views.OverdueView.as_view(), name="overdue"),
    path("elections/", views.ElectionListView.as_view(), name="elections"),
    path("elections/<int:pk>/", views.ElectionMatrixView.as_view(), name="matrix"),
    path("elections/<int:pk>/report.pdf", views.election_report_view, name="report"),
    path("elections/new/", views.CompoundPickView.as_view(), name="pick_compound"),
    path("elections/new/<int:compound>/", views.ElectionOpenView.as_view(), name="open"),
    path("elections/<int:pk>/nominate/", views.NominateView.as_view(), name="nominate"),
    path("elections/<int:pk>/owners/", views.owner_search_view, name="owners"),
    path(
        "candidates/<int:pk>/withdraw/",
        views.CandidateWithdrawView.as_view(),
        name="withdraw",
    ),
    path(
        "elections/<int:pk>/<slug:action>/",
        views.ElectionActionView.as_view(),
        name="action",
    ),
]


@hooks.register("register_admin_urls")
def register_review_urls():
    return [path("reviews/", include((urlpatterns, app_name), namespace=app_name))]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


def _menu_items() -> list[MenuItem]:
    return [
        PermissionMenuItem(
            _("联审待办"),
            reverse_lazy("committees_reviews:dashboard"),
            name="review-dashboard",
            icon_name="tasks",
            order=100,
            permission=REVIEW_CANDIDATE,
        ),
        PermissionMenuItem(
            _("选举与联审结果"),
            reverse_lazy("committees_reviews:elections"),
            name="review-elections",
            icon_name="table",
            order=200,
            permission=VIEW_FINDINGS,
        ),
        PermissionMenuItem(
            _("联审逾期情况"),
            reverse_lazy("committees_reviews:overdue"),
            name="review-overdue",
            icon_name="warning",
            order=300,
            permission=VIEW_FINDINGS,
        ),
    ]


class ReviewMenuItem(SubmenuMenuItem):
    def is_shown(self, request):
        return any(
            request.user.has_perm(p) for p in (REVIEW_CANDIDATE, VIEW_FINDINGS, MANAGE_ELECTION)
        )


@hooks.register("register_admin_menu_item")
def register_review_menu():
    return ReviewMenuItem(
        _("资格联审"),
        Menu(items=_menu_items()),
        name="joint-review",
        icon_name="tasks",
        order=450,
    )


class ViewableHistoryView(ScopedHistoryView):
    """Staff who may only view elections still read their transition history (audit)."""

    any_permission_required = ["add", "change", "delete", "view"]


class ElectionViewSet(ScopedViewSetMixin, ModelViewSet):
    """Elections are created and moved only through services; the viewset serves listing,
    inspection and the history of transitions (no status field in any form). Its "add"
    leads to the service-backed screen that opens an election."""

    model = Election
    history_view_class = ViewableHistoryView
    index_view_class = views.ElectionIndexView
    add_view_class = views.ElectionCreateRedirectView
    name = "committees_election"
    url_prefix = "committees/election"
    icon = "date"
    add_to_admin_menu = False
    form_fields = ["planned_on"]
    list_display = ["compound", "kind", "term_number", "seats", "status", "started_on"]
    list_select_related = ("compound",)
    inspect_view_fields_exclude = ["id"]


class CandidateViewSet(ScopedViewSetMixin, ModelViewSet):
    model = Candidate
    history_view_class = ViewableHistoryView
    index_view_class = views.CandidateIndexView
    add_view_class = views.CandidateCreateRedirectView
    name = "committees_candidate"
    url_prefix = "committees/candidate"
    icon = "user"
    add_to_admin_menu = False
    form_fields = ["position_sought"]
    list_display = ["name", Column("compound", label=_("小区")), "position_sought", "status"]
    list_select_related = ("compound",)
    inspect_view_fields = ["name", "compound", "election", "position_sought", "nominated_on"]


@hooks.register("register_admin_viewset")
def register_election_viewsets():
    return [ElectionViewSet(), CandidateViewSet()]


@hooks.register("scope_history_queryset")
def reviews_of_own_department(queryset, user):
    """DOMAIN §9: in every history view, report and export a department reviewer reads
    only their own department's answers (as :mod:`.selectors.reviews`); staff with the
    view permission on reviews read every department's."""
    if queryset.model is CandidateReview and not user.has_perm("committees.view_candidatereview"):
        return queryset.filter(source=ReviewSource.DEPARTMENT, department__members__user=user)
    return queryset
