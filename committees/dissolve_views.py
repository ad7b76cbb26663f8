"""撤销委员会: a committee's end is an explicit action, not an edit form (issue 8). The
officer gives a date and a reason, sees a confirmation naming the committee, and only
then :func:`committees.services.committee_dissolve` runs (atomic, audited with the
reason). The committee's edit address leads here."""

from __future__ import annotations

from django import forms as forms_module
from django.contrib import messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView

from common.access import can, fetch
from common.admin_mixins import AdminPageMixin, ScopedEditView

from . import services
from .models.bodies import Committee


class DissolveForm(forms_module.Form):
    dissolved_on = forms_module.DateField(
        label=_("撤销日期"), widget=forms_module.DateInput(attrs={"type": "date"})
    )
    reason = forms_module.CharField(
        label=_("撤销理由"),
        max_length=500,
        widget=forms_module.Textarea(attrs={"rows": 3}),
        help_text=_("例如：本小区已选举产生业主委员会，物业管理委员会依法撤销。"),
    )


class CommitteeDissolveView(AdminPageMixin, TemplateView):
    """撤销委员会: a date and a reason, then a confirmation naming the committee, then
    :func:`committees.services.committee_dissolve` (atomic, audited with the reason).
    404 outside the user's view jurisdiction, 403 without a manage grant over it."""

    template_name = "committees/admin/committee_dissolve.html"
    page_title = _("撤销委员会")
    header_icon = "group"
    http_method_names = ["get", "post"]

    def dispatch(self, request, pk, *args, **kwargs):
        self.object = fetch(Committee.objects.select_related("compound"), user=request.user, pk=pk)
        if not can(request.user, "committees.change_committee", self.object.compound):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_page_subtitle(self):
        return str(self.object)

    def inspect_url(self) -> str:
        return reverse("committees_committee:inspect", args=[self.object.pk])

    def get(self, request, *args, **kwargs):
        return self.render(DissolveForm(), confirming=False)

    def post(self, request, *args, **kwargs):
        form = DissolveForm(request.POST)
        if not form.is_valid():
            return self.render(form, confirming=False)
        if "confirm" not in request.POST:
            return self.render(form, confirming=True)
        try:
            services.committee_dissolve(
                committee=self.object,
                on=form.cleaned_data["dissolved_on"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
            return self.render(form, confirming=False)
        messages.success(request, _("已撤销%(committee)s。") % {"committee": self.object})
        return HttpResponseRedirect(self.inspect_url())

    def render(self, form, *, confirming: bool):
        return self.render_to_response(
            self.get_context_data(
                form=form,
                confirming=confirming,
                committee=self.object,
                inspect_url=self.inspect_url(),
            )
        )


class CommitteeEditView(ScopedEditView):
    """A committee is not edited: what changes it (terms, members) has its own screens,
    and its end is the explicit dissolution."""

    def dispatch(self, request, *args, **kwargs):
        obj = fetch(
            Committee.objects.select_related("compound"),
            user=request.user,
            pk=unquote(str(kwargs.get("pk"))),
        )
        if not can(request.user, "committees.change_committee", obj.compound):
            raise PermissionDenied
        return HttpResponseRedirect(reverse("committees_committee:dissolve", args=[obj.pk]))
