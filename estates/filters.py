"""Listing filters. Every choice list is scoped to what the user may see, so a filter
never reveals the names of communities or companies outside their jurisdiction; a choice
with more than a page of rows for the user is a chooser (common.admin_choosers), so no
filter renders thousands of options."""

from __future__ import annotations

import django_filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet

from common.jurisdiction import VIEW, scope_queryset

from . import choosers
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

#: A filter whose choices for the user are more than this is shown as a chooser.
DROPDOWN_LIMIT = 50
STREETS = {"level": str(RegionLevel.STREET.value)}
COMMUNITIES = {"level": str(RegionLevel.COMMUNITY.value)}


class ScopedFilterSet(WagtailFilterSet):
    """Filters named in ``scoped_filters`` get their queryset limited to the user's view
    jurisdiction when the filter set is built for a request.

    ``filter_choosers`` maps a filter name to a chooser and its URL parameters: when the
    user may see more than :data:`DROPDOWN_LIMIT` rows (read once, see
    :func:`fit_choice_field`), the filter shows the chooser's button and searchable modal instead of a list,
    scoped the same way; a small jurisdiction keeps the quicker dropdown."""

    scoped_filters: tuple[str, ...] = ()
    filter_choosers: dict[str, tuple[choosers.ScopedChooserViewSet, dict[str, str]]] = {}

    def __init__(self, *args, request=None, **kwargs):
        super().__init__(*args, request=request, **kwargs)
        user = self._user = getattr(request, "user", None)
        for name in self.scoped_filters:
            choice_filter = self.filters[name]
            choice_filter.queryset = scope_queryset(choice_filter.queryset, user, VIEW)

    @property
    def form(self):
        if not hasattr(self, "_form"):
            form = super().form
            for name, (chooser, params) in self.filter_choosers.items():
                fit_choice_field(form.fields[name], chooser, params, self._user)
        return self._form


def fit_choice_field(field, chooser, params: dict[str, str], user) -> None:
    """Show ``field`` (a model choice field already scoped to ``user``) as ``chooser``
    when it offers more than :data:`DROPDOWN_LIMIT` rows, else as a dropdown of the rows
    read here: one query either way, none when the form is rendered."""
    rows = list(field.queryset[: DROPDOWN_LIMIT + 1])
    if len(rows) > DROPDOWN_LIMIT:
        widget = chooser.widget(user=user, url_params=params)
        widget.is_required = field.required
        field.widget = widget
        return
    empty = [] if field.empty_label is None else [("", field.empty_label)]
    field.widget.choices = [*empty, *((obj.pk, field.label_from_instance(obj)) for obj in rows)]


def _regions(level: RegionLevel) -> QuerySet:
    """Choices in pinyin order of their names (estates.pinyin)."""
    return Region.objects.filter(level=level).only("id", "name", "path").order_by(pinyin_order())


def _in_region(queryset: QuerySet, path_field: str, region: Region | None) -> QuerySet:
    if region is None:
        return queryset
    return queryset.filter(**{f"{path_field}__startswith": region.path})


class CompoundFilterSet(ScopedFilterSet):
    scoped_filters = ("street", "community", "property_company")
    filter_choosers = {
        "street": (choosers.region_chooser, STREETS),
        "community": (choosers.region_chooser, COMMUNITIES),
        "property_company": (choosers.company_chooser, {}),
    }

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
    filter_choosers = {
        "street": (choosers.region_chooser, STREETS),
        "community": (choosers.region_chooser, COMMUNITIES),
        "compound": (choosers.compound_chooser, {}),
    }

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
    filter_choosers = {
        "street": (choosers.region_chooser, STREETS),
        "community": (choosers.region_chooser, COMMUNITIES),
        "compound": (choosers.compound_chooser, {}),
    }

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
    filter_choosers = {
        "street": (choosers.region_chooser, STREETS),
        "community": (choosers.region_chooser, COMMUNITIES),
        "compound": (choosers.compound_chooser, {}),
    }

    compound = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=Compound.objects.only("id", "name").order_by(pinyin_order())
    )
    is_registered = django_filters.BooleanFilter(label=_("已办理产权登记"))

    class Meta:
        model = Ownership
        fields = ["street", "community", "compound", "is_registered"]


class BuildingFilterSet(ScopedFilterSet):
    scoped_filters = ("compound",)
    filter_choosers = {"compound": (choosers.compound_chooser, {})}

    compound = django_filters.ModelChoiceFilter(
        label=_("小区"), queryset=Compound.objects.only("id", "name").order_by(pinyin_order())
    )

    class Meta:
        model = Building
        fields = ["compound"]


class GridFilterSet(ScopedFilterSet):
    scoped_filters = ("community",)
    filter_choosers = {"community": (choosers.region_chooser, COMMUNITIES)}

    community = django_filters.ModelChoiceFilter(
        label=_("社区/村"), queryset=_regions(RegionLevel.COMMUNITY), field_name="region"
    )

    class Meta:
        model = Grid
        fields = ["community"]


class GridStaffFilterSet(ScopedFilterSet):
    scoped_filters = ("grid",)
    filter_choosers = {"grid": (choosers.grid_chooser, {})}

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
