"""Choosers of the registry's large lists (common.admin_choosers): regions, property
companies, compounds, buildings, units, owners and grids, each scoped to the user's
jurisdiction and searched ten at a time. Registered in estates.wagtail_hooks."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from common.admin_choosers import ScopedChooserViewSet
from common.validators import mask_id_number

from .models import Building, Compound, Grid, Owner, PropertyCompany, Region, Unit


def unit_label(unit: Unit) -> str:
    return f"{unit.compound.name} {unit.building.name} {unit}"


class RegionChooserViewSet(ScopedChooserViewSet):
    model = Region
    name = "estates_region_chooser"
    icon = "site"
    choose_one_text = _("选择区域")
    search_fields = ["name", "short_name", "code", "name_pinyin"]
    ordering = ("level", "path")
    url_filter_parameters = ["level"]


class PropertyCompanyChooserViewSet(ScopedChooserViewSet):
    model = PropertyCompany
    name = "estates_company_chooser"
    icon = "group"
    choose_one_text = _("选择物业服务企业")
    search_fields = ["name", "credit_code"]
    ordering = ("name", "pk")

    @staticmethod
    def label(obj: PropertyCompany) -> str:
        return f"{obj.name}（{obj.credit_code}）" if obj.credit_code else obj.name


class CompoundChooserViewSet(ScopedChooserViewSet):
    model = Compound
    name = "estates_compound_chooser"
    icon = "home"
    choose_one_text = _("选择小区")
    search_fields = ["name", "address", "name_pinyin"]
    select_related = ("region",)
    ordering = ("region_path", "name", "pk")

    @staticmethod
    def label(obj: Compound) -> str:
        return f"{obj.region.name} {obj.name}" if "region" in obj._state.fields_cache else obj.name


class BuildingChooserViewSet(ScopedChooserViewSet):
    model = Building
    name = "estates_building_chooser"
    icon = "table"
    choose_one_text = _("选择楼栋")
    search_fields = ["name", "compound__name"]
    select_related = ("compound",)
    ordering = ("compound__name", "name", "pk")
    url_filter_parameters = ["compound"]

    @staticmethod
    def label(obj: Building) -> str:
        return f"{obj.compound.name} {obj.name}"


class UnitChooserViewSet(ScopedChooserViewSet):
    model = Unit
    name = "estates_unit_chooser"
    icon = "doc-full"
    choose_one_text = _("选择房屋")
    search_fields = ["room", "entrance", "building__name", "compound__name"]
    select_related = ("building", "compound")
    ordering = ("compound__name", "building__name", "entrance", "room", "pk")
    url_filter_parameters = ["compound"]

    @staticmethod
    def label(obj: Unit) -> str:
        return unit_label(obj)


class OwnerChooserViewSet(ScopedChooserViewSet):
    """Found by name only (partial ID numbers would let anyone probe them); the ID
    number is shown masked, which is enough to tell two namesakes apart."""

    model = Owner
    name = "estates_owner_chooser"
    icon = "user"
    choose_one_text = _("选择业主")
    search_fields = ["name"]
    ordering = ("name", "pk")
    # ?compound=<id>: the owners holding a unit in that compound (e.g. a nomination).
    url_filter_lookups = {"compound": "ownerships__compound"}

    @staticmethod
    def label(obj: Owner) -> str:
        return f"{obj.name}（{mask_id_number(obj.id_number)}）" if obj.id_number else obj.name


class GridChooserViewSet(ScopedChooserViewSet):
    model = Grid
    name = "estates_grid_chooser"
    icon = "table"
    choose_one_text = _("选择网格")
    search_fields = ["name", "code", "region__name"]
    select_related = ("region",)
    ordering = ("region_path", "code", "pk")
    url_filter_parameters = ["region"]

    @staticmethod
    def label(obj: Grid) -> str:
        return f"{obj.region.name} {obj.name}" if "region" in obj._state.fields_cache else obj.name


region_chooser = RegionChooserViewSet()
company_chooser = PropertyCompanyChooserViewSet()
compound_chooser = CompoundChooserViewSet()
building_chooser = BuildingChooserViewSet()
unit_chooser = UnitChooserViewSet()
owner_chooser = OwnerChooserViewSet()
grid_chooser = GridChooserViewSet()

CHOOSERS = (
    region_chooser,
    company_chooser,
    compound_chooser,
    building_chooser,
    unit_chooser,
    owner_chooser,
    grid_chooser,
)
