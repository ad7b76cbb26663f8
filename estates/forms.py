"""Create and edit forms for the back office.

Every choice of region, compound, building or unit is limited to the user's *manage*
jurisdiction, so a community officer cannot put a compound into another community.
Validators on the models (GB 11643, GB 32100, phones) give the Chinese messages; the
forms add the few checks that need more than one field.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from common.admin_forms import ScopedForm, can_view_identity
from common.jurisdiction import MANAGE, VIEW, scope_queryset
from common.validators import mask_id_number, mask_phone, normalize_id_number, normalize_phone

from . import choosers, services
from .choices import RegionLevel
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
from .widgets import BuildingPickerWidget

MSG_AREA_POSITIVE = _("专有部分面积必须大于0。")
MSG_REGION_LEVEL = _("下级区域的层级必须低于上级区域。")
MSG_REGION_PARENT = _("请选择上级区域。")
MSG_GRID_BUILDINGS = _("网格只能覆盖本社区小区的楼栋。")
MSG_OWNER_NOT_FOUND = _("本辖区没有该证件号码的业主。新业主请在“业主”中添加，并同时登记其房屋。")
MSG_OWNERSHIP_EXISTS = _("该业主已登记为此房屋的业主。")


def unit_label(unit: Unit) -> str:
    return f"{unit.compound.name} {unit.building.name} {unit}"


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Unit) -> str:
        return unit_label(obj)


class BuildingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Building) -> str:
        return f"{obj.compound.name} {obj.name}"


class BuildingMultipleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Building) -> str:
        return f"{obj.compound.name} {obj.name}"


COMMUNITY_ONLY = {"level": str(RegionLevel.COMMUNITY.value)}


class RegionCreateForm(ScopedForm):
    scoped_fields = {"parent": MANAGE}
    choosers = {"parent": choosers.region_chooser}

    class Meta:
        model = Region
        fields = ["parent", "code", "name", "short_name", "level", "office_phone"]

    def clean_office_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("office_phone") or "")

    def clean(self):
        cleaned = super().clean()
        parent, level = cleaned.get("parent"), cleaned.get("level")
        if level is not None and level != RegionLevel.PROVINCE and parent is None:
            self.add_error("parent", MSG_REGION_PARENT)
        if parent is not None and level is not None and level <= parent.level:
            self.add_error("level", MSG_REGION_LEVEL)
        return cleaned


class RegionEditForm(ScopedForm):
    """Code and parent are fixed once created: they make up the materialised path that
    every compound, grid and grant below the region relies on."""

    class Meta:
        model = Region
        fields = ["name", "short_name", "office_phone"]

    def clean_office_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("office_phone") or "")


class PropertyCompanyForm(ScopedForm):
    scoped_fields = {"region": MANAGE}
    choosers = {"region": choosers.region_chooser}

    class Meta:
        model = PropertyCompany
        fields = ["name", "credit_code", "region", "contact_phone", "address"]

    def clean_credit_code(self) -> str:
        return (self.cleaned_data.get("credit_code") or "").strip().upper()

    def clean_contact_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("contact_phone") or "")


class CompoundForm(ScopedForm):
    scoped_fields = {"region": MANAGE, "property_company": VIEW}
    choosers = {"region": choosers.region_chooser, "property_company": choosers.company_chooser}
    chooser_params = {"region": COMMUNITY_ONLY}

    class Meta:
        model = Compound
        fields = [
            "region",
            "name",
            "address",
            "property_company",
            "is_red_property",
            "completed_year",
            "photo",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.filter(
            level=RegionLevel.COMMUNITY
        )


class BuildingForm(ScopedForm):
    """Changing the compound of an existing building moves it through
    :func:`estates.services.building_move`, its units and ownerships with it."""

    scoped_fields = {"compound": MANAGE}
    choosers = {"compound": choosers.compound_chooser}

    class Meta:
        model = Building
        fields = ["compound", "name", "floors"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.original_compound_id = self.instance.compound_id if self.instance.pk else None

    @property
    def moving(self) -> bool:
        return bool(
            self.original_compound_id is not None
            and self.instance.compound_id != self.original_compound_id
        )

    def clean(self):
        cleaned = super().clean()
        compound = cleaned.get("compound")
        if self.original_compound_id is not None and compound is not None:
            current = Building(pk=self.instance.pk, compound_id=self.original_compound_id)
            if compound.pk != self.original_compound_id and not services.building_move_allowed(
                actor=self.for_user, building=current, compound=compound
            ):
                self.add_error("compound", services.MSG_MOVE_DENIED)
        return cleaned

    def save(self, commit: bool = True) -> Building:
        if not (commit and self.moving):
            return super().save(commit=commit)
        with transaction.atomic():
            target = self.instance.compound
            self.instance.compound_id = self.original_compound_id
            services.building_move(building=self.instance, compound=target, actor=self.for_user)
            return super().save(commit=True)


class UnitForm(ScopedForm):
    scoped_fields = {"building": MANAGE}
    choosers = {"building": choosers.building_chooser}

    class Meta:
        model = Unit
        fields = ["building", "entrance", "room", "exclusive_area", "area_source"]
        field_classes = {"building": BuildingChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["building"]
        field.queryset = field.queryset.select_related("compound")

    def clean_exclusive_area(self) -> Decimal:
        area = self.cleaned_data.get("exclusive_area")
        if area is not None and area <= 0:
            raise ValidationError(MSG_AREA_POSITIVE, code="area_positive")
        return area

    def clean(self):
        cleaned = super().clean()
        if building := cleaned.get("building"):
            # The unit's compound always follows its building (one-join scoping).
            self.instance.compound_id = building.compound_id
        return cleaned

    def save(self, commit: bool = True) -> Unit:
        moved = self.instance.pk and "building" in self.changed_data
        if not (commit and moved):
            return super().save(commit=commit)
        with transaction.atomic():
            unit = super().save(commit=True)
            # Its ownerships' compound column follows too (estates.services.building_move).
            Ownership.objects.filter(unit=unit).exclude(compound_id=unit.compound_id).update(
                compound_id=unit.compound_id
            )
            return unit


class OwnerForm(ScopedForm):
    """Create: the first unit is required, so the new owner falls inside the creator's
    jurisdiction. An ID number already registered (maybe in another street) is the same
    person, who then also holds this unit: the form answers as for a new number, so it
    never tells whether a number is known elsewhere (services.owner_register).
    Edit: without ``view_owner_identity`` the ID number and phone are not in the form at
    all; a read-only masked copy is shown instead. Identity fields change only for a user
    whose jurisdiction covers every unit the owner holds (services.owner_identity_check)."""

    unit = UnitChoiceField(
        label=_("房屋"),
        queryset=Unit.objects.all(),
        help_text=_("业主持有的房屋；共有人和其他房屋可在“产权”中继续登记。"),
    )
    is_registered = forms.BooleanField(label=_("已办理产权登记"), required=False, initial=True)
    scoped_fields = {"unit": MANAGE}
    choosers = {"unit": choosers.unit_chooser}

    class Meta:
        model = Owner
        fields = ["kind", "name", "id_number", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            del self.fields["unit"]
            del self.fields["is_registered"]
            if not can_view_identity(self.for_user):
                self.hide_identity()
        else:
            self.fields["unit"].queryset = scope_queryset(
                Unit.objects.select_related("building", "compound"), self.for_user, MANAGE
            )

    def hide_identity(self) -> None:
        for name, mask in (("id_number", mask_id_number), ("phone", mask_phone)):
            label = self.fields[name].label
            del self.fields[name]
            self.fields[f"{name}_masked"] = forms.CharField(
                label=label,
                required=False,
                disabled=True,
                initial=mask(getattr(self.instance, name)) if getattr(self.instance, name) else "",
                help_text=_("仅街道及以上工作人员可查看完整信息。"),
            )

    def clean_id_number(self) -> str:
        return normalize_id_number(self.cleaned_data.get("id_number") or "")

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone") or "")

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk:
            changed = [n for n in self.changed_data if n in services.OWNER_IDENTITY_FIELDS]
            try:
                services.owner_identity_check(
                    owner=self.instance, actor=self.for_user, fields=changed
                )
            except PermissionDenied as error:
                raise ValidationError(str(error), code="identity_elsewhere") from None
        elif cleaned.get("id_number") and not self.has_error("id_number"):
            services.owner_find_same_person(
                id_number=cleaned["id_number"],
                kind=cleaned.get("kind", ""),
                name=cleaned.get("name", ""),
            )
        return cleaned

    def validate_unique(self) -> None:
        # A known ID number on create is the same person (see clean), not an error that
        # would tell the user the number exists.
        if self.instance.pk:
            return super().validate_unique()
        exclude = {*self._get_validation_exclusions(), "id_number"}
        try:
            self.instance.validate_unique(exclude=exclude)
        except ValidationError as error:
            self._update_errors(error)

    def save(self, commit: bool = True) -> Owner:
        if self.instance.pk or not commit:
            return super().save(commit=commit)
        data = self.cleaned_data
        self.instance = services.owner_register(
            kind=data["kind"],
            name=data["name"],
            id_number=data["id_number"],
            phone=data.get("phone", ""),
            unit=data["unit"],
            is_registered=data.get("is_registered", True),
            actor=self.for_user,
        )
        return self.instance


class OwnershipForm(ScopedForm):
    """Adds a co-owner or another unit to a registered owner, found by full ID number."""

    owner_id_number = forms.CharField(
        label=_("业主证件号码"),
        max_length=18,
        help_text=_("输入已登记业主的完整证件号码。"),
    )
    scoped_fields = {"unit": MANAGE}
    choosers = {"unit": choosers.unit_chooser}

    class Meta:
        model = Ownership
        fields = ["unit", "is_registered"]
        field_classes = {"unit": UnitChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = scope_queryset(
            Unit.objects.select_related("building", "compound"), self.for_user, MANAGE
        )
        if self.instance.pk:
            # The holder of an ownership does not change; delete it and add another.
            del self.fields["owner_id_number"]
        self.order_fields(["owner_id_number", "unit", "is_registered"])

    def clean_owner_id_number(self) -> Owner:
        # Only owners the user can already see are found: a number registered outside
        # their jurisdiction answers like an unknown one (and a new owner is added in
        # "业主" together with the unit, services.owner_register).
        value = normalize_id_number(self.cleaned_data.get("owner_id_number"))
        owner = scope_queryset(Owner.objects.all(), self.for_user, VIEW).filter(id_number=value)
        owner = owner.first()
        if owner is None:
            raise ValidationError(MSG_OWNER_NOT_FOUND, code="owner_not_found")
        return owner

    def clean(self):
        cleaned = super().clean()
        owner = cleaned.get("owner_id_number")
        unit = cleaned.get("unit")
        if owner is not None:
            self.instance.owner = owner
        if unit is not None:
            self.instance.compound_id = unit.compound_id
            owner_id = owner.pk if owner is not None else self.instance.owner_id
            duplicate = Ownership.objects.filter(owner_id=owner_id, unit=unit).exclude(
                pk=self.instance.pk
            )
            if owner_id and duplicate.exists():
                self.add_error("unit", MSG_OWNERSHIP_EXISTS)
        return cleaned


class GridForm(ScopedForm):
    """The buildings are picked by searching the community chosen in the region field
    (estates.widgets.BuildingPickerWidget): the form lists only the chosen ones, never
    every building of the community or the jurisdiction. Validation takes any building
    the user manages, and :meth:`clean` refuses one of another community."""

    scoped_fields = {"region": MANAGE, "buildings": MANAGE}
    choosers = {"region": choosers.region_chooser}
    chooser_params = {"region": COMMUNITY_ONLY}

    class Meta:
        model = Grid
        fields = ["region", "name", "code", "buildings"]
        field_classes = {"buildings": BuildingMultipleChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = self.fields["region"].queryset.filter(
            level=RegionLevel.COMMUNITY
        )
        buildings = self.fields["buildings"]
        buildings.queryset = buildings.queryset.select_related("compound")
        buildings.required = False
        buildings.widget = BuildingPickerWidget(
            queryset=buildings.queryset, region_input=self["region"].auto_id
        )
        buildings.help_text = _("在所属社区的小区中搜索楼栋，或整个小区一起添加。")

    def clean(self):
        cleaned = super().clean()
        region, buildings = cleaned.get("region"), cleaned.get("buildings")
        if region is not None and buildings:
            if any(b.compound.region_id != region.pk for b in buildings):
                self.add_error("buildings", MSG_GRID_BUILDINGS)
        return cleaned


class GridStaffForm(ScopedForm):
    scoped_fields = {"grid": MANAGE}
    choosers = {"grid": choosers.grid_chooser}

    class Meta:
        model = GridStaff
        fields = ["grid", "role", "name", "phone", "is_party_member"]

    def clean_phone(self) -> str:
        return normalize_phone(self.cleaned_data.get("phone") or "")


class DepartmentForm(ScopedForm):
    scoped_fields = {"region": MANAGE}
    choosers = {"region": choosers.region_chooser}

    class Meta:
        model = Department
        fields = ["region", "kind", "name"]
