"""Listing filters of the committees' back office: by street, community, status and
date. Street and community choices are limited to the user's view jurisdiction (as in
estates.filters), so a filter never names a region the user may not see, and become a
scoped chooser when the user may see more than a page of them."""

from __future__ import annotations

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import DateRangePickerWidget

from estates import choosers
from estates.choices import RegionLevel
from estates.filters import COMMUNITIES, STREETS, ScopedFilterSet, _in_region, _regions

from .choices import CommitteeKind, PartyStatus, Position
from .models.bodies import Committee, CommitteeMember, Term


class RegionFilterSet(ScopedFilterSet):
    """Street and community filters on ``compound__region_path``."""

    scoped_filters = ("street", "community")
    filter_choosers = {
        "street": (choosers.region_chooser, STREETS),
        "community": (choosers.region_chooser, COMMUNITIES),
    }
    region_path_field = "compound__region_path"

    street = django_filters.ModelChoiceFilter(
        label=_("街道/乡镇"), queryset=_regions(RegionLevel.STREET), method="filter_region"
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区/村"), queryset=_regions(RegionLevel.COMMUNITY), method="filter_region"
    )

    def filter_region(self, queryset, name, value):
        return _in_region(queryset, self.region_path_field, value)


class CommitteeFilterSet(RegionFilterSet):
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=CommitteeKind.choices)
    is_active = django_filters.BooleanFilter(label=_("在任"))
    formed_on = django_filters.DateFromToRangeFilter(
        label=_("成立日期"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Committee
        fields = ["street", "community", "kind", "is_active", "formed_on"]


class TermStatus:
    """Where a term stands in its first weeks and at its end (DOMAIN 3.2, 3.3, 3.8)."""

    NO_FIRST_MEETING = "no_first_meeting"
    NOT_FILED = "not_filed"
    FILED = "filed"
    NOT_HANDED_OVER = "not_handed_over"
    HANDED_OVER = "handed_over"
    CHOICES = [
        (NO_FIRST_MEETING, _("未召开首次会议")),
        (NOT_FILED, _("未备案")),
        (FILED, _("已备案")),
        (NOT_HANDED_OVER, _("未移交")),
        (HANDED_OVER, _("已移交")),
    ]
    CONDITIONS = {
        NO_FIRST_MEETING: Q(first_meeting_on__isnull=True),
        NOT_FILED: Q(filed_on__isnull=True),
        FILED: Q(filed_on__isnull=False),
        NOT_HANDED_OVER: Q(handed_over_on__isnull=True),
        HANDED_OVER: Q(handed_over_on__isnull=False),
    }


class TermFilterSet(RegionFilterSet):
    status = django_filters.ChoiceFilter(
        label=_("状态"), choices=TermStatus.CHOICES, method="filter_status"
    )
    elected_on = django_filters.DateFromToRangeFilter(
        label=_("选举日期"), widget=DateRangePickerWidget
    )
    ends_on = django_filters.DateFromToRangeFilter(
        label=_("任期届满"), widget=DateRangePickerWidget
    )

    class Meta:
        model = Term
        fields = ["street", "community", "status", "elected_on", "ends_on"]

    def filter_status(self, queryset, name, value):
        condition = TermStatus.CONDITIONS.get(value)
        return queryset if condition is None else queryset.filter(condition)


class MemberFilterSet(RegionFilterSet):
    serving = django_filters.BooleanFilter(
        label=_("在任"), field_name="left_on", lookup_expr="isnull"
    )
    position = django_filters.ChoiceFilter(label=_("职务"), choices=Position.choices)
    party_status = django_filters.ChoiceFilter(label=_("政治面貌"), choices=PartyStatus.choices)
    started_on = django_filters.DateFromToRangeFilter(
        label=_("任职日期"), widget=DateRangePickerWidget
    )

    class Meta:
        model = CommitteeMember
        fields = ["street", "community", "serving", "position", "party_status", "started_on"]
