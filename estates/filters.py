"""Listing filters. Every choice list is scoped to what the user may see, so a filter
never reveals the names of communities or companies outside their jurisdiction."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from common.jurisdiction import VIEW, scope_queryset

from .choices import AreaSource, OwnerKind, RegionLevel
from .models import (
    Building,
    Compound,
    Grid,
    GridStaff,
    Owner,
    Ownership,
    PropertyCompany,
    Region,
    Unit,
)
from .pinyin import pinyin_order


class ScopedFilterSet(WagtailFilterSet):
    """Filters named in ``scoped_filters`` get their queryset limited to the user's view
    jurisdiction when the filter set is built for a request."""

    scoped_filters: tuple[str, ...] = ()

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = getattr(request, "user", None)
        for name in self.scoped_filters:
            choice_filter = self.filters[name]
            choice_filter.queryset = scope_queryset(choice_filter.queryset, user, VIEW)


def _regions(level: RegionLevel) -> QuerySet:
    """Choices in pinyin order of their names (estates.pinyin)."""
    return Region.objects.filter(level=level).only("id", "name", "path").order_by(pinyin_order())


def _in_region(queryset: QuerySet, path_field: str, region: Region | None) -> QuerySet:
    if region is None:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": region.path})


class CompoundFilterSet(ScopedFilterSet):
    scoped_filters = ("street", "community", "property_company")

    street = django_filters.ModelChoiceFilter(
        label=_("街道/乡镇"),
        queryset=_regions(RegionLevel.STREET),
        method="filter_region",
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区/村"),
        queryset=_regions(RegionLevel.COMMUNITY),
        field_name="region",
    )
    is_red_property = django_filters.BooleanFilter(label=_("红色物业"))
    property_company = django_filters.ModelChoiceFilter(
        label=_("物业服务企业"),
        queryset=PropertyCompany.objects.only("id", "name"),
    )

    class Meta:
        model = Compound
        fields = ["street", "community", "is_red_property", "property_company"]

    def filter_region(self, queryset, name, value):
        return _in_region(queryset, "region_path", value)


class PlaceFilterMixin(django_filters.FilterSet):
    """Street and community filters (choices scoped like the others); the rows are
    matched on ``place_path_field``, a materialised region path."""

    place_path_field = "compound__region_path"

    street = django_filters.ModelChoiceFilter(
        label=_("街道/乡镇"), queryset=_regions(RegionLevel.STREET), method="filter_place"
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区/村"), queryset=_regions(RegionLevel.COMMUNITY), method="filter_place"
    )

    def filter_place(self, queryset, name, value):
        return _in_region(queryset, self.place_path_field, value)


class UnitFilterSet(PlaceFilterMixin, ScopedFilterSet):
    scoped_filters = ("street", "community", "compound")

    compound = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=Compound.objects.only("id", "name").order_by(pinyin_order())
    )
    area_source = django_filters.ChoiceFilter(label=_("面积来源"), choices=AreaSource.choices)

    class Meta:
        model = Unit
        fields = ["street", "community", "compound", "area_source"]


class OwnerFilterSet(ScopedFilterSet):
    """By street, community, compound and unit (room number, e.g. "3-201" or "201"),
    each through the owner's ownerships (a subquery: an owner of two units appears once)."""

    scoped_filters = ("street", "community", "compound")

    street = django_filters.ModelChoiceFilter(
        label=_("街道/乡镇"), queryset=_regions(RegionLevel.STREET), method="filter_place"
    )
    community = django_filters.ModelChoiceFilter(
        label=_("社区/村"), queryset=_regions(RegionLevel.COMMUNITY), method="filter_place"
    )

    compound = django_filters.ModelChoiceFilter(
        label=_("小区"),
        queryset=Compound.objects.only("id", "name").order_by(pinyin_order()),
        method="filter_compound",
    )
    room = django_filters.CharFilter(label=_("房号"), method="filter_room", max_length=40)
    kind = django_filters.ChoiceFilter(label=_("类型"), choices=OwnerKind.choices)

    class Meta:
        model = Owner
        fields = ["street", "community", "compound", "room", "kind"]

    def filter_place(self, queryset, name, value):
        if value is None:
            return queryset
        holdings = Ownership.objects.filter(compound__region_path__startswith=value.path)
        return queryset.filter(pk__in=holdings.values("owner_id"))

    def filter_room(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        entrance, _sep, room = value.rpartition("-")
        units = Q(unit__room=room) & (Q(unit__entrance=entrance) if entrance else Q())
        return queryset.filter(pk__in=Ownership.objects.filter(units).values("owner_id"))

    def filter_compound(self, queryset, name, value):
        if value is None:
            return queryset
        # A subquery, not a join: an owner of two units appears once.
        return queryset.filter(pk__in=Ownership.objects.filter(compound=value).values("owner_id"))


class OwnershipFilterSet(PlaceFilterMixin, ScopedFilterSet):
    scoped_filters = ("street", "community", "compound")

    compound = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=Compound.objects.only("id", "name").order_by(pinyin_order())
    )
    is_registered = django_filters.BooleanFilter(label=_("已办理产权登记"))

    class Meta:
        model = Ownership
        fields = ["street", "community", "compound", "is_registered"]


class BuildingFilterSet(ScopedFilterSet):
    scoped_filters = ("compound",)

    compound = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=Compound.objects.only("id", "name").order_by(pinyin_order())
    )

    class Meta:
        model = Building
        fields = ["compound"]


class GridFilterSet(ScopedFilterSet):
    scoped_filters = ("community",)

    community = django_filters.ModelChoiceFilter(
        label=_("社区/村"), queryset=_regions(RegionLevel.COMMUNITY), field_name="region"
    )

    class Meta:
        model = Grid
        fields = ["community"]


class GridStaffFilterSet(ScopedFilterSet):
    scoped_filters = ("grid",)

    grid = django_filters.ModelChoiceFilter(
        label=_("网格"), queryset=Grid.objects.only("id", "name")
    )
    is_party_member = django_filters.BooleanFilter(label=_("党员"))

    class Meta:
        model = GridStaff
        fields = ["grid", "role", "is_party_member"]


class RegionFilterSet(ScopedFilterSet):
    level = django_filters.ChoiceFilter(label=_("层级"), choices=RegionLevel.choices)

    class Meta:
        model = Region
        fields = ["level"]
