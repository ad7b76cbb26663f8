"""Back-office views of the joint qualification review (DOMAIN §9).

Views are thin: they check the model permission, fetch through the scoped selectors
(404 outside the jurisdiction) and call the services, which fire the shared transitions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView

from common.access import fetch, require_role
from common.admin_mixins import AdminPageMixin

from ..choices import CandidateStatus, FindingCategory, ReviewStatus
from ..models import Candidate, CandidateReview
from .pdf import election_vetting_report_pdf
from .selectors import elections as election_selectors
from .selectors import reviews as review_selectors
from .services import elections as election_services
from .services.reviews import review_record
from .workflows import MANAGE_ELECTION, REVIEW_CANDIDATE, VIEW_FINDINGS

MSG_RECORDED = _("已记录“%(candidate)s”的审查意见。")
MSG_DONE = _("操作已完成：%(action)s。")
MSG_UNKNOWN_ACTION = _("未知的操作。")


def _error_text(error: ValidationError) -> str:
    return "；".join(str(m) for m in error.messages)


class ReviewAdminView(AdminPageMixin, TemplateView):
    permission = ""
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, self.permission)
        return super().dispatch(request, *args, **kwargs)


class ReviewerDashboardView(ReviewAdminView):
    """A department reviewer's queue: only reviews sent to their own department(s)."""

    permission = REVIEW_CANDIDATE
    template_name = "committees/admin/review_dashboard.html"
    page_title = _("资格联审待办")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["rows"] = review_selectors.reviewer_rows(user=self.request.user)
        context["statuses"] = [
            (s.value, s.label) for s in ReviewStatus if s != ReviewStatus.PENDING
        ]
        context["categories"] = [c for c in FindingCategory.choices if c[0]]
        return context


@require_POST
def review_record_view(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a department's answer. Another department's reviewer gets 403 (the
    workflow guard), an answered review a message (InvalidTransition)."""
    require_role(request.user, REVIEW_CANDIDATE)
    review = fetch(CandidateReview.objects.select_related("candidate"), user=request.user, pk=pk)
    try:
        review_record(
            review=review,
            status=request.POST.get("status", ""),
            category=request.POST.get("category", ""),
            actor=request.user,
        )
    except PermissionDenied as error:
        # Another department's review: say so rather than Wagtail's generic refusal.
        messages.error(request, str(error))
    except ValidationError as error:
        messages.error(request, _error_text(error))
    else:
        messages.success(request, MSG_RECORDED % {"candidate": review.candidate.name})
    return redirect("committees_reviews:dashboard")


class OverdueView(ReviewAdminView):
    """Street staff: overdue reviews per department in their jurisdiction."""

    permission = VIEW_FINDINGS
    template_name = "committees/admin/review_overdue.html"
    page_title = _("联审逾期情况")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["summary"] = review_selectors.overdue_by_department(user=user)
        context["reviews"] = review_selectors.overdue_reviews(user=user)
        return context


class ElectionListView(ReviewAdminView):
    permission = VIEW_FINDINGS
    template_name = "committees/admin/review_elections.html"
    page_title = _("选举与资格联审")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["elections"] = election_selectors.election_list_visible_to(
            user=self.request.user
        ).order_by("-started_on", "compound__name")
        return context


class ElectionMatrixView(ReviewAdminView):
    """Street staff: departments × candidates with every answer (DOMAIN §9)."""

    permission = VIEW_FINDINGS
    template_name = "committees/admin/review_matrix.html"
    page_title = _("候选人联审结果")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        election = election_selectors.election_get(user=user, pk=self.kwargs["pk"])
        context["matrix"] = review_selectors.review_matrix(election=election, user=user)
        context["election"] = election
        context["can_manage"] = user.has_perm(MANAGE_ELECTION)
        context["actions"] = [(key, label) for key, (label, _run) in ELECTION_ACTIONS.items()]
        return context


ELECTION_ACTIONS = {
    "start_vetting": (
        _("提交资格联审"),
        lambda e, u: election_services.election_start_vetting(election=e, actor=u),
    ),
    "conclude": (_("作出联审结论"), lambda e, u: _conclude_all(e, u)),
    "publish": (
        _("公示候选人"),
        lambda e, u: election_services.election_publish_candidates(election=e, actor=u),
    ),
}


def _conclude_all(election, user) -> None:
    for candidate in Candidate.objects.filter(
        election=election, status=CandidateStatus.UNDER_REVIEW
    ):
        election_services.candidate_conclude(candidate=candidate, actor=user)


@require_POST
def election_action_view(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    require_role(request.user, MANAGE_ELECTION)
    election = election_selectors.election_get(user=request.user, pk=pk)
    if action not in ELECTION_ACTIONS:
        messages.error(request, MSG_UNKNOWN_ACTION)
    else:
        label, run = ELECTION_ACTIONS[action]
        try:
            run(election, request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
        else:
            messages.success(request, MSG_DONE % {"action": label})
    return redirect(reverse("committees_reviews:matrix", args=[election.pk]))


def election_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The vetting report PDF, for staff with the findings permission in the jurisdiction."""
    require_role(request.user, VIEW_FINDINGS)
    election = election_selectors.election_get(user=request.user, pk=pk)
    pdf = election_vetting_report_pdf(election=election, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="vetting-{election.pk}.pdf"'
    return response
