"""Back-office screens for objections to a preliminary result (issue item 6): record one
received during the objection window, and answer it. Writes go through
:mod:`disclosures.votes.publication` (the answer through the objection workflow)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import FormView

from common.access import fetch, require_role, scoped
from common.admin_mixins import AdminPageMixin

from . import publication
from .models import Objection
from .selectors import votes_visible_to
from .views import INSPECT_URL, _error_text
from .workflows import MANAGE_VOTE

MSG_LODGED = _("异议已登记。")
MSG_ANSWERED = _("异议已答复。")


class ObjectionForm(forms.Form):
    lodged_by_name = forms.CharField(label=_("异议人"), max_length=100)
    content = forms.CharField(label=_("异议内容"), widget=forms.Textarea({"rows": 4}))
    lodged_on = forms.DateField(
        label=_("提出日期"), required=False, widget=forms.DateInput({"type": "date"})
    )


class AnswerForm(forms.Form):
    answer = forms.CharField(label=_("答复"), widget=forms.Textarea({"rows": 4}))


class _VoteFormView(AdminPageMixin, FormView):
    template_name = "votes/admin/form.html"
    header_icon = "warning"

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, MANAGE_VOTE)
        self.vote = fetch(votes_visible_to(request.user), user=request.user, pk=kwargs["pk"])
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "vote": self.vote,
            "submit_label": self.page_title,
            "cancel_url": reverse(INSPECT_URL, args=[self.vote.pk]),
        }

    def done(self):
        return redirect(reverse(INSPECT_URL, args=[self.vote.pk]))


class ObjectionLodgeView(_VoteFormView):
    page_title = _("登记异议")
    form_class = ObjectionForm

    def form_valid(self, form):
        try:
            publication.objection_lodge(
                vote=self.vote,
                actor=self.request.user,
                lodged_by_name=form.cleaned_data["lodged_by_name"],
                content=form.cleaned_data["content"],
                lodged_on=form.cleaned_data["lodged_on"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
            return self.form_invalid(form)
        messages.success(self.request, MSG_LODGED)
        return self.done()


class ObjectionAnswerView(_VoteFormView):
    page_title = _("答复异议")
    form_class = AnswerForm

    def dispatch(self, request, *args, **kwargs):
        require_role(request.user, MANAGE_VOTE)
        self.objection = fetch(
            scoped(Objection, user=request.user).select_related("vote"),
            user=request.user,
            pk=kwargs["objection_pk"],
        )
        if self.objection.vote_id != kwargs["pk"]:
            raise Http404
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "objection": self.objection}

    def form_valid(self, form):
        try:
            publication.objection_answer(
                objection=self.objection,
                actor=self.request.user,
                answer=form.cleaned_data["answer"],
            )
        except ValidationError as error:
            form.add_error(None, _error_text(error))
            return self.form_invalid(form)
        messages.success(self.request, MSG_ANSWERED)
        return self.done()
