"""预警: the alarms of the officer's jurisdiction as a working list.

Each alarm links to the committee (and the term) it is about; it can be marked handled
with a note, one at a time or many with one confirmation (committees.services.alarms,
audited on the committee). The list is filtered by kind, street, community, status
(open, handled) and deadline, searched by compound or message, and exported as CSV or
XLSX with the same rows (Wagtail's spreadsheet export; cells a spreadsheet would run as
formulas are written as text, common.exports). Alarms are recomputed for the user at
each request (committees.selectors.alarms), so a key posted from elsewhere simply finds
nothing: nothing outside the jurisdiction can be seen, exported or marked.
"""

from __future__ import annotations

from datetime import date

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.views.generic import TemplateView
from wagtail.admin.views.mixins import SpreadsheetExportMixin

from common.admin_mixins import AdminPageMixin
from common.exports import NeutralisedCsvExportMixin
from common.jurisdiction import VIEW, scope_queryset
from estates import choosers
from estates.choices import RegionLevel
from estates.filters import COMMUNITIES, STREETS, fit_choice_field
from estates.models import Region

from .selectors.alarms import Alarm, AlarmKind, alarms_for
from .services import alarms as alarm_services

VIEW_PERM = "committees.view_committee"
SEARCH_MAX_CHARS = 100
STATUS_OPEN, STATUS_HANDLED, STATUS_ALL = "open", "handled", "all"


class AlarmFilterForm(forms.Form):
    q = forms.CharField(label=_("搜索"), required=False)
    kind = forms.ChoiceField(
        label=_("预警类型"), required=False, choices=[("", _("全部")), *AlarmKind.CHOICES]
    )
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[
            (STATUS_OPEN, _("待处理")),
            (STATUS_HANDLED, _("已处理")),
            (STATUS_ALL, _("全部")),
        ],
    )
    street = forms.ModelChoiceField(label=_("街道/乡镇"), required=False, queryset=Region.objects)
    community = forms.ModelChoiceField(label=_("社区/村"), required=False, queryset=Region.objects)
    due_from = forms.DateField(
        label=_("期限自"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    due_to = forms.DateField(
        label=_("期限至"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        regions = scope_queryset(Region.objects.only("id", "name", "path"), user, VIEW)
        self.fields["street"].queryset = regions.filter(level=RegionLevel.STREET)
        self.fields["community"].queryset = regions.filter(level=RegionLevel.COMMUNITY)
        # More than a page of regions (a city or province): a scoped chooser instead.
        for name, params in (("street", STREETS), ("community", COMMUNITIES)):
            fit_choice_field(self.fields[name], choosers.region_chooser, params, user)

    def apply(self, alarms: list[Alarm], handled: dict) -> list[Alarm]:
        if not self.is_valid():
            return [a for a in alarms if a.key not in handled]
        data = self.cleaned_data
        status = data.get("status") or STATUS_OPEN
        if status == STATUS_OPEN:
            alarms = [a for a in alarms if a.key not in handled]
        elif status == STATUS_HANDLED:
            alarms = [a for a in alarms if a.key in handled]
        if data.get("kind"):
            alarms = [a for a in alarms if a.kind == data["kind"]]
        for name in ("street", "community"):
            if region := data.get(name):
                alarms = [
                    a
                    for a in alarms
                    if a.compound and a.compound.region_path.startswith(region.path)
                ]
        due_from: date | None = data.get("due_from")
        due_to: date | None = data.get("due_to")
        if due_from:
            alarms = [a for a in alarms if a.due_on and a.due_on >= due_from]
        if due_to:
            alarms = [a for a in alarms if a.due_on and a.due_on <= due_to]
        words = (data.get("q") or "")[:SEARCH_MAX_CHARS].split()[:5]
        for word in words:
            alarms = [a for a in alarms if word in alarm_text(a)]
        return alarms


def alarm_text(alarm: Alarm) -> str:
    compound = alarm.compound
    places = [compound.name, compound.region.name, compound.region.parent.name] if compound else []
    return " ".join([alarm.kind_label, alarm.message, *places])


def committee_inspect_url(alarm: Alarm) -> str:
    if alarm.committee is None:
        return reverse("committees_calendarday:index")
    return reverse("committees_committee:inspect", args=[alarm.committee.pk])


def term_inspect_url(alarm: Alarm) -> str:
    return reverse("committees_term:inspect", args=[alarm.term.pk]) if alarm.term else ""


class AlarmAccessMixin:
    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm(VIEW_PERM):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def all_alarms(self) -> tuple[list[Alarm], dict]:
        alarms = alarms_for(self.request.user, timezone.localdate())
        return alarms, alarm_services.handled_alarms(alarms)


class AlarmIndexView(
    AlarmAccessMixin,
    AdminPageMixin,
    NeutralisedCsvExportMixin,
    SpreadsheetExportMixin,
    TemplateView,
):
    template_name = "committees/admin/alarms.html"
    page_title = _("预警")
    header_icon = "warning"
    export_filename = "alarms"
    list_export = [
        "kind",
        "street",
        "community",
        "compound",
        "committee",
        "due_on",
        "overdue",
        "message",
        "status",
        "handled_note",
    ]
    export_headings = {
        "kind": _("类型"),
        "street": _("街道/乡镇"),
        "community": _("社区"),
        "compound": _("小区"),
        "committee": _("委员会"),
        "due_on": _("期限"),
        "overdue": _("逾期天数"),
        "message": _("说明"),
        "status": _("状态"),
        "handled_note": _("处理情况"),
    }

    def get(self, request, *args, **kwargs):
        alarms, self.handled = self.all_alarms()
        self.filter_form = AlarmFilterForm(request.GET or None, user=request.user)
        self.alarms = self.filter_form.apply(alarms, self.handled)
        if self.is_export:
            return self.as_spreadsheet(self.alarms, request.GET.get("export"))
        return super().get(request, *args, **kwargs)

    def to_row_dict(self, alarm: Alarm) -> dict:
        compound = alarm.compound
        entry = self.handled.get(alarm.key)
        return {
            "kind": alarm.kind_label,
            "street": compound.region.parent.name if compound else "",
            "community": compound.region.name if compound else "",
            "compound": compound.name if compound else str(_("全平台")),
            "committee": alarm.committee.get_kind_display() if alarm.committee else "",
            "due_on": alarm.due_on,
            "overdue": alarm.days_overdue if alarm.due_on else "",
            "message": alarm.message,
            "status": str(_("已处理")) if entry else str(_("待处理")),
            "handled_note": entry.data.get("note", "") if entry else "",
        }

    def get_heading(self, queryset, field):
        return str(self.export_headings.get(field, field))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        query = self.request.GET.copy()
        query.pop("export", None)
        context.update(
            rows=[
                {
                    "alarm": alarm,
                    "committee_url": committee_inspect_url(alarm),
                    "term_url": term_inspect_url(alarm),
                    "handled": self.handled.get(alarm.key),
                }
                for alarm in self.alarms
            ],
            alarms=self.alarms,
            filter_form=self.filter_form,
            calendar_years_missing=unchecked_years(self.alarms),
            today=timezone.localdate(),
            handle_url=reverse("committees_alarms:handle"),
            export_csv_url=f"?{_with(query, 'csv')}",
            export_xlsx_url=f"?{_with(query, 'xlsx')}",
            can_handle=self.request.user.has_perm(alarm_services.HANDLE_PERM),
        )
        # The bulk button only when some row shown can still be ticked.
        context["can_bulk"] = context["can_handle"] and any(
            alarm.can_be_handled and alarm.key not in self.handled for alarm in self.alarms
        )
        return context


def _with(query, export_format: str) -> str:
    query = query.copy()
    query["export"] = export_format
    return query.urlencode()


def unchecked_years(alarms) -> list[int]:
    """Years of the deadlines shown whose holiday calendar has not been entered."""
    return sorted({a.due_on.year for a in alarms if a.due_on and not a.calendar_entered})


class HandleForm(forms.Form):
    note = forms.CharField(
        label=_("处理情况"),
        max_length=alarm_services.NOTE_MAX,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：已电话督促业委会于本周内提交备案材料。"),
    )


class AlarmHandleView(AlarmAccessMixin, AdminPageMixin, TemplateView):
    """Marks the chosen alarms handled: the first POST (from the list's checkboxes or a
    row's button) shows them with a note field; the second, with ``confirm``, writes."""

    template_name = "committees/admin/alarm_handle.html"
    page_title = _("标记预警已处理")
    header_icon = "warning"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        if not request.user.has_perm(alarm_services.HANDLE_PERM):
            raise PermissionDenied
        alarms, handled = self.all_alarms()
        keys = set(request.POST.getlist("key"))
        chosen = [a for a in alarms if a.key in keys and a.key not in handled and a.can_be_handled]
        form = HandleForm(request.POST if "confirm" in request.POST else None)
        if not chosen:
            messages.error(request, str(alarm_services.MSG_NOTHING_CHOSEN))
            return HttpResponseRedirect(reverse("committees_alarms:index"))
        if form.is_bound and form.is_valid():
            try:
                count = alarm_services.alarms_mark_handled(
                    alarms=chosen, note=form.cleaned_data["note"], actor=request.user
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("已将%(count)s条预警标记为已处理。") % {"count": count})
                return HttpResponseRedirect(reverse("committees_alarms:index"))
        context = self.get_context_data(
            form=form,
            rows=[{"alarm": a, "committee_url": committee_inspect_url(a)} for a in chosen],
            action_url=reverse("committees_alarms:handle"),
            index_url=reverse("committees_alarms:index"),
        )
        return self.render_to_response(context)
