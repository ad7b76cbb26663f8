"""Writes to the registry. Bulk loaders (import, demo seed) live in estates.loading."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from guardian.shortcuts import assign_perm, remove_perm
from wagtail.log_actions import log

from common.jurisdiction import MANAGE, forget_jurisdiction, user_covers
from common.validators import normalize_id_number, normalize_phone

from . import selectors
from .choices import AreaSource, GridRole, OwnerKind, RegionLevel
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
from .roles import ROLES

MSG_MOVE_DENIED = _("您没有权限把该楼栋移到这个小区：原小区和新小区都须在您的管理范围内。")
MSG_MOVE_NAME_TAKEN = _("小区“%(compound)s”已有名为“%(name)s”的楼栋。")
ACTION_BUILDING_MOVE = "estates.building_move"
LOG_ACTIONS = [(ACTION_BUILDING_MOVE, _("楼栋移至其他小区"))]


def region_create(
    *,
    code: str,
    name: str,
    level: RegionLevel,
    parent: Region | None = None,
    short_name: str = "",
    office_phone: str = "",
) -> Region:
    region = Region(
        code=code,
        name=name,
        level=level,
        parent=parent,
        short_name=short_name,
        office_phone=normalize_phone(office_phone),
    )
    region.path = f"{parent.path if parent else ''}{code}/"
    region.full_clean()
    region.save()
    return region


def property_company_create(
    *, name: str, credit_code: str, region: Region, contact_phone: str = "", address: str = ""
) -> PropertyCompany:
    company = PropertyCompany(
        name=name,
        credit_code=credit_code.upper(),
        region=region,
        region_path=region.path,
        contact_phone=contact_phone,
        address=address,
    )
    company.full_clean()
    company.save()
    return company


def compound_create(
    *,
    region: Region,
    name: str,
    address: str = "",
    property_company: PropertyCompany | None = None,
    is_red_property: bool = False,
    completed_year: int | None = None,
) -> Compound:
    compound = Compound(
        region=region,
        region_path=region.path,
        name=name,
        address=address,
        property_company=property_company,
        is_red_property=is_red_property,
        completed_year=completed_year,
    )
    compound.full_clean()
    compound.save()
    return compound


def building_create(*, compound: Compound, name: str, floors: int | None = None) -> Building:
    building = Building(compound=compound, name=name, floors=floors)
    building.full_clean()
    building.save()
    return building


def building_move_allowed(*, actor, building: Building, compound: Compound) -> bool:
    """The actor may change buildings and manages both the compound the building leaves
    and the one it joins."""
    return bool(
        actor is not None
        and actor.has_perm("estates.change_building")
        and user_covers(actor, Compound(pk=building.compound_id), MANAGE)
        and user_covers(actor, compound, MANAGE)
    )


@transaction.atomic
def building_move(*, building: Building, compound: Compound, actor) -> Building:
    """Move a building to another compound together with what copies its compound: its
    units' and their ownerships' ``compound`` columns (kept for one-join scoping and
    per-compound sums) change in the same transaction, so no unit or owner is left counted
    in the old compound. Grids of another community stop covering the building (a grid
    covers only its own community's buildings). One audit entry on the building records
    the move and what went with it."""
    if not building_move_allowed(actor=actor, building=building, compound=compound):
        raise PermissionDenied(MSG_MOVE_DENIED)
    locked = Building.objects.select_for_update().select_related("compound").get(pk=building.pk)
    source = locked.compound
    if source.pk == compound.pk:
        return locked
    if Building.objects.filter(compound=compound, name=locked.name).exists():
        raise ValidationError(
            MSG_MOVE_NAME_TAKEN % {"compound": compound.name, "name": locked.name},
            code="building_name_taken",
        )
    units = Unit.objects.filter(building=locked).update(compound=compound)
    ownerships = Ownership.objects.filter(unit__building=locked).update(compound=compound)
    grids = list(locked.grids.exclude(region_id=compound.region_id).order_by("code"))
    if grids:
        locked.grids.remove(*grids)
    locked.compound = compound
    locked.save(update_fields=["compound"])
    log(
        instance=locked,
        action=ACTION_BUILDING_MOVE,
        user=actor,
        data={
            "from_compound": {"id": source.pk, "name": source.name},
            "to_compound": {"id": compound.pk, "name": compound.name},
            "units": units,
            "ownerships": ownerships,
            "grids_left": [grid.code for grid in grids],
        },
    )
    building.compound = compound
    return locked


def unit_create(
    *,
    building: Building,
    room: str,
    exclusive_area: Decimal,
    entrance: str = "",
    area_source: str = AreaSource.REGISTER,
) -> Unit:
    unit = Unit(
        building=building,
        compound_id=building.compound_id,
        entrance=entrance,
        room=room,
        exclusive_area=exclusive_area,
        area_source=area_source,
    )
    unit.full_clean()
    unit.save()
    return unit


def owner_create(
    *, name: str, id_number: str, phone: str = "", kind: str = OwnerKind.PERSON
) -> Owner:
    owner = Owner(name=name, id_number=id_number.strip().upper(), phone=phone, kind=kind)
    owner.full_clean()
    owner.save()
    return owner


def ownership_add(*, owner: Owner, unit: Unit, is_registered: bool = True) -> Ownership:
    ownership, _ = Ownership.objects.get_or_create(
        owner=owner,
        unit=unit,
        defaults={"compound_id": unit.compound_id, "is_registered": is_registered},
    )
    return ownership


MSG_IDENTITY_ELSEWHERE = _(
    "该业主在其他辖区也有房产，身份信息只能由覆盖其全部房产的上级"
    "（如县/州工作人员或平台管理员）修改。"
)
MSG_IDENTITY_MISMATCH = _("证件号码与所填姓名（名称）或类型不符，请核对后重新填写。")
MSG_UNIT_DENIED = _("您没有权限在该房屋登记业主。")
# Every street where the owner holds a unit relies on these: one person, one record.
OWNER_IDENTITY_FIELDS = ("kind", "name", "id_number", "phone")


def owner_identity_check(*, owner: Owner, actor, fields) -> None:
    """Refuse a change of identity fields unless the actor's manage jurisdiction covers
    every unit the owner holds (the message says who can make it)."""
    if set(fields) & set(OWNER_IDENTITY_FIELDS) and not selectors.owner_identity_editable_by(
        user=actor, owner=owner
    ):
        raise PermissionDenied(MSG_IDENTITY_ELSEWHERE)


@transaction.atomic
def owner_update(*, owner: Owner, actor, **changes) -> Owner:
    """Change an owner's name, kind, ID number or phone: validated, audited, and only by
    a user whose jurisdiction covers every unit the owner holds."""
    unknown = set(changes) - set(OWNER_IDENTITY_FIELDS)
    if unknown:
        raise TypeError(f"owner_update() got unexpected fields {sorted(unknown)}")
    owner = Owner.objects.select_for_update().get(pk=owner.pk)
    if "id_number" in changes:
        changes["id_number"] = normalize_id_number(changes["id_number"] or "")
    if "phone" in changes:
        changes["phone"] = normalize_phone(changes["phone"] or "")
    if "name" in changes:
        changes["name"] = (changes["name"] or "").strip()
    changed = {k: v for k, v in changes.items() if getattr(owner, k) != v}
    if not changed:
        return owner
    owner_identity_check(owner=owner, actor=actor, fields=changed)
    for name, value in changed.items():
        ProhibitNullCharactersValidator()(value)  # PostgreSQL refuses NUL in text
        setattr(owner, name, value)
    owner.full_clean()
    owner.save(update_fields=[*changed, "updated_at"])
    log(instance=owner, action="wagtail.edit", user=actor)
    return owner


def owner_find_same_person(*, id_number: str, kind: str, name: str) -> Owner | None:
    """The owner already registered under this ID number, wherever they hold units, or
    None. Registering them again under another name or kind is refused."""
    owner = Owner.objects.filter(id_number=normalize_id_number(id_number or "")).first()
    if owner is not None and (owner.name != (name or "").strip() or owner.kind != kind):
        raise ValidationError(MSG_IDENTITY_MISMATCH, code="identity_mismatch")
    return owner


@transaction.atomic
def owner_register(
    *,
    kind: str,
    name: str,
    id_number: str,
    unit: Unit,
    actor,
    phone: str = "",
    is_registered: bool = True,
) -> Owner:
    """An owner of a unit in the actor's jurisdiction: a new person, or the person already
    registered under this ID number (maybe in another street), who then also holds this
    unit. Both end the same way for the actor, so no answer tells whether the number was
    known elsewhere; an existing person's identity is left as it is (see owner_update)."""
    if not user_covers(actor, unit, MANAGE):
        raise PermissionDenied(MSG_UNIT_DENIED)
    owner = owner_find_same_person(id_number=id_number, kind=kind, name=name)
    if owner is None:
        owner = owner_create(name=(name or "").strip(), id_number=id_number, phone=phone, kind=kind)
    ownership_add(owner=owner, unit=unit, is_registered=is_registered)
    return owner


def grid_create(
    *, region: Region, name: str, code: str, buildings: list[Building] | None = None
) -> Grid:
    grid = Grid(region=region, region_path=region.path, name=name, code=code)
    grid.full_clean()
    grid.save()
    if buildings:
        grid.buildings.set(buildings)
    return grid


def grid_staff_add(
    *, grid: Grid, role: GridRole, name: str, phone: str, is_party_member: bool = False
) -> GridStaff:
    staff = GridStaff(grid=grid, role=role, name=name, phone=phone, is_party_member=is_party_member)
    staff.full_clean()
    staff.save()
    return staff


def roles_sync() -> dict[str, Group]:
    """Create or update one group per role with exactly the role's model permissions."""
    wanted = {p for role in ROLES.values() for p in role.all_permissions}
    apps = {p.split(".")[0] for p in wanted}
    by_name = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.select_related("content_type").filter(
            content_type__app_label__in=apps
        )
    }
    missing = wanted - by_name.keys()
    if missing:
        raise LookupError(f"Unknown permissions: {sorted(missing)}")
    groups = {}
    for role in ROLES.values():
        group, _ = Group.objects.get_or_create(name=role.group_name)
        group.permissions.set([by_name[p] for p in role.all_permissions])
        groups[role.key] = group
    return groups


@transaction.atomic
def role_assign(*, user, role: str, target: Region | Compound | None = None) -> None:
    """Give a user a role over a region subtree or one compound: one group membership and
    one grant row, whatever the size of the jurisdiction."""
    spec = ROLES[role]
    group = Group.objects.filter(name=spec.group_name).first() or roles_sync()[role]
    user.groups.add(group)
    if target is not None:
        expected = Region if spec.target == "region" else Compound
        if not isinstance(target, expected):
            raise TypeError(f"{role} is granted on a {expected.__name__}")
        label = "estates." + spec.level
        assign_perm(label, user, target)
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache"):
        user.__dict__.pop(cache, None)
    forget_jurisdiction(user)


@transaction.atomic
def role_revoke(*, user, role: str, target: Region | Compound) -> None:
    spec = ROLES[role]
    remove_perm("estates." + spec.level, user, target)
    forget_jurisdiction(user)
