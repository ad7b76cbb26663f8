"""Registry data for portal and API tests, built through estates.services."""

from __future__ import annotations

from decimal import Decimal

from estates import services
from estates.choices import GridRole
from estates.models import Compound, Owner, Region
from tests.factories import valid_credit_code, valid_id_number

STAFF_NAMES = ["赵丽", "钱进", "孙强", "李芳", "周敏", "吴刚", "郑洁", "王磊"]
ROLES = [GridRole.HEAD, GridRole.VANGUARD, GridRole.SECURITY, GridRole.CLEANER]


def make_full_compound(
    *,
    region: Region,
    name: str,
    buildings: int = 2,
    units_per_building: int = 2,
    grids: int = 1,
    staff_per_grid: int = 4,
    area: Decimal = Decimal("89.50"),
    **extra,
) -> Compound:
    """A compound with buildings, units, grids covering its buildings and grid staff."""
    compound = services.compound_create(
        region=region, name=name, address=f"{region.name}文华路{len(name)}号", **extra
    )
    created = []
    for b in range(1, buildings + 1):
        building = services.building_create(compound=compound, name=f"{b}栋", floors=6)
        created.append(building)
        for u in range(units_per_building):
            services.unit_create(
                building=building, entrance="1单元", room=f"{101 + u}", exclusive_area=area
            )
    for g in range(grids):
        grid = services.grid_create(
            region=region,
            name=f"{name}第{g + 1}网格",
            code=f"G{compound.pk:05d}{g:02d}",
            buildings=created[g::grids] or created,
        )
        for s in range(staff_per_grid):
            services.grid_staff_add(
                grid=grid,
                role=ROLES[s % 4],
                name=STAFF_NAMES[(g + s) % len(STAFF_NAMES)],
                phone=f"1380876{g:02d}{s:02d}",
                is_party_member=s == 0,
            )
    return compound


def make_company(*, region: Region, name: str = "文山安居物业服务有限公司"):
    return services.property_company_create(
        name=name,
        credit_code=valid_credit_code(),
        region=region,
        contact_phone="0876-2123456",
        address="文山市开化中路8号",
    )


PRIVATE_OWNERS = [
    ("李秀英", "13987654321"),
    ("王建国", "13812345678"),
]


def seed_private_owners(compound: Compound) -> list[Owner]:
    """Owners with distinctive names, ID numbers and phones that must never go public."""
    owners = []
    units = list(compound.units.all())
    for i, (name, phone) in enumerate(PRIVATE_OWNERS):
        owner = services.owner_create(
            name=name, id_number=valid_id_number(900 + i, birth="19750315"), phone=phone
        )
        services.ownership_add(owner=owner, unit=units[i % len(units)])
        owners.append(owner)
    return owners
