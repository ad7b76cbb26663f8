"""A 100,000-unit registry sheet for the import benchmark, and the raw insert it is compared to."""

from __future__ import annotations

import csv
import random
import tempfile
import time
from decimal import Decimal
from pathlib import Path

from django.db import transaction

from common.validators import id_number_check_char
from estates import services
from estates.choices import RegionLevel
from estates.importing import COLUMNS
from estates.loading import bulk_insert
from estates.models import Building, Compound, Owner, Ownership, Region, Unit

# The importer's own column names, as streets write them.
HEADER = [names[0] for names in COLUMNS.values()]
SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"


def _bench_communities(count: int) -> list[Region]:
    street = Region.objects.filter(level=RegionLevel.STREET).order_by("code").first()
    made = []
    for n in range(count):
        code = f"{street.code}9{n:02d}"
        region = Region.objects.filter(code=code).first() or services.region_create(
            code=code, name=f"导入测试第{n + 1}社区", level=RegionLevel.COMMUNITY, parent=street
        )
        made.append(region)
    return made


def write_import_file(units: int, per_compound: int = 500) -> tuple[Path, list[str]]:
    rng = random.Random(20261125)
    communities = _bench_communities(4)
    path = Path(tempfile.mkdtemp(prefix="bench-import-")) / "registry.csv"
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        for i in range(units):
            compound_no, k = divmod(i, per_compound)
            community = communities[compound_no % len(communities)]
            building, rest = divmod(k, 50)
            entrance, room = divmod(rest, 10)
            id_number = _unique_id(i)
            writer.writerow(
                [
                    community.code,
                    f"导入测试{compound_no + 1}号小区",
                    f"{building + 1}栋",
                    f"{entrance + 1}单元",
                    f"{(room // 2) + 1}0{room % 2 + 1}",
                    f"{rng.uniform(45, 160):.2f}",
                    "产权登记",
                    rng.choice(SURNAMES) + rng.choice(GIVEN) + rng.choice(GIVEN),
                    id_number,
                    f"139{i:08d}",
                ]
            )
    return path, [c.code for c in communities]


def _unique_id(i: int) -> str:
    """A valid resident ID, unique per i: birth dates walk from 1950, sequence from i."""
    import datetime

    birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=i // 1000)
    first17 = f"110101{birth:%Y%m%d}{i % 1000:03d}"  # an area code no demo owner uses
    return first17 + id_number_check_char(first17)


def raw_copy(path: Path, community_codes: list[str]) -> float:
    """Read the same file and insert its rows with the fastest writer there is (COPY on PostgreSQL,
    executemany on SQLite), with no checks and no natural-key lookups; rolled back."""
    regions = {r.code: r for r in Region.objects.filter(code__in=community_codes)}

    class Rollback(Exception):
        pass

    elapsed = 0.0
    try:
        with transaction.atomic():
            start = time.perf_counter()  # both start from the same file
            with path.open(encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            compound_keys = list(dict.fromkeys((r["社区"], r["小区"]) for r in rows))
            compound_ids = dict(
                zip(
                    compound_keys,
                    bulk_insert(
                        Compound,
                        ["region_id", "region_path", "name"],
                        [(regions[c].pk, regions[c].path, n) for c, n in compound_keys],
                    ),
                    strict=True,
                )
            )
            building_keys = list(dict.fromkeys((r["社区"], r["小区"], r["楼栋"]) for r in rows))
            building_ids = dict(
                zip(
                    building_keys,
                    bulk_insert(
                        Building,
                        ["compound_id", "name"],
                        [(compound_ids[k[:2]], k[2]) for k in building_keys],
                    ),
                    strict=True,
                )
            )
            unit_values, owner_values = [], []
            for r in rows:
                compound_id = compound_ids[(r["社区"], r["小区"])]
                building_id = building_ids[(r["社区"], r["小区"], r["楼栋"])]
                unit_values.append(
                    (
                        building_id,
                        compound_id,
                        r["单元"],
                        r["房号"],
                        Decimal(r["专有部分面积"]),
                        "register",
                    )
                )
                owner_values.append((r["证件号码"], r["业主姓名"], "person", r["联系电话"]))
            unit_ids = bulk_insert(
                Unit,
                ["building_id", "compound_id", "entrance", "room", "exclusive_area", "area_source"],
                unit_values,
            )
            owner_ids = bulk_insert(Owner, ["id_number", "name", "kind", "phone"], owner_values)
            bulk_insert(
                Ownership,
                ["owner_id", "unit_id", "compound_id", "is_registered"],
                [
                    (o, u, v[1], True)
                    for o, u, v in zip(owner_ids, unit_ids, unit_values, strict=True)
                ],
            )
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return elapsed


def raw_bulk_create(path: Path, community_codes: list[str]) -> float:
    """Read the same file and insert its rows with Django's bulk_create, no checks and no
    natural-key lookups; rolled back afterwards."""
    regions = {r.code: r for r in Region.objects.filter(code__in=community_codes)}

    class Rollback(Exception):
        pass

    elapsed = 0.0
    try:
        with transaction.atomic():
            start = time.perf_counter()
            with path.open(encoding="utf-8") as handle:
                rows = list(csv.DictReader(handle))
            compounds: dict = {}
            for row in rows:
                key = (row["社区"], row["小区"])
                if key not in compounds:
                    region = regions[row["社区"]]
                    compounds[key] = Compound(
                        region=region, region_path=region.path, name=row["小区"]
                    )
            Compound.objects.bulk_create(compounds.values(), batch_size=2000)
            buildings: dict = {}
            for row in rows:
                key = (row["社区"], row["小区"], row["楼栋"])
                if key not in buildings:
                    buildings[key] = Building(compound=compounds[key[:2]], name=row["楼栋"])
            Building.objects.bulk_create(buildings.values(), batch_size=2000)
            units, owners, links = [], [], []
            for row in rows:
                building = buildings[(row["社区"], row["小区"], row["楼栋"])]
                unit = Unit(
                    building=building,
                    compound_id=building.compound_id,
                    entrance=row["单元"],
                    room=row["房号"],
                    exclusive_area=Decimal(row["专有部分面积"]),
                    area_source="register",
                )
                owner = Owner(
                    name=row["业主姓名"], id_number=row["证件号码"], phone=row["联系电话"]
                )
                units.append(unit)
                owners.append(owner)
            Unit.objects.bulk_create(units, batch_size=2000)
            Owner.objects.bulk_create(owners, batch_size=2000)
            links = [
                Ownership(owner=o, unit=u, compound_id=u.compound_id)
                for o, u in zip(owners, units, strict=True)
            ]
            Ownership.objects.bulk_create(links, batch_size=2000)
            elapsed = time.perf_counter() - start
            raise Rollback
    except Rollback:
        pass
    return elapsed
