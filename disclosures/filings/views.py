"""Back-office screens of the filings (DOMAIN §11): the committee drafts and revises; every
verb (submit, approve, return, accept, withdraw) asks for confirmation first; the community
officer's queue with due dates; regular reports submitted and reviewed.

Views are thin: they check the role, fetch through the scoped selectors (404 outside the
jurisdiction) and call the services, which fire the shared transitions.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView, TemplateView

from committees.models import Committee
from common.access import require_role
from common.admin_mixins import AdminPageMixin

from . import selectors, services
from .forms import FilingDocumentForm, FilingForm, ReasonForm, ReportForm
from .pdf import filing_form_pdf, filing_receipt_pdf
from .workflows import (
    FILING_WORKFLOW,
    PREPARE_FILING,
    REPORT_WORKFLOW,
    REVIEW_FILING,
    VIEW_FILING,
    VIEW_REPORT,
)

MSG_DONE = _("操作已完成：%(action)s。")
MSG_SAVED = _("报备已保存。")

INSPECT_URL = "filings_filing:inspect"
REPORT_INSPECT_URL = "filings_regularreport:inspect"


def _error_text(error: ValidationError) -> str:
    return "；".join(str(m) for m in error.messages)


def filing_actions(filing, user) -> list[tuple[str, str]]:
    """(verb, label) of the verbs the user may fire on the filing now."""
    return [(t.name, str(t.label)) for t in FILING_WORKFLOW.available(filing, user)]


def report_actions(report, user) -> list[tuple[str, str]]:
    return [(t.name, str(t.label)) for t in REPORT_WORKFLOW.available(report, user)]


class FilingFormView(AdminPageMixin, FormView):
    form_class = FilingForm
    template_name = "filings/admin/filing_form.html"
    header_icon = "doc-full"
    filing = None

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, PREPARE_FILING)
        if "pk" in kwargs:
            self.filing = selectors.filing_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        kwargs = super().get_form_kwargs()
        kwargs["user"] = self.request.user
        if self.filing is not None:
            kwargs["instance"] = self.filing
        return kwargs

    def get_page_title(self):
        return _("修改报备") if self.filing else _("起草重大事项报备")

    def form_valid(self, form):
        user = self.request.user
        buildings = list(form.cleaned_data.get("scope_buildings") or [])
        try:
            if self.filing is None:
                committee: Committee = form.cleaned_data["committee"]
                filing = services.filing_create(
                    actor=user, committee=committee, buildings=buildings, **form.service_fields()
                )
            else:
                filing = services.filing_update(
                    filing=self.filing, actor=user, buildings=buildings, **form.service_fields()
                )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                for field, errors in error.error_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect(reverse(INSPECT_URL, args=[filing.pk]))


class FilingDocumentAddView(AdminPageMixin, FormView):
    """Attach a paper to a draft or returned filing."""

    form_class = FilingDocumentForm
    template_name = "filings/admin/filing_form.html"
    header_icon = "doc-full"
    page_title = _("添加报备材料")

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, PREPARE_FILING)
        self.filing = selectors.filing_get(user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "submit_label": _("添加")}

    def form_valid(self, form):
        try:
            services.filing_document_add(
                filing=self.filing,
                actor=self.request.user,
                title=form.cleaned_data["title"],
                document=form.cleaned_data["document"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.form_invalid(form)
        messages.success(self.request, MSG_SAVED)
        return redirect(reverse(INSPECT_URL, args=[self.filing.pk]))


class FilingActionView(AdminPageMixin, FormView):
    """Confirm a verb on one filing (GET), then fire it (POST). A refused verb (someone
    else acted first, a missing reason, a guard) comes back as a message."""

    form_class = ReasonForm
    template_name = "filings/admin/filing_confirm.html"
    header_icon = "tasks"

    RUN = {
        "submit": lambda f, u, r: services.filing_submit(filing=f, actor=u),
        "approve": lambda f, u, r: services.filing_approve(filing=f, actor=u, note=r),
        "return": lambda f, u, r: services.filing_return(filing=f, actor=u, reason=r),
        "accept": lambda f, u, r: services.filing_accept(filing=f, actor=u),
        "withdraw": lambda f, u, r: services.filing_withdraw(filing=f, actor=u, reason=r),
    }

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, VIEW_FILING)
        self.filing = selectors.filing_get(user=request.user, pk=kwargs["pk"])
        self.transition = FILING_WORKFLOW.by_name.get(kwargs["verb"])
        if self.transition is None:
            raise PermissionDenied
        require_role(request.user, self.transition.permission)
        return super().dispatch(request, *args, **kwargs)

    def get_page_title(self):
        return self.transition.label

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            filing=self.filing,
            transition=self.transition,
            asks_reason=self.transition.name in ("approve", "return", "withdraw"),
            cancel_url=reverse(INSPECT_URL, args=[self.filing.pk]),
        )
        return context

    def form_valid(self, form):
        run = self.RUN[self.transition.name]
        try:
            run(self.filing, self.request.user, form.cleaned_data["reason"])
        except ValidationError as error:
            messages.error(self.request, _error_text(error))
        else:
            messages.success(self.request, MSG_DONE % {"action": self.transition.label})
        return redirect(reverse(INSPECT_URL, args=[self.filing.pk]))


class FilingQueueView(AdminPageMixin, TemplateView):
    """The community officer's day (and the street's): filings awaiting review with their
    due dates, the overdue ones first; filings awaiting the street's receipt; regular
    reports awaiting review and those overdue."""

    template_name = "filings/admin/queue.html"
    page_title = _("报备待办")
    header_icon = "tasks"
    required_role = VIEW_FILING

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        today = timezone.localdate()
        context.update(
            today=today,
            queue=list(selectors.filing_review_queue(user=user)),
            awaiting_acceptance=list(selectors.filings_awaiting_acceptance(user=user)),
            reports_to_review=list(selectors.reports_awaiting_review(user=user)),
            reports_overdue=list(selectors.reports_overdue(user=user, today=today)),
            can_review=user.has_perm(REVIEW_FILING),
            can_view_reports=user.has_perm(VIEW_REPORT),
        )
        return context


class ReportActionView(AdminPageMixin, FormView):
    """Submit a regular report (with its content), or approve / return it."""

    template_name = "filings/admin/report_confirm.html"
    header_icon = "tasks"

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, VIEW_REPORT)
        self.report = selectors.report_get(user=request.user, pk=kwargs["pk"])
        self.transition = REPORT_WORKFLOW.by_name.get(kwargs["verb"])
        if self.transition is None:
            raise PermissionDenied
        require_role(request.user, self.transition.permission)
        return super().dispatch(request, *args, **kwargs)

    def get_form_class(self):
        return ReportForm if self.transition.name == "submit" else ReasonForm

    def get_initial(self):
        return {"content": self.report.content}

    def get_page_title(self):
        return self.transition.label

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            report=self.report,
            transition=self.transition,
            cancel_url=reverse(REPORT_INSPECT_URL, args=[self.report.pk]),
        )
        return context

    def form_valid(self, form):
        user, report = self.request.user, self.report
        try:
            if self.transition.name == "submit":
                services.report_submit(
                    report=report, actor=user, content=form.cleaned_data["content"]
                )
            elif self.transition.name == "approve":
                services.report_approve(report=report, actor=user, note=form.cleaned_data["reason"])
            else:
                services.report_return(
                    report=report, actor=user, reason=form.cleaned_data["reason"]
                )
        except ValidationError as error:
            messages.error(self.request, _error_text(error))
        else:
            messages.success(self.request, MSG_DONE % {"action": self.transition.label})
        return redirect(reverse(REPORT_INSPECT_URL, args=[report.pk]))


def filing_pdf_view(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    """The filing form or the street's receipt as a PDF, for anyone who may see the
    filing (404 outside the jurisdiction)."""
    require_role(request.user, VIEW_FILING)
    filing = selectors.filing_get(user=request.user, pk=pk)
    if kind == "receipt":
        try:
            pdf = filing_receipt_pdf(filing=filing, user=request.user)
        except ValidationError as error:
            messages.error(request, _error_text(error))
            return redirect(reverse(INSPECT_URL, args=[filing.pk]))
        name = f"filing-receipt-{filing.pk}.pdf"
    else:
        pdf = filing_form_pdf(filing=filing, user=request.user)
        name = f"filing-{filing.pk}.pdf"
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response
