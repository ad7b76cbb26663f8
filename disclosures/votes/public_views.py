"""The owner's check of their own ballot during the objection window (issue item 6): a
public form taking the unit's address and the code printed on its ballot sheet. The
answer names that unit's recorded choice only; a wrong code reads like an unknown unit."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache

from common.security import client_ip

from . import publication


class CheckForm(forms.Form):
    building = forms.CharField(label=_("楼栋"), max_length=50)
    entrance = forms.CharField(label=_("单元"), max_length=20, required=False)
    room = forms.CharField(label=_("房号"), max_length=20)
    code = forms.CharField(label=_("核对码"), max_length=20)


@never_cache
def ballot_check(request: HttpRequest, vote_id: int) -> HttpResponse:
    vote = publication.vote_in_objection_stage(vote_id)
    if vote is None:
        raise Http404
    answer = error = None
    form = CheckForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            answer = publication.ballot_check(
                vote=vote, client=client_ip(request) or "", **form.cleaned_data
            )
        except ValidationError as refusal:
            error = refusal.messages[0]
    return render(
        request,
        "votes/public/ballot_check.html",
        {"vote": vote, "form": form, "answer": answer, "error": error},
    )
