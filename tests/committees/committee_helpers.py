"""Builders for the committee tests: owners in a compound, member lists, officers."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from committees.choices import CommitteeKind, PartyStatus, Position
from committees.services import MemberSpec, committee_register_existing
from estates import services as estates_services
from estates.models import Compound, Owner
from tests.estates.admin_helpers import officer
from tests.factories import valid_id_number

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN = [
    "建国",
    "秀英",
    "志强",
    "丽华",
    "海燕",
    "文明",
    "玉兰",
    "永福",
    "国庆",
    "春梅",
    "德胜",
    "桂芳",
]


def owners_in(compound: Compound, count: int) -> list[Owner]:
    """At least ``count`` owners holding a unit in the compound (adds units as needed)."""
    owners = list(Owner.objects.filter(ownerships__compound=compound).distinct().order_by("pk"))
    building = compound.buildings.first()
    for i in range(len(owners), count):
        unit = estates_services.unit_create(
            building=building, entrance="2单元", room=f"{201 + i}", exclusive_area=Decimal("96.30")
        )
        owner = estates_services.owner_create(
            name=SURNAMES[i % len(SURNAMES)] + GIVEN[i % len(GIVEN)],
            id_number=valid_id_number(),
            phone=f"1388765{i:04d}",
        )
        estates_services.ownership_add(owner=owner, unit=unit)
        owners.append(owner)
    return owners[:count]


def member_specs(
    compound: Compound,
    size: int,
    *,
    formal: int = 0,
    probationary: int = 0,
    registered: bool = True,
    reserves: int = 0,
) -> list[MemberSpec]:
    """``size`` serving owner-members (the first ``formal`` are formal party members
    registered in the community, then ``probationary``) plus ``reserves`` in vote order."""
    owners = owners_in(compound, size + reserves)
    specs = []
    for i, owner in enumerate(owners[:size]):
        status = (
            PartyStatus.FORMAL
            if i < formal
            else PartyStatus.PROBATIONARY
            if i < formal + probationary
            else PartyStatus.NONE
        )
        specs.append(
            MemberSpec(
                owner=owner,
                position=Position.CHAIR if i == 0 else Position.MEMBER,
                party_status=status,
                party_registered_in_community=registered and status != PartyStatus.NONE,
            )
        )
    for order, owner in enumerate(owners[size:], start=1):
        specs.append(MemberSpec(owner=owner, position=Position.RESERVE, reserve_order=order))
    return specs


PRE_SYSTEM = "系统上线前业主大会选举产生，选举资料已归档"


def street_officer(tree, street: int = 0):
    return officer("street_staff", tree.streets[street])


def form_committee(
    tree,
    *,
    compound: Compound | None = None,
    size: int = 7,
    elected_on: date = date(2024, 3, 1),
    actor=None,
    **spec_kwargs,
):
    compound = compound or tree.compounds[0]
    actor = actor or street_officer(tree, tree.streets.index(compound.region.parent))
    # A committee elected before the system was used (no election in it).
    return committee_register_existing(
        compound=compound,
        kind=CommitteeKind.OWNERS,
        set_size=size,
        elected_on=elected_on,
        members=member_specs(compound, size, **spec_kwargs),
        reason=PRE_SYSTEM,
        actor=actor,
    )
