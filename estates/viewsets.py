"""The staff back office for the registry: one Wagtail ModelViewSet per model, grouped
under "基础信息".

Scoping lives in :mod:`common.admin_mixins` (listings and object lookups) and in the
registered :class:`~common.permission_policies.JurisdictionPermissionPolicy` (buttons,
menus, model permissions); this module only declares columns, search, filters and forms.
Owners' ID numbers and phones are masked everywhere unless the user holds
``estates.view_owner_identity``.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.components import Component
from wagtail.admin.ui.tables import BooleanColumn, Column
from wagtail.admin.viewsets.model import ModelViewSetGroup

from common.admin_columns import MaskedColumn
from common.admin_forms import ScopedForm, can_view_identity
from common.admin_mixins import AppModelViewSet, ScopedIndexView, ScopedInspectView
from common.jurisdiction import MANAGE, VIEW, jurisdiction_of, scope_queryset
from common.validators import (
    LANDLINE_RE,
    MOBILE_RE,
    mask_id_number,
    mask_phone,
    normalize_id_number,
    normalize_phone,
)

from . import filters, forms, selectors
from .models import (
    Building,
    Compound,
    Department,
    Grid,
    GridStaff,
    Owner,
    Ownership,
    PropertyCompany,
    Region,
    Unit,
)
from .pinyin import pinyin_order

ID_NUMBER_LENGTH = 18
SEARCH_MAX_CHARS = 100


def yes_no(value) -> str:
    return str(_("是")) if value else str(_("否"))


def ownership_unit_label(ownership: Ownership) -> str:
    return f"{ownership.compound.name} {ownership.unit.building.name} {ownership.unit}"


class RegistryViewSet(AppModelViewSet):
    # Registry rows reference each other by the hundred thousand; tracking those in
    # Wagtail's reference index would only slow imports. Compounds keep it (photos).
    add_to_reference_index = False
    form_class: type[ScopedForm] | None = None
    edit_form_class: type[ScopedForm] | None = None
    # Internal columns: materialised paths, and the pinyin kept for order and search.
    inspect_view_fields_exclude = ["region_path", "path", "name_sort", "name_pinyin"]


class PinyinOrderedIndexView(ScopedIndexView):
    """Sorting by name, by default or by a click on the column, follows pinyin (阿 before
    白 before 陈, estates.pinyin) rather than the characters' code points."""

    pinyin_fields = ("name",)

    def order_queryset(self, queryset: QuerySet) -> QuerySet:
        queryset = super().order_queryset(queryset)
        keys = self.ordering if isinstance(self.ordering, list | tuple) else (self.ordering,)
        if not any(key and key.lstrip("-") in self.pinyin_fields for key in keys):
            return queryset
        return queryset.order_by(
            *(
                pinyin_order(key.lstrip("-"), descending=key.startswith("-"))
                if key.lstrip("-") in self.pinyin_fields
                else key
                for key in keys
            ),
            "pk",
        )


class RegionViewSet(RegistryViewSet):
    model = Region
    index_view_class = PinyinOrderedIndexView
    icon = "site"
    menu_order = 100
    form_class = forms.RegionCreateForm
    edit_form_class = forms.RegionEditForm
    list_display = ["name", "code", "level", Column("parent", label=_("上级区域"))]
    list_select_related = ("parent",)
    filterset_class = filters.RegionFilterSet
    search_fields = ["name", "short_name", "code", "name_pinyin"]
    # Upper levels first, each in pinyin order.
    ordering = ["level", "name"]
    list_export = ["name", "code", "get_level_display", "parent.name", "office_phone"]
    export_headings = {"get_level_display": _("层级"), "parent.name": _("上级区域")}
    export_filename = "regions"


class PropertyCompanyViewSet(RegistryViewSet):
    model = PropertyCompany
    icon = "group"
    menu_order = 200
    form_class = forms.PropertyCompanyForm
    list_display = [
        "name",
        "credit_code",
        Column("region", label=_("注册地")),
        "contact_phone",
        "address",
    ]
    list_select_related = ("region",)
    search_fields = ["name", "credit_code", "address"]
    ordering = ["name"]
    list_export = ["name", "credit_code", "region.name", "contact_phone", "address"]
    export_headings = {"region.name": _("注册地")}
    export_filename = "property-companies"


class CompoundViewSet(RegistryViewSet):
    model = Compound
    index_view_class = PinyinOrderedIndexView
    icon = "home"
    add_to_reference_index = True
    menu_order = 300
    form_class = forms.CompoundForm
    list_display = [
        "name",
        Column("street", label=_("街道/乡镇"), accessor="region.parent"),
        Column("region", label=_("所属社区"), sort_key="region_path"),
        Column("property_company", label=_("物业服务企业")),
        BooleanColumn("is_red_property", label=_("红色物业")),
        "address",
    ]
    list_select_related = ("region__parent", "property_company")
    filterset_class = filters.CompoundFilterSet
    search_fields = ["name", "address", "name_pinyin"]
    ordering = ["region_path", "name"]
    list_export = [
        "name",
        "region.parent.name",
        "region.name",
        "address",
        "property_company.name",
        "red_property",
        "completed_year",
    ]
    export_headings = {
        "region.parent.name": _("街道/乡镇"),
        "region.name": _("所属社区"),
        "property_company.name": _("物业服务企业"),
        "red_property": _("红色物业"),
    }
    export_values = {"red_property": lambda c: yes_no(c.is_red_property)}
    export_filename = "compounds"


class BuildingViewSet(RegistryViewSet):
    model = Building
    icon = "table"
    menu_order = 400
    form_class = forms.BuildingForm
    list_display = [
        Column("name", label=_("楼栋"), accessor="name", sort_key="name"),
        Column("compound", label=_("小区"), sort_key="compound__name"),
        "floors",
    ]
    list_select_related = ("compound",)
    filterset_class = filters.BuildingFilterSet
    search_fields = ["name", "compound__name"]
    ordering = ["compound__name", "name"]
    list_export = ["compound.name", "name", "floors"]
    export_headings = {"compound.name": _("小区")}
    export_filename = "buildings"


class UnitViewSet(RegistryViewSet):
    model = Unit
    icon = "doc-full"
    menu_order = 500
    form_class = forms.UnitForm
    list_display = [
        Column("room", label=_("房号"), accessor="__str__", sort_key="room"),
        Column("compound", label=_("小区"), sort_key="compound__name"),
        Column("building", label=_("楼栋"), accessor="building.name"),
        "exclusive_area",
        "area_source",
    ]
    list_select_related = ("building", "compound__region__parent")
    filterset_class = filters.UnitFilterSet
    search_fields = ["room", "entrance", "building__name", "compound__name", "compound__address"]
    ordering = ["compound__name", "building__name", "entrance", "room"]
    list_export = [
        "compound.region.parent.name",
        "compound.region.name",
        "compound.name",
        "building.name",
        "entrance",
        "room",
        "exclusive_area",
        "get_area_source_display",
    ]
    export_headings = {
        "compound.region.parent.name": _("街道/乡镇"),
        "compound.region.name": _("所属社区"),
        "compound.name": _("小区"),
        "building.name": _("楼栋"),
        "get_area_source_display": _("面积来源"),
    }
    export_filename = "units"


class OwnerIndexView(ScopedIndexView):
    """Owners are found by name (contains), by the *full* ID number or by the *full*
    phone number only: partial matches would let a user without the identity permission
    probe them. The compound and the unit (room) are filters (estates.filters)."""

    def search_queryset(self, queryset: QuerySet) -> QuerySet:
        if not self.is_searching:
            return queryset
        query = self.search_query.strip()[:SEARCH_MAX_CHARS]
        condition = Q(name__icontains=query)
        if len(query) == ID_NUMBER_LENGTH:
            condition |= Q(id_number=normalize_id_number(query))
        phone = normalize_phone(query)
        if MOBILE_RE.fullmatch(phone) or LANDLINE_RE.fullmatch(phone):
            condition |= Q(phone=phone)
        return queryset.filter(condition)


class OwnerInspectView(ScopedInspectView):
    """Masks identity fields and lists the units the owner holds in the viewer's scope."""

    def get_id_number_display_value(self) -> str:
        if can_view_identity(self.request.user):
            return self.object.id_number
        return mask_id_number(self.object.id_number)

    def get_phone_display_value(self) -> str:
        if not self.object.phone or can_view_identity(self.request.user):
            return self.object.phone
        return mask_phone(self.object.phone)

    def get_units_display_value(self) -> str:
        # Only the units inside the viewer's jurisdiction: the same person may hold units
        # in other streets, which this page must not reveal.
        holdings = selectors.owner_holdings_visible_to(user=self.request.user, owner=self.object)
        return "；".join(forms.unit_label(o.unit) for o in holdings) or "-"

    def get_field_label(self, field_name, field):
        if field_name == "units":
            return _("持有房屋")
        return super().get_field_label(field_name, field)


class OwnerViewSet(RegistryViewSet):
    model = Owner
    icon = "user"
    menu_order = 600
    index_view_class = OwnerIndexView
    inspect_view_class = OwnerInspectView
    form_class = forms.OwnerForm
    list_display = [
        "name",
        "kind",
        MaskedColumn("id_number", mask_id_number, label=_("证件号码")),
        MaskedColumn("phone", mask_phone, label=_("联系电话")),
    ]
    inspect_view_fields = ["kind", "name", "id_number", "phone", "units", "created_at"]
    filterset_class = filters.OwnerFilterSet
    search_fields = ["name"]  # see OwnerIndexView.search_queryset
    ordering = ["name"]
    list_export = ["name", "get_kind_display", "id_number", "phone"]
    export_headings = {"get_kind_display": _("类型")}
    export_masks = {"id_number": mask_id_number, "phone": mask_phone}
    export_filename = "owners"


class OwnershipViewSet(RegistryViewSet):
    model = Ownership
    icon = "key"
    menu_order = 700
    form_class = forms.OwnershipForm
    list_display = [
        Column("owner", label=_("业主"), accessor="owner.name", sort_key="owner__name"),
        MaskedColumn(
            "owner_id_number", mask_id_number, label=_("证件号码"), accessor="owner.id_number"
        ),
        Column("unit", label=_("房屋"), accessor=ownership_unit_label),
        BooleanColumn("is_registered", label=_("已办理产权登记")),
    ]
    list_select_related = ("owner", "unit__building", "compound")
    filterset_class = filters.OwnershipFilterSet
    search_fields = ["owner__name", "unit__room", "compound__name"]
    ordering = ["compound__name", "unit__room"]
    list_export = ["owner.name", "owner_id_number", "unit_label", "registered"]
    export_headings = {
        "owner.name": _("业主"),
        "owner_id_number": _("证件号码"),
        "unit_label": _("房屋"),
        "registered": _("已办理产权登记"),
    }
    export_values = {
        "owner_id_number": lambda o: o.owner.id_number,
        "unit_label": ownership_unit_label,
        "registered": lambda o: yes_no(o.is_registered),
    }
    export_masks = {"owner_id_number": mask_id_number}
    export_filename = "ownerships"


class GridViewSet(RegistryViewSet):
    model = Grid
    icon = "crosshairs"
    menu_order = 800
    form_class = forms.GridForm
    list_display = ["name", "code", Column("region", label=_("所属社区"), sort_key="region_path")]
    list_select_related = ("region",)
    filterset_class = filters.GridFilterSet
    search_fields = ["name", "code"]
    ordering = ["code"]
    list_export = ["code", "name", "region.name"]
    export_headings = {"region.name": _("所属社区")}
    export_filename = "grids"


class GridStaffViewSet(RegistryViewSet):
    """Grid staff phones are public on the grid sign (DOMAIN 0.1), so they are not masked."""

    model = GridStaff
    icon = "group"
    menu_order = 900
    form_class = forms.GridStaffForm
    list_display = [
        "name",
        "role",
        Column("grid", label=_("网格"), sort_key="grid__code"),
        "phone",
        BooleanColumn("is_party_member", label=_("党员")),
    ]
    list_select_related = ("grid",)
    filterset_class = filters.GridStaffFilterSet
    search_fields = ["name", "phone", "grid__name"]
    ordering = ["grid__code", "role", "name"]
    list_export = ["name", "get_role_display", "grid.name", "phone", "party_member"]
    export_headings = {
        "get_role_display": _("岗位"),
        "grid.name": _("网格"),
        "party_member": _("党员"),
    }
    export_values = {"party_member": lambda staff: yes_no(staff.is_party_member)}
    export_filename = "grid-staff"


class DepartmentViewSet(RegistryViewSet):
    model = Department
    icon = "clipboard-list"
    menu_order = 1000
    form_class = forms.DepartmentForm
    list_display = ["name", "kind", Column("region", label=_("所属区域"), sort_key="region_path")]
    list_select_related = ("region",)
    search_fields = ["name"]
    ordering = ["region_path", "kind"]
    list_export = ["name", "get_kind_display", "region.name"]
    export_headings = {"get_kind_display": _("类型"), "region.name": _("所属区域")}
    export_filename = "departments"


class RegistryViewSetGroup(ModelViewSetGroup):
    menu_label = _("基础信息")
    menu_icon = "home"
    menu_order = 200
    items = (
        RegionViewSet(),
        PropertyCompanyViewSet(),
        CompoundViewSet(),
        BuildingViewSet(),
        UnitViewSet(),
        OwnerViewSet(),
        OwnershipViewSet(),
        GridViewSet(),
        GridStaffViewSet(),
        DepartmentViewSet(),
    )


class JurisdictionPanel(Component):
    """Dashboard panel: where the officer works and how much is in it. Costs the same
    few queries (names of granted regions and compounds, three counts) for any size."""

    name = "jurisdiction"
    template_name = "estates/admin/jurisdiction_panel.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def get_context_data(self, parent_context=None):
        view = jurisdiction_of(self.user, VIEW)
        manage = jurisdiction_of(self.user, MANAGE)
        grants = []
        if not view.everything:
            regions = Region.objects.filter(path__in=view.paths).only("name", "level", "path")
            compounds = Compound.objects.filter(pk__in=view.compound_ids).only("name")
            grants = [
                {
                    "name": region.name,
                    "kind": region.get_level_display(),
                    "manage": manage.covers_path(region.path),
                }
                for region in regions
            ] + [
                {
                    "name": compound.name,
                    "kind": Compound._meta.verbose_name,
                    "manage": compound.pk in manage.compound_ids,
                }
                for compound in compounds
            ]
        return {
            "everything": view.everything,
            "is_empty": view.is_empty,
            "grants": grants,
            "counts": [
                (Compound._meta.verbose_name, scope_queryset(Compound.objects, self.user).count()),
                (_("房屋"), scope_queryset(Unit.objects, self.user).count()),
                (Owner._meta.verbose_name, scope_queryset(Owner.objects, self.user).count()),
            ]
            if not view.is_empty
            else [],
        }
