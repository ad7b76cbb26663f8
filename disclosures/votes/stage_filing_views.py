"""The street's list of vote stages filed back with it, and its signature for each."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from common.access import fetch
from common.admin_mixins import AdminPageMixin

from .stage_filings import stage_filing_receive, stage_filings_to_receive
from .workflows import RECEIVE_STAGE

MSG_RECEIVED = _("已签收：%(filing)s。")
SHOWN = 200


class StageFilingQueueView(AdminPageMixin, TemplateView):
    template_name = "votes/admin/stage_filings.html"
    page_title = _("表决公告备案")
    header_icon = "doc-full"
    required_role = RECEIVE_STAGE

    def get_context_data(self, **kwargs):
        return {
            **super().get_context_data(**kwargs),
            "filings": stage_filings_to_receive(self.request.user)[:SHOWN],
        }

    def post(self, request, *args, **kwargs):
        pk = request.POST.get("filing", "")
        filing = fetch(stage_filings_to_receive(request.user), user=request.user, pk=pk)
        try:
            stage_filing_receive(filing=filing, actor=request.user)
        except ValidationError as error:
            messages.error(request, "；".join(error.messages))
        else:
            messages.success(request, MSG_RECEIVED % {"filing": filing})
        return redirect("votes_vote:stage_filings")
