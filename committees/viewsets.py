"""The committees back office: one ModelViewSet per body model under "业委会与物委会",
plus the alarms view ("预警").

Scoping comes from :mod:`common.admin_mixins` (listings and lookups: 404 outside the
view jurisdiction, 403 without a manage grant) and the registered
:class:`~common.permission_policies.JurisdictionPermissionPolicy`. Creating a committee,
a term, a seal, an archive record or a party branch, and recording term or member
events, go through :mod:`committees.services` (validated, atomic, audited). Owners' ID
numbers are masked unless the viewer holds ``estates.view_owner_identity``.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Prefetch
from django.urls import path, reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.menus import MenuItem as ListMenuItem
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.views import generic
from wagtail.admin.viewsets.base import ViewSet
from wagtail.admin.viewsets.model import ModelViewSetGroup
from wagtail.admin.widgets.button import HeaderButton

from common.access import can
from common.admin_columns import MaskedColumn
from common.admin_forms import can_view_identity
from common.admin_mixins import (
    CAN_MANAGE,
    AppModelViewSet,
    ScopedEditView,
    ScopedIndexView,
    ScopedInspectView,
)
from common.validators import mask_id_number

from . import forms
from .alarm_views import AlarmHandleView, AlarmIndexView, unchecked_years
from .dissolve_views import CommitteeDissolveView, CommitteeEditView
from .filters import CommitteeFilterSet, MemberFilterSet, TermFilterSet
from .models.bodies import (
    ArchiveRecord,
    CalendarDay,
    Committee,
    CommitteeMember,
    PartyBranch,
    RuleProfile,
    Seal,
    Term,
)
from .selectors.alarms import AlarmKind, alarms_for
from .services.alarms import handled_alarms

VIEW_PERM = "committees.view_committee"


def yes_no(value) -> str:
    return str(_("是")) if value else str(_("否"))


class ServiceFormMixin:
    """Saves through the form's service calls in one transaction; a refusal shows on the
    form and nothing is saved."""

    def form_valid(self, form):
        self.form = form
        try:
            with transaction.atomic():
                self.object = form.perform(user=self.request.user)
        except ValidationError as error:
            form.add_error(None, error)
            self.produced_error_code = "validation_error"
            self.produced_error_message = self.get_error_message()
            return self.form_invalid(form)
        response = self.save_action()
        hook_response = self.run_after_hook()
        return hook_response if hook_response is not None else response


class ServiceCreateView(ServiceFormMixin, generic.CreateView):
    pass


class ServiceEditView(ServiceFormMixin, ScopedEditView):
    pass


class CommitteeInspectView(ScopedInspectView):
    """The committee with its terms, members, party branches and seals on one page; a
    fixed number of queries whatever the committee's size. Its action is dissolution."""

    template_name = "committees/admin/committee_inspect.html"

    def get_edit_url(self):
        return None

    @cached_property
    def header_buttons(self):
        buttons = list(super().header_buttons)
        if self.object.is_active and can(
            self.request.user, "committees.change_committee", self.object.compound
        ):
            buttons.append(
                HeaderButton(
                    _("撤销委员会"),
                    url=reverse("committees_committee:dissolve", args=[self.object.pk]),
                    icon_name="bin",
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        committee = self.object
        terms = committee.terms.order_by("-number").prefetch_related(
            Prefetch(
                "members",
                queryset=CommitteeMember.objects.select_related("owner").order_by(
                    "left_on", "position", "reserve_order", "name"
                ),
            )
        )
        show_identity = can_view_identity(self.request.user)
        context.update(
            terms=[
                {
                    "term": term,
                    "members": [
                        {
                            "member": m,
                            "id_number": (
                                m.owner.id_number
                                if show_identity
                                else mask_id_number(m.owner.id_number)
                            )
                            if m.owner
                            else "",
                        }
                        for m in term.members.all()
                    ],
                }
                for term in terms
            ],
            branches=committee.party_branches.all(),
            seals=committee.seals.select_related("keeper"),
        )
        return context


class CommitteeIndexView(ScopedIndexView):
    def get_edit_url(self, instance):
        return None

    def get_list_more_buttons(self, instance):
        buttons = super().get_list_more_buttons(instance)
        if instance.is_active and getattr(instance, CAN_MANAGE, False):
            buttons.append(
                ListMenuItem(
                    _("撤销"),
                    url=reverse("committees_committee:dissolve", args=[instance.pk]),
                    icon_name="bin",
                    priority=30,
                )
            )
        return buttons


class BodiesViewSet(AppModelViewSet):
    add_view_class = ServiceCreateView
    edit_view_class = ServiceEditView
    inspect_view_fields_exclude = ["compound"]


class PlainEditBodiesViewSet(BodiesViewSet):
    edit_view_class = ScopedEditView


class CommitteeViewSet(BodiesViewSet):
    model = Committee
    icon = "group"
    menu_order = 100
    index_view_class = CommitteeIndexView
    inspect_view_class = CommitteeInspectView
    edit_view_class = CommitteeEditView
    form_class = forms.CommitteeCreateForm
    edit_form_class = forms.CommitteeEditForm
    list_display = [
        Column("compound", label=_("小区"), sort_key="compound__name"),
        Column("street", label=_("街道/乡镇"), accessor="compound.region.parent"),
        Column("community", label=_("所属社区"), accessor="compound.region"),
        "kind",
        "set_size",
        "formed_on",
        BooleanColumn("is_active", label=_("在任")),
    ]
    list_select_related = ("compound__region__parent",)
    filterset_class = CommitteeFilterSet
    search_fields = ["compound__name", "compound__name_pinyin", "compound__address"]
    ordering = ["compound__region_path", "compound__name"]
    list_export = [
        "compound.name",
        "compound.region.parent.name",
        "compound.region.name",
        "get_kind_display",
        "set_size",
        "formed_on",
        "active",
        "dissolved_on",
    ]
    export_headings = {
        "compound.name": _("小区"),
        "compound.region.parent.name": _("街道/乡镇"),
        "compound.region.name": _("社区"),
        "get_kind_display": _("类型"),
        "set_size": _("委员设定人数"),
        "formed_on": _("成立日期"),
        "active": _("在任"),
        "dissolved_on": _("撤销日期"),
    }
    export_values = {"active": lambda c: yes_no(c.is_active)}
    export_filename = "committees"

    def get_urlpatterns(self):
        return [
            *super().get_urlpatterns(),
            path("<int:pk>/dissolve/", CommitteeDissolveView.as_view(), name="dissolve"),
        ]


class TermViewSet(BodiesViewSet):
    model = Term
    icon = "date"
    menu_order = 200
    form_class = forms.TermCreateForm
    edit_form_class = forms.TermEditForm
    list_display = [
        Column("committee", label=_("委员会"), sort_key="compound__name"),
        Column("number", label=_("届次"), accessor="__str__", sort_key="number"),
        "elected_on",
        "ends_on",
        "first_meeting_on",
        "filed_on",
        "handed_over_on",
    ]
    list_select_related = ("committee__compound__region__parent",)
    filterset_class = TermFilterSet
    search_fields = ["compound__name", "compound__name_pinyin", "filing_reference"]
    ordering = ["compound__name", "-number"]
    list_export = [
        "committee.compound.name",
        "committee.compound.region.parent.name",
        "committee.compound.region.name",
        "committee.get_kind_display",
        "number",
        "elected_on",
        "starts_on",
        "ends_on",
        "first_meeting_on",
        "filed_on",
        "filing_reference",
        "handed_over_on",
    ]
    export_headings = {
        "committee.compound.name": _("小区"),
        "committee.compound.region.parent.name": _("街道/乡镇"),
        "committee.compound.region.name": _("社区"),
        "committee.get_kind_display": _("类型"),
        "number": _("届次"),
    }
    export_filename = "terms"


class MemberInspectView(ScopedInspectView):
    def get_owner_display_value(self) -> str:
        owner = self.object.owner
        if owner is None:
            return "-"
        number = (
            owner.id_number
            if can_view_identity(self.request.user)
            else mask_id_number(owner.id_number)
        )
        return f"{owner.name}（{number}）"


class CommitteeMemberViewSet(BodiesViewSet):
    model = CommitteeMember
    icon = "user"
    menu_order = 300
    inspect_view_class = MemberInspectView
    edit_form_class = forms.MemberEditForm
    form_class = forms.MemberEditForm
    list_display = [
        "name",
        Column("compound", label=_("小区"), sort_key="compound__name"),
        Column("term", label=_("届次")),
        "position",
        MaskedColumn(
            "owner_id_number", mask_id_number, label=_("证件号码"), accessor="owner.id_number"
        ),
        "party_status",
        "left_on",
    ]
    list_select_related = ("compound__region__parent", "term", "owner")
    filterset_class = MemberFilterSet
    search_fields = ["name", "compound__name", "compound__name_pinyin"]
    ordering = ["compound__name", "term", "position", "name"]
    list_export = [
        "name",
        "compound.name",
        "compound.region.parent.name",
        "compound.region.name",
        "term_label",
        "get_position_display",
        "owner_id_number",
        "get_party_status_display",
        "started_on",
        "left_on",
        "get_leave_reason_display",
    ]
    export_headings = {
        "compound.name": _("小区"),
        "compound.region.parent.name": _("街道/乡镇"),
        "compound.region.name": _("社区"),
        "term_label": _("届次"),
        "get_position_display": _("职务"),
        "owner_id_number": _("证件号码"),
        "get_party_status_display": _("政治面貌"),
        "get_leave_reason_display": _("离任原因"),
    }
    export_values = {
        "term_label": lambda m: str(m.term),
        "owner_id_number": lambda m: m.owner.id_number if m.owner else "",
    }
    export_masks = {"owner_id_number": mask_id_number}
    export_filename = "committee-members"
    inspect_view_fields = [
        "name",
        "owner",
        "term",
        "position",
        "reserve_order",
        "started_on",
        "left_on",
        "leave_reason",
        "handed_over_on",
        "party_status",
        "party_registered_in_community",
        "cross_appointment",
    ]


class PartyBranchViewSet(BodiesViewSet):
    model = PartyBranch
    icon = "flag"
    menu_order = 400
    form_class = forms.PartyBranchCreateForm
    edit_form_class = forms.PartyBranchEditForm
    list_display = [
        "name",
        "kind",
        Column("compound", label=_("小区"), sort_key="compound__name"),
        Column("property_company", label=_("物业服务企业")),
        "secretary",
        "member_count",
        "founded_on",
    ]
    list_select_related = ("compound", "property_company")
    list_filter = ["kind"]
    search_fields = ["name", "compound__name", "secretary"]
    ordering = ["compound__name", "kind"]
    list_export = [
        "name",
        "get_kind_display",
        "compound.name",
        "property_company.name",
        "secretary",
        "member_count",
        "founded_on",
        "dissolved_on",
    ]
    export_headings = {
        "get_kind_display": _("类型"),
        "compound.name": _("小区"),
        "property_company.name": _("物业服务企业"),
    }
    export_filename = "party-branches"


class SealViewSet(PlainEditBodiesViewSet):
    model = Seal
    icon = "tick-inverse"
    menu_order = 500
    form_class = forms.SealCreateForm
    edit_form_class = forms.SealEditForm
    list_display = [
        "name",
        Column("compound", label=_("小区"), sort_key="compound__name"),
        Column("keeper", label=_("保管人")),
        "made_on",
        "returned_on",
    ]
    list_select_related = ("compound", "keeper")
    search_fields = ["name", "compound__name"]
    ordering = ["compound__name", "name"]
    list_export = ["name", "compound.name", "keeper.name", "made_on", "returned_on"]
    export_headings = {"compound.name": _("小区"), "keeper.name": _("保管人")}
    export_filename = "seals"


class ArchiveRecordViewSet(PlainEditBodiesViewSet):
    model = ArchiveRecord
    icon = "folder-open-inverse"
    menu_order = 600
    form_class = forms.ArchiveCreateForm
    edit_form_class = forms.ArchiveEditForm
    list_display = [
        "title",
        "kind",
        Column("compound", label=_("小区"), sort_key="compound__name"),
        "dated_on",
    ]
    list_select_related = ("compound",)
    list_filter = ["kind"]
    search_fields = ["title", "compound__name"]
    ordering = ["compound__name", "-dated_on"]
    list_export = ["title", "get_kind_display", "compound.name", "dated_on"]
    export_headings = {"get_kind_display": _("类型"), "compound.name": _("小区")}
    export_filename = "archives"


class CalendarIndexView(ScopedIndexView):
    """The holiday calendar, with the years entered and a warning for the years that
    deadlines will soon fall in but have no entry yet."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        today = timezone.localdate()
        entered = sorted({day.year for day in CalendarDay.objects.dates("date", "year")})
        context.update(
            calendar_years=entered,
            calendar_years_missing=[y for y in (today.year, today.year + 1) if y not in entered],
        )
        return context


class CalendarDayViewSet(AppModelViewSet):
    """节假日与调休: platform administrators edit it (committees.change_calendarday);
    every staff role that may view it reads it."""

    model = CalendarDay
    icon = "calendar-alt"
    menu_order = 900
    form_class = forms.CalendarDayForm
    index_view_class = CalendarIndexView
    index_template_name = "committees/admin/calendar_index.html"
    inspect_view_enabled = False
    list_display = [
        "date",
        Column("weekday", label=_("星期"), accessor="weekday_label"),
        BooleanColumn("is_rest_day", label=_("休息日")),
        "note",
    ]
    list_filter = ["is_rest_day"]
    search_fields = ["note"]
    ordering = ["-date"]
    list_per_page = 100


class RuleProfileViewSet(AppModelViewSet):
    """地方规则: the local variants a region sets for itself and everything under it
    (Hangzhou's 3-member committees, Shenzhen's 6-month lead, Beijing's 物委会 rules);
    platform administrators edit them, street staff read those in their street."""

    model = RuleProfile
    icon = "cogs"
    menu_order = 950
    form_class = forms.RuleProfileForm
    inspect_view_enabled = False
    list_display = [
        Column("region", label=_("适用区域"), sort_key="region_path"),
        "term_change_lead_months",
        "management_min_size",
        BooleanColumn("management_owner_share_required", label=_("检查物委会业主比例")),
        BooleanColumn("management_community_chair", label=_("物委会主任由居委会代表担任")),
    ]
    list_select_related = ("region",)
    ordering = ["region_path"]


class AlarmMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(VIEW_PERM)


class AlarmViewSet(ViewSet):
    name = "committees_alarms"
    icon = "warning"
    menu_label = _("预警")
    menu_order = 50
    add_to_admin_menu = False

    @property
    def menu_item_class(self):
        return AlarmMenuItem

    def get_urlpatterns(self):
        return [
            path("", AlarmIndexView.as_view(), name="index"),
            path("handle/", AlarmHandleView.as_view(), name="handle"),
        ]


class CommitteeViewSetGroup(ModelViewSetGroup):
    menu_label = _("业委会与物委会")
    menu_icon = "group"
    menu_order = 250
    items = (
        AlarmViewSet(),
        CommitteeViewSet(),
        TermViewSet(),
        CommitteeMemberViewSet(),
        PartyBranchViewSet(),
        SealViewSet(),
        ArchiveRecordViewSet(),
        CalendarDayViewSet(),
        RuleProfileViewSet(),
    )


class AlarmPanel(Component):
    """Dashboard panel: the number of alarms by kind in the officer's jurisdiction."""

    name = "committee_alarms"
    template_name = "committees/admin/alarm_panel.html"
    order = 60

    def __init__(self, user):
        self.user = user

    def render_html(self, parent_context=None):
        if not self.user.has_perm(VIEW_PERM):
            return ""
        return super().render_html(parent_context)

    def get_context_data(self, parent_context=None):
        counts: dict[str, int] = {}
        alarms = alarms_for(self.user, timezone.localdate())
        handled = handled_alarms(alarms)
        alarms = [a for a in alarms if a.key not in handled]
        for alarm in alarms:
            counts[alarm.kind] = counts.get(alarm.kind, 0) + 1
        return {
            "total": len(alarms),
            "calendar_years_missing": unchecked_years(alarms),
            "rows": [
                (key, AlarmKind.LABELS[key], counts[key])
                for key in AlarmKind.LABELS
                if key in counts
            ],
            "url": reverse("committees_alarms:index"),
        }
