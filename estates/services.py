"""Writes to the registry. Bulk loaders (import, demo seed) live in estates.loading."""

from __future__ import annotations

from decimal import Decimal

from django.contrib.auth.models import Group, Permission
from django.db import transaction
from guardian.shortcuts import assign_perm, remove_perm

from common.jurisdiction import forget_jurisdiction

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


def region_create(
    *, code: str, name: str, level: RegionLevel, parent: Region | None = None, short_name: str = ""
) -> Region:
    region = Region(code=code, name=name, level=level, parent=parent, short_name=short_name)
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
