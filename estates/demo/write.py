"""Writing a prefecture's plan: registry rows go through estates.loading, the same code
the sheet import uses; regions, companies, grids and departments are ensured."""

from __future__ import annotations

import random
from collections.abc import Callable, Iterator
from decimal import Decimal

from django.db import transaction
from django.db.models import Count

from .. import services
from ..choices import AreaSource, GridRole, OwnerKind, RegionLevel
from ..importing import RegistryRow
from ..loading import LoadCounts, bulk_insert, registry_rows_apply
from ..models import Building, Department, Grid, GridStaff, PropertyCompany, Region
from .names import (
    COMPANY_WORDS,
    DEPARTMENT_NAMES,
    PROVINCE,
)
from .plan import CompoundPlan, People, PrefecturePlan, RegionSpec


def _unit_rows(
    plan: CompoundPlan, people: People, rng: random.Random, developer: tuple[str, str] | None
) -> Iterator[tuple]:
    """Buildings, units and owners of one compound, as (building, entrance, room, area,
    source, [(name, id, kind, phone), ...])."""
    remaining = plan.units
    building_no = 0
    old = plan.units <= 60
    previous_owner = None
    while remaining > 0:
        building_no += 1
        floors = rng.randint(5, 7) if old else rng.choice((6, 7, 11, 18, 26, 33))
        entrances = rng.randint(1, 2) if old else rng.randint(1, 3)
        per_floor = 2
        for entrance in range(1, entrances + 1):
            for floor in range(1, floors + 1):
                for k in range(1, per_floor + 1):
                    if remaining <= 0:
                        return
                    remaining -= 1
                    area = Decimal(rng.triangular(45, 180, 95)).quantize(Decimal("0.01"))
                    roll = rng.random()
                    owners: list[tuple[str, str, str, str]]
                    if developer and roll < 0.06:
                        # Unsold units stay with the developer: one head (DOMAIN 1.6).
                        source = AreaSource.SURVEYED if rng.random() < 0.5 else AreaSource.CONTRACT
                        owners = [(developer[0], developer[1], OwnerKind.DEVELOPER, "")]
                    else:
                        source = (
                            AreaSource.REGISTER
                            if roll < 0.9
                            else AreaSource.SURVEYED
                            if roll < 0.96
                            else AreaSource.CONTRACT
                        )
                        if previous_owner and rng.random() < 0.04:
                            owners = [previous_owner]  # one buyer, several units
                        else:
                            owners = [
                                (
                                    people.name(),
                                    people.id_number(plan.county_code),
                                    OwnerKind.PERSON,
                                    people.phone(),
                                )
                            ]
                            if rng.random() < 0.12:  # co-owned by a couple
                                owners.append(
                                    (
                                        people.name(),
                                        people.id_number(plan.county_code),
                                        OwnerKind.PERSON,
                                        people.phone(),
                                    )
                                )
                        previous_owner = owners[0]
                    yield (
                        f"{building_no}栋",
                        f"{entrance}单元",
                        f"{floor}{k:02d}",
                        area,
                        source,
                        owners,
                    )


def _office_phone(spec: RegionSpec) -> str:
    """Streets and communities have an office phone residents can call (shown on the
    compound pages); the number follows from the region code."""
    if spec.level < RegionLevel.STREET:
        return ""
    return f"0876-{3000000 + int(spec.code[-6:]) % 1000000}"


def _regions_ensure(specs: list[RegionSpec]) -> dict[str, tuple[int, str]]:
    """Regions by code → (id, path); missing ones inserted level by level."""
    codes = [PROVINCE[0]] + [s.code for s in specs]
    known = {
        code: (pk, path)
        for code, pk, path in Region.objects.filter(code__in=codes).values_list(
            "code", "pk", "path"
        )
    }
    if PROVINCE[0] not in known:
        province = services.region_create(
            code=PROVINCE[0], name=PROVINCE[1], short_name=PROVINCE[2], level=RegionLevel.PROVINCE
        )
        known[PROVINCE[0]] = (province.pk, province.path)
    for level in sorted({s.level for s in specs}):
        todo = [s for s in specs if s.level == level and s.code not in known]
        values = []
        for s in todo:
            parent_id, parent_path = known[s.parent]
            values.append(
                (
                    s.code,
                    s.name,
                    s.short_name,
                    s.level,
                    parent_id,
                    _office_phone(s),
                    f"{parent_path}{s.code}/",
                )
            )
        ids = bulk_insert(
            Region,
            ["code", "name", "short_name", "level", "parent_id", "office_phone", "path"],
            values,
        )
        for s, pk, v in zip(todo, ids, values, strict=True):
            known[s.code] = (pk, v[-1])
    return known


def _companies_ensure(plan: PrefecturePlan, regions, people: People) -> dict[str, list[int]]:
    rng = random.Random(plan.seed + 1)
    specs = []
    used = set()
    for county_code, count in plan.companies.items():
        county_name = next(s.name for s in plan.regions if s.code == county_code)
        place = county_name.removesuffix("市").removesuffix("县")
        for _ in range(count):
            while True:
                name = f"{rng.choice(['云南', '文山', place])}{rng.choice(COMPANY_WORDS)}{rng.choice(['物业服务有限公司', '物业管理有限公司'])}"
                if name not in used:
                    used.add(name)
                    break
            specs.append((county_code, name, people.credit_code(county_code, "MA0")))
    existing = dict(
        PropertyCompany.objects.filter(credit_code__in=[s[2] for s in specs]).values_list(
            "credit_code", "pk"
        )
    )
    todo = [s for s in specs if s[2] not in existing]
    ids = bulk_insert(
        PropertyCompany,
        ["name", "credit_code", "region_id", "region_path", "contact_phone"],
        [
            (name, code, *regions[county], f"0876-{rng.randint(2100000, 2199999)}")
            for county, name, code in todo
        ],
    )
    existing.update({s[2]: pk for s, pk in zip(todo, ids, strict=True)})
    result: dict[str, list[int]] = {}
    for county, _name, code in specs:
        result.setdefault(county, []).append(existing[code])
    return result


def _grids_ensure(plan: PrefecturePlan, regions, people: People) -> int:
    """Grids of about 300–500 households covering every building, each with the four
    posts of the building sign (DOMAIN 0.1, 14.2)."""
    prefecture_path = regions[plan.code][1]
    buildings = (
        Building.objects.filter(compound__region_path__startswith=prefecture_path)
        .annotate(n=Count("units"))
        .order_by("compound__region_id", "compound_id", "pk")
        .values_list("pk", "compound__region_id", "n")
    )
    existing = set(
        Grid.objects.filter(region_path__startswith=prefecture_path).values_list("code", flat=True)
    )
    path_of = dict(regions.values())
    code_of = {pk: code for code, (pk, _path) in regions.items()}
    grids: list[tuple] = []
    members: list[tuple[int, list[int]]] = []
    current: list[int] = []
    households = 0
    community = None
    number = 0

    def close() -> None:
        nonlocal current, households
        if current:
            code = f"{code_of[community]}{number:03d}"
            if code not in existing:
                name = f"{community_names[community]}第{number}网格"
                grids.append((community, path_of[community], name, code))
                members.append((len(grids) - 1, current))
        current, households = [], 0

    community_names = dict(Region.objects.filter(pk__in=path_of).values_list("pk", "name"))
    for pk, region_id, n in buildings:
        if region_id != community:
            close()
            community, number = region_id, 0
        if not current:
            number += 1
        current.append(pk)
        households += n
        if households >= 400:
            close()
    close()
    ids = bulk_insert(Grid, ["region_id", "region_path", "name", "code"], grids)
    through = Grid.buildings.through
    bulk_insert(
        through,
        ["grid_id", "building_id"],
        [(ids[i], b) for i, covered in members for b in covered],
    )
    staff = []
    for grid_id in ids:
        for role in (GridRole.HEAD, GridRole.VANGUARD, GridRole.SECURITY, GridRole.CLEANER):
            party = role in (GridRole.HEAD, GridRole.VANGUARD)
            staff.append((grid_id, role, people.name(), people.phone(), party))
    bulk_insert(GridStaff, ["grid_id", "role", "name", "phone", "is_party_member"], staff)
    return len(ids)


def _departments_ensure(plan: PrefecturePlan, regions) -> None:
    counties = [s for s in plan.regions if s.level == RegionLevel.COUNTY]
    existing = set(
        Department.objects.filter(region_id__in=[regions[c.code][0] for c in counties]).values_list(
            "region_id", "kind"
        )
    )
    values = []
    for county in counties:
        pk, path = regions[county.code]
        for kind, suffix in DEPARTMENT_NAMES.items():
            if (pk, kind) not in existing:
                values.append((pk, path, kind, f"{county.name}{suffix}"))
    bulk_insert(Department, ["region_id", "region_path", "kind", "name"], values)


def prefecture_seed(
    plan: PrefecturePlan, *, limit: int | None = None, log: Callable[[str], None] = lambda m: None
) -> LoadCounts:
    """Regions, companies, compounds with their registry rows, grids and departments of one
    prefecture. ``limit`` keeps only the first compounds (for quick tests)."""
    people = People(random.Random(plan.seed + 2))
    with transaction.atomic():
        regions = _regions_ensure(plan.regions)
        companies = _companies_ensure(plan, regions, people)
        compounds = plan.compounds[:limit] if limit is not None else plan.compounds
        rows: list[RegistryRow] = []
        defaults = {}
        rng = random.Random(plan.seed + 3)
        for index, compound in enumerate(compounds):
            community_id, community_path = regions[compound.community_code]
            company = (
                companies[compound.county_code][compound.company_index]
                if compound.company_index is not None
                else None
            )
            defaults[(community_id, compound.name)] = {
                "address": compound.address,
                "property_company_id": company,
                "is_red_property": compound.is_red_property,
                "completed_year": compound.completed_year,
            }
            developer = None
            if compound.completed_year >= 2018:
                place = compound.name[:2]
                developer = (
                    f"{place}{rng.choice(COMPANY_WORDS)}房地产开发有限公司",
                    people.credit_code(compound.county_code, "MA1"),
                )
            for building, entrance, room, area, source, owners in _unit_rows(
                compound, people, rng, developer
            ):
                for name, id_number, kind, phone in owners:
                    rows.append(
                        RegistryRow(
                            0,  # generated, not read from a sheet
                            community_id,
                            community_path,
                            compound.name,
                            building,
                            entrance,
                            room,
                            area,
                            source,
                            name,
                            id_number,
                            kind,
                            phone,
                        )
                    )
            if (index + 1) % 200 == 0:
                log(f"  {index + 1}/{len(compounds)}")
        counts = registry_rows_apply(rows, compound_defaults=defaults)
        _grids_ensure(plan, regions, people)
        _departments_ensure(plan, regions)
    return counts
