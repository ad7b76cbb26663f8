"""The votes back office under "业主表决": votes (listing, the result page with live
participation, the batches awaiting a second person, and the screens of each verb), the
ballot entry screen, and the local voting rules. Scoping comes from
:mod:`common.admin_mixins` and the registered permission policies; every write goes
through :mod:`disclosures.votes.services`."""

from __future__ import annotations

from django.db.models import Count
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.viewsets.model import ModelViewSetGroup

from common.admin_mixins import AppModelViewSet, ScopedIndexView, ScopedInspectView

from . import elections, import_views, objection_views, pdf_views, stage_filing_views, views
from .models import Vote, VoteRules
from .publication import in_objection_window
from .selectors import vote_result, vote_tally
from .workflows import ENTER_BALLOT, MANAGE_VOTE


class VoteIndexView(ScopedIndexView):
    template_name = "votes/admin/index.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["can_create"] = self.request.user.has_perm(MANAGE_VOTE)
        context["create_url"] = reverse("votes_vote:start")
        return context


class VoteInspectView(ScopedInspectView):
    """The vote's page: its figures on both measures (live while open, as stored once
    counted), the thresholds and what is still missing, the batches awaiting a second
    person, and the verbs the user may fire."""

    template_name = "votes/admin/inspect.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        vote, user = self.object, self.request.user
        if vote.status == "counted" and vote.result:
            result = vote.result
        elif vote.electorate.exists():
            result = vote_result(vote, vote_tally(vote))
        else:
            result = None
        batches = list(
            vote.batches.select_related("entered_by", "confirmed_by", "rejected_by", "scan")
            .annotate(ballot_count=Count("ballots"))
            .order_by("-created_at")
        )
        can_enter = user.has_perm(ENTER_BALLOT)
        if vote.election_id:
            # An election: each candidate's figures and outcome (DOMAIN 1.3–1.4).
            context["election_result"] = (
                result.get("election")
                if vote.status == "counted" and result
                else (elections.election_result(vote) if result else None)
            )
            context["can_conclude"] = elections.may_conclude(vote, user)
            if result:
                # The ballot-wide figures stand for participation only (DOMAIN 1.3); each
                # candidate's approval is in the election table.
                result = {
                    **result,
                    "by_choice": {},
                    "checks": [c for c in result["checks"] if c["key"].startswith("quorum")],
                }
        context.update(
            vote=vote,
            result=result,
            choice_rows=(
                [(label, result["by_choice"][key]) for key, label in CHOICES]
                if result and result["by_choice"]
                else []
            ),
            batches=batches,
            can_enter=can_enter and vote.status == "open",
            can_check=can_enter and vote.status in ("open", "closed"),
            actions=views.vote_actions(vote, user),
            objections=list(vote.objections.select_related("entry").order_by("lodged_on", "pk")),
            can_object=user.has_perm(MANAGE_VOTE) and in_objection_window(vote),
            can_answer=user.has_perm(MANAGE_VOTE),
            can_print=user.has_perm(MANAGE_VOTE) and bool(vote.electorate_heads),
            stage_filings=list(vote.stage_filings.select_related("received_by")),
        )
        return context


CHOICES = (("agree", _("同意")), ("oppose", _("反对")), ("abstain", _("弃权")))


class VoteViewSet(AppModelViewSet):
    model = Vote
    icon = "tasks"
    menu_order = 100
    index_view_class = VoteIndexView
    inspect_view_class = VoteInspectView
    inspect_view_fields = [
        "compound",
        "filing",
        "matter_type",
        "scope_kind",
        "starts_on",
        "ends_on",
        "status",
        "electorate_heads",
        "electorate_area",
        "publication",
        "objections_until",
    ]
    form_fields = ["title"]  # writes go through the start, entry and action screens
    list_display = [
        Column("title", label=_("表决事项"), sort_key="title"),
        Column("compound", label=_("小区"), sort_key="compound__name"),
        "matter_type",
        "status",
        "starts_on",
        "ends_on",
    ]
    list_select_related = ("compound",)
    list_filter = ["status", "matter_type", "scope_kind"]
    search_fields = ["title", "compound__name"]
    ordering = ["-starts_on", "-pk"]

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("start/", views.VoteCreateView.as_view(), name="start"),
            path(
                "stage-filings/",
                stage_filing_views.StageFilingQueueView.as_view(),
                name="stage_filings",
            ),
            path("<int:pk>/action/<str:verb>/", views.VoteActionView.as_view(), name="action"),
            path("<int:pk>/entry/", views.BallotEntryView.as_view(), name="entry"),
            path("<int:pk>/import/", import_views.BallotImportView.as_view(), name="import"),
            path(
                "<int:pk>/batch/<int:batch_pk>/scan/",
                import_views.BatchScanView.as_view(),
                name="batch_scan",
            ),
            path(
                "<int:pk>/election/conclude/",
                views.ElectionConcludeView.as_view(),
                name="election_conclude",
            ),
            path("<int:pk>/result.pdf", pdf_views.result_pdf, name="result_pdf"),
            path("<int:pk>/ballots.pdf", pdf_views.ballot_sheets, name="ballot_sheets"),
            path("<int:pk>/ballot/<int:entry_pk>.pdf", pdf_views.ballot_sheet, name="ballot_sheet"),
            path(
                "<int:pk>/objection/",
                objection_views.ObjectionLodgeView.as_view(),
                name="objection_lodge",
            ),
            path(
                "<int:pk>/objection/<int:objection_pk>/answer/",
                objection_views.ObjectionAnswerView.as_view(),
                name="objection_answer",
            ),
            path(
                "<int:pk>/batch/<int:batch_pk>/<str:verb>/",
                views.BatchActionView.as_view(),
                name="batch",
            ),
        ]


class VoteRulesViewSet(AppModelViewSet):
    """表决规则: whether non-voters count with the majority where the local rules say so
    (DOMAIN 1.8), for a region and everything under it."""

    model = VoteRules
    icon = "cogs"
    menu_order = 900
    inspect_view_enabled = False
    form_fields = ["region", "silent_with_majority", "objection_days", "election_tie_rule"]
    list_display = [
        Column("region", label=_("适用区域"), sort_key="region_path"),
        "silent_with_majority",
        "objection_days",
        "election_tie_rule",
    ]
    list_select_related = ("region",)
    ordering = ["region_path"]


class VoteViewSetGroup(ModelViewSetGroup):
    menu_label = _("业主表决")
    menu_icon = "tasks"
    menu_order = 270
    items = (VoteViewSet(), VoteRulesViewSet())
