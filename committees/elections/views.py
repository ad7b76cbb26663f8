"""Back-office views of the joint qualification review (DOMAIN §9).

Views are thin: they check the model permission, fetch through the scoped selectors
(404 outside the jurisdiction) and call the services, which fire the shared transitions.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST
from django.views.generic import FormView, TemplateView
from wagtail.admin.views import generic

from common.access import can, fetch, require_role
from common.admin_mixins import AdminPageMixin, ScopedIndexView
from common.jurisdiction import MANAGE
from common.transitions import InvalidTransition
from estates.models import Compound

from ..choices import CandidateStatus, CommitteeKind, ElectionStatus, FindingCategory, ReviewStatus
from ..models import Candidate, CandidateReview
from .forms import ElectionOpenForm, EmptyForm, NominationForm, NoticeForm, ReasonForm
from .pdf import content_disposition, election_vetting_report_pdf, report_filename
from .selectors import elections as election_selectors
from .selectors import reviews as review_selectors
from .selectors.elections import OWNER_QUERY_MAX
from .services import elections as election_services
from .services.reviews import review_record
from .workflows import (
    CANDIDATE_WORKFLOW,
    ELECTION_WORKFLOW,
    MANAGE_ELECTION,
    OPEN_ELECTION,
    REVIEW_CANDIDATE,
    VIEW_FINDINGS,
)

MSG_RECORDED = _("已记录“%(candidate)s”的审查意见。")
MSG_DONE = _("操作已完成：%(action)s。")
MSG_UNKNOWN_ACTION = _("未知的操作。")
MSG_OPENED = _("已组织“%(election)s”，现在可以提名候选人。")
MSG_NOMINATED = _("已提名“%(name)s”为候选人。")
MSG_WITHDRAWN = _("“%(name)s”已退出候选。")


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
        context["can_open"] = self.request.user.has_perm(MANAGE_ELECTION)
        return context


class ElectionMatrixView(ReviewAdminView):
    """The election's screen: its state and what comes next, the candidates with the
    departments × candidates answers (DOMAIN §9), and only the actions its state allows."""

    permission = VIEW_FINDINGS
    template_name = "committees/admin/review_matrix.html"
    page_title = _("选举与资格联审")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        election = election_selectors.election_get(user=user, pk=self.kwargs["pk"])
        context["matrix"] = review_selectors.review_matrix(election=election, user=user)
        context["election"] = election
        # The owners' vote that decides it (disclosures.votes.elections), if one is set up.
        context["election_vote"] = (
            election.votes.exclude(status="cancelled").order_by("-pk").first()
            if user.has_perm("votes.view_vote")
            else None
        )
        context["can_manage"] = can(user, MANAGE_ELECTION, election)
        context["actions"] = election_actions(election, user)
        # While the vote is being organised the election cannot be cancelled, and once it
        # is open its candidates cannot withdraw (disclosures.votes: election_cancel,
        # withdrawals): the buttons are not offered, the screen says why.
        vote = context["election_vote"]
        vote_state = vote.status if vote is not None else None
        context["vote_locks"] = vote_state in VOTE_LOCKING
        if context["vote_locks"]:
            context["actions"] = [a for a in context["actions"] if a[0] != "cancel"]
        context["can_nominate"] = context["can_manage"] and election.status in NOMINATING
        # A candidate's jurisdiction is its election's compound: one check for all.
        withdraw = CANDIDATE_WORKFLOW.by_name["withdraw"]
        context["withdrawable"] = (
            set(
                Candidate.objects.filter(
                    election=election, status__in=withdraw.sources
                ).values_list("pk", flat=True)
            )
            if context["can_manage"]
            and election.status in OPEN_ELECTION
            and vote_state in (None, VOTE_DRAFT)
            else set()
        )
        return context


NOMINATING = (ElectionStatus.DRAFT, ElectionStatus.NOMINATING)
# States of the owners' vote on the election (disclosures.votes.choices.VoteStatus, named
# here since committees does not import disclosures).
VOTE_DRAFT = "draft"
VOTE_LOCKING = (VOTE_DRAFT, "open")
# Verbs that publish to owners or cannot be undone ask for a confirmation first; every
# verb goes through the confirmation page (GET) and fires on POST.
ACTION_FORMS = {"publish": NoticeForm, "cancel": ReasonForm}
CONCLUDE = "conclude"
MSG_CONCLUDE = _("作出联审结论")


def election_actions(election, user) -> list[tuple[str, str]]:
    """(verb, label) of what the user may do to the election in its state now."""
    actions = [
        (t.name, str(t.label))
        for t in ELECTION_WORKFLOW.available(election, user)
        if t.name != "hold"  # held by the owners' vote (disclosures.votes), not here
    ]
    if (
        election.status == ElectionStatus.VETTING
        and can(user, MANAGE_ELECTION, election)
        and Candidate.objects.filter(
            election=election, status=CandidateStatus.UNDER_REVIEW
        ).exists()
    ):
        actions.insert(0, (CONCLUDE, str(MSG_CONCLUDE)))
    return actions


def _conclude_all(election, user) -> None:
    candidates = list(
        Candidate.objects.filter(election=election, status=CandidateStatus.UNDER_REVIEW)
    )
    election_services.candidates_conclude_bulk(candidates=candidates, actor=user)


def _attach(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ElectionActionView(AdminPageMixin, FormView):
    """Confirm a verb on an election (GET), then fire it (POST) through the services. A
    verb the state does not allow (someone acted first) or a guard's refusal comes back as
    a message; publishing asks for the notice's details, cancelling for a reason."""

    template_name = "committees/admin/election_confirm.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, MANAGE_ELECTION)
        self.election = election_selectors.election_get(user=request.user, pk=kwargs["pk"])
        self.verb = kwargs["action"]
        if self.verb == CONCLUDE:
            self.label = MSG_CONCLUDE
        elif self.verb in ELECTION_WORKFLOW.by_name and self.verb != "hold":
            self.label = ELECTION_WORKFLOW.by_name[self.verb].label
        else:
            raise Http404(MSG_UNKNOWN_ACTION)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return ACTION_FORMS.get(self.verb, EmptyForm)

    def get_initial(self):
        if self.verb != "publish":
            return {}
        e = self.election
        today = timezone.localdate()
        return {
            "notice_from": e.notice_from or today,
            "notice_until": e.notice_until or today + datetime.timedelta(days=7),
            "objection_until": e.objection_until or today + datetime.timedelta(days=7),
            "planned_on": e.planned_on,
            "issued_by": e.issued_by,
            "objection_place": e.objection_place,
            "objection_phone": e.objection_phone,
        }

    def get_page_title(self):
        return self.label

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            election=self.election,
            label=self.label,
            verb=self.verb,
            passed=Candidate.objects.filter(
                election=self.election, status=CandidateStatus.PASSED
            ).order_by("name"),
            cancel_url=reverse(MATRIX_URL, args=[self.election.pk]),
        )
        return context

    def form_valid(self, form):
        election, user, data = self.election, self.request.user, form.cleaned_data
        try:
            if self.verb == CONCLUDE:
                _conclude_all(election, user)
            elif self.verb == "start_vetting":
                election_services.election_start_vetting(election=election, actor=user)
            elif self.verb == "publish":
                notice = election_services.CandidateNotice(**data)
                election_services.election_publish_candidates(
                    election=election, actor=user, notice=notice
                )
            elif self.verb == "cancel":
                election_services.election_cancel(
                    election=election, actor=user, reason=data["reason"]
                )
            else:
                ELECTION_WORKFLOW.fire(election, self.verb, actor=user)
        except InvalidTransition as error:
            messages.error(self.request, _error_text(error))
        except ValidationError as error:
            if self.verb == "publish" and hasattr(error, "error_dict"):
                _attach(form, error)
                return self.form_invalid(form)
            messages.error(self.request, _error_text(error))
        else:
            messages.success(self.request, MSG_DONE % {"action": self.label})
        return redirect(reverse(MATRIX_URL, args=[election.pk]))


MATRIX_URL = "committees_reviews:matrix"


class CompoundPickView(ReviewAdminView):
    """Step one of opening an election: find the compound by name (a page of matches in
    the user's managed jurisdiction, never the whole list)."""

    permission = MANAGE_ELECTION
    template_name = "committees/admin/election_pick_compound.html"
    page_title = _("组织选举")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        q = self.request.GET.get("q", "").strip()[:OWNER_QUERY_MAX]
        context["q"] = q
        context["compounds"] = (
            election_selectors.compounds_for_election(user=self.request.user, q=q) if q else []
        )
        return context


class ElectionOpenView(AdminPageMixin, FormView):
    """Open an election for a compound: the 换届 of its committee, or its first one."""

    form_class = ElectionOpenForm
    template_name = "committees/admin/election_form.html"
    header_icon = "date"
    page_title = _("组织选举")

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, MANAGE_ELECTION)
        self.compound = fetch(Compound, user=request.user, level=MANAGE, pk=kwargs["compound"])
        self.committee = self.compound.committees.filter(is_active=True).first()
        return super().dispatch(request, *args, **kwargs)

    def get_initial(self):
        if self.committee is None:
            return {"kind": CommitteeKind.OWNERS, "term_number": 1, "seats": 5}
        return {
            "kind": self.committee.kind,
            "term_number": self.committee.terms.count() + 1,
            "seats": 5,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(compound=self.compound, committee=self.committee)
        return context

    def form_valid(self, form):
        try:
            election = election_services.election_open(
                compound=self.compound, actor=self.request.user, **form.cleaned_data
            )
        except ValidationError as error:
            _attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_OPENED % {"election": election})
        return redirect(reverse(MATRIX_URL, args=[election.pk]))


class NominateView(AdminPageMixin, FormView):
    """Nominate an owner of the compound (DOMAIN 4.1) with the owner autocomplete."""

    form_class = NominationForm
    template_name = "committees/admin/election_nominate.html"
    header_icon = "user"
    page_title = _("提名候选人")

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, MANAGE_ELECTION)
        self.election = election_selectors.election_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user, "election": self.election}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = context["form"]
        context.update(
            election=self.election,
            media=form.media,
            owners_url=reverse("committees_reviews:owners", args=[self.election.pk]),
            candidates=Candidate.objects.filter(election=self.election).order_by("name"),
        )
        return context

    def form_valid(self, form):
        data = form.cleaned_data
        try:
            candidate = election_services.candidate_nominate(
                election=self.election,
                owner=data["owner"],
                position_sought=data["position_sought"],
                party_status=data["party_status"],
                nominated_on=data["nominated_on"],
                document=data["document"],
                actor=self.request.user,
            )
        except ValidationError as error:
            if getattr(error, "code", None) == "not_owner":
                form.add_error("owner_query", error)
            else:
                _attach(form, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_NOMINATED % {"name": candidate.name})
        if "another" in self.request.POST:
            return redirect(reverse("committees_reviews:nominate", args=[self.election.pk]))
        return redirect(reverse(MATRIX_URL, args=[self.election.pk]))


def owner_search_view(request: HttpRequest, pk: int) -> JsonResponse:
    """The nomination autocomplete: owners of the election's compound matching ``q``."""
    require_role(request.user, MANAGE_ELECTION)
    election = election_selectors.election_get(user=request.user, pk=pk)
    options = election_selectors.owner_options_for_nomination(
        user=request.user, election=election, q=request.GET.get("q", "")
    )
    return JsonResponse(
        {
            "results": [
                {"id": o.id, "name": o.name, "units": o.units, "nominated": o.nominated}
                for o in options
            ]
        }
    )


class CandidateWithdrawView(AdminPageMixin, FormView):
    """Withdraw a candidate, with a reason and a confirmation (it cannot be undone)."""

    form_class = ReasonForm
    template_name = "committees/admin/election_withdraw.html"
    header_icon = "user"
    page_title = _("退出候选")

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, MANAGE_ELECTION)
        self.candidate = fetch(
            Candidate.objects.select_related("election", "election__compound"),
            user=request.user,
            pk=kwargs["pk"],
        )
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            candidate=self.candidate,
            cancel_url=reverse(MATRIX_URL, args=[self.candidate.election_id]),
        )
        return context

    def form_valid(self, form):
        try:
            election_services.candidate_withdraw(
                candidate=self.candidate,
                actor=self.request.user,
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            messages.error(self.request, _error_text(error))
        else:
            messages.success(self.request, MSG_WITHDRAWN % {"name": self.candidate.name})
        return redirect(reverse(MATRIX_URL, args=[self.candidate.election_id]))


def election_report_view(request: HttpRequest, pk: int) -> HttpResponse:
    """The vetting report PDF, for staff with the findings permission in the jurisdiction."""
    require_role(request.user, VIEW_FINDINGS)
    election = election_selectors.election_get(user=request.user, pk=pk)
    pdf = election_vetting_report_pdf(election=election, user=request.user)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition(
        report_filename(election), fallback=f"vetting-{election.pk}.pdf"
    )
    return response


# ------------------------------------------------------------------ the read-only viewsets
# Elections and candidates are created only through the services: the listings' "add"
# buttons lead to the screens above, and the generic create views redirect there.


class ElectionIndexView(ScopedIndexView):
    """Each row leads to the election's own screen, where staff run it."""

    def get_edit_url(self, instance):
        if self.request.user.has_perm(VIEW_FINDINGS):
            return reverse(MATRIX_URL, args=[instance.pk])
        return super().get_edit_url(instance)

    def get_add_url(self):
        if self.request.user.has_perm(MANAGE_ELECTION):
            return reverse("committees_reviews:pick_compound")
        return None


class CandidateIndexView(ScopedIndexView):
    def get_add_url(self):
        return None  # candidates are nominated from their election's screen


class ElectionCreateRedirectView(generic.CreateView):
    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, MANAGE_ELECTION)
        return redirect("committees_reviews:pick_compound")


class CandidateCreateRedirectView(generic.CreateView):
    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, MANAGE_ELECTION)
        return redirect("committees_reviews:elections")
