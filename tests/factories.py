"""Keyword-only builders for tests, going through the same services as the app."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from decimal import Decimal

from django.contrib.auth import get_user_model

from common.validators import credit_code_check_char, id_number_check_char
from estates import services
from estates.choices import GridRole, RegionLevel
from estates.models import Compound, Region

_seq = itertools.count(1)


def valid_id_number(n: int | None = None, birth: str = "19800101") -> str:
    n = next(_seq) if n is None else n
    first17 = f"532601{birth}{n % 1000:03d}"
    return first17 + id_number_check_char(first17)


def valid_credit_code(n: int | None = None) -> str:
    n = next(_seq) if n is None else n
    first17 = f"91532600MA{n:07d}"
    return first17 + credit_code_check_char(first17)


def make_user(username: str | None = None, **extra):
    username = username or f"user{next(_seq)}"
    return get_user_model().objects.create_user(username=username, password="pw-12345678", **extra)


def make_compound(*, region: Region, name: str | None = None, units: int = 4, **extra) -> Compound:
    compound = services.compound_create(
        region=region, name=name or f"小区{next(_seq)}", address=f"{region.name}路1号", **extra
    )
    building = services.building_create(compound=compound, name="1栋")
    for i in range(units):
        unit = services.unit_create(
            building=building, entrance="1单元", room=f"{101 + i}", exclusive_area=Decimal("89.50")
        )
        owner = services.owner_create(
            name=f"业主{next(_seq)}", id_number=valid_id_number(), phone=f"1390871{i:04d}"
        )
        services.ownership_add(owner=owner, unit=unit)
    grid = services.grid_create(
        region=region, name=f"{compound.name}网格", code=f"G{next(_seq)}", buildings=[building]
    )
    services.grid_staff_add(grid=grid, role=GridRole.HEAD, name="张网格", phone="13908760001")
    return compound


@dataclass
class Tree:
    province: Region
    prefecture: Region
    county: Region
    streets: list[Region] = field(default_factory=list)
    communities: list[Region] = field(default_factory=list)
    compounds: list[Compound] = field(default_factory=list)


def build_tree() -> Tree:
    """云南省 → 文山州 → 文山市 → 2 streets → 2 communities each → 1 compound each."""
    province = services.region_create(code="530000", name="云南省", level=RegionLevel.PROVINCE)
    prefecture = services.region_create(
        code="532600",
        name="文山壮族苗族自治州",
        short_name="文山州",
        level=RegionLevel.PREFECTURE,
        parent=province,
    )
    county = services.region_create(
        code="532601", name="文山市", level=RegionLevel.COUNTY, parent=prefecture
    )
    tree = Tree(province, prefecture, county)
    for s, street_name in enumerate(["开化街道", "卧龙街道"], start=1):
        street = services.region_create(
            code=f"532601{s:03d}", name=street_name, level=RegionLevel.STREET, parent=county
        )
        tree.streets.append(street)
        for c in range(1, 3):
            community = services.region_create(
                code=f"{street.code}{c:03d}",
                name=f"{street_name[:2]}第{c}社区",
                level=RegionLevel.COMMUNITY,
                parent=street,
            )
            tree.communities.append(community)
            tree.compounds.append(
                make_compound(region=community, name=f"{community.name}阳光花园小区")
            )
    return tree
