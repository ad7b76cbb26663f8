"""Shared setup for the election and joint-review tests: 文山市's reviewing departments,
the configured checks, staff of both streets, reviewers, and an election in 开化街道 with
three owner candidates (real-looking Chinese names, valid ID numbers)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from committees.choices import CommitteeKind, Position
from committees.elections.services.elections import candidate_nominate, election_open
from committees.elections.services.reviews import review_checks_configure
from committees.models import Candidate, Election
from estates import services
from estates.choices import DepartmentKind
from estates.models import Department, DepartmentMembership, Unit
from tests.factories import Tree, make_user, valid_id_number

STARTED = datetime.date(2026, 3, 2)
NAMES = ["李建国", "王秀英", "张卫东"]


@dataclass
class Vetting:
    tree: Tree
    street_staff: object
    other_street_staff: object
    community_staff: object
    police_reviewer: object
    market_reviewer: object
    departments: dict[str, Department]
    election: Election
    candidates: list[Candidate] = field(default_factory=list)


def officer(role: str, target, username: str):
    user = make_user(username)
    services.role_assign(user=user, role=role, target=target)
    return user


def department(tree: Tree, kind: str, name: str) -> Department:
    return Department.objects.create(region=tree.county, kind=kind, name=name)


def reviewer(tree: Tree, dept: Department, username: str):
    user = officer("department_reviewer", tree.county, username)
    DepartmentMembership.objects.create(user=user, department=dept)
    return user


def owner_in(compound, name: str):
    """A new owner holding a unit of the compound (DOMAIN 1.1)."""
    owner = services.owner_create(name=name, id_number=valid_id_number(), phone="13987650001")
    unit = Unit.objects.filter(building__compound=compound).first()
    services.ownership_add(owner=owner, unit=unit)
    return owner


def build_vetting(tree: Tree, *, names: list[str] | None = None, compound=None) -> Vetting:
    departments = {
        DepartmentKind.POLICE: department(tree, DepartmentKind.POLICE, "文山市公安局"),
        DepartmentKind.MARKET: department(tree, DepartmentKind.MARKET, "文山市市场监督管理局"),
        DepartmentKind.FINANCE: department(tree, DepartmentKind.FINANCE, "人民银行文山市支行"),
        DepartmentKind.PETITION: department(tree, DepartmentKind.PETITION, "文山市信访局"),
    }
    # Only these four kinds take part in 文山市 (DOMAIN §9: configurable per region).
    for check in review_checks_configure(region=tree.county):
        if check.department_kind not in departments:
            check.is_active = False
            check.save()
    street = officer("street_staff", tree.streets[0], "kaihua_street")
    compound = compound or tree.compounds[0]
    election = election_open(
        compound=compound,
        kind=CommitteeKind.OWNERS,
        term_number=1,
        seats=5,
        started_on=STARTED,
        actor=street,
    )
    v = Vetting(
        tree=tree,
        street_staff=street,
        other_street_staff=officer("street_staff", tree.streets[1], "wolong_street"),
        community_staff=officer("community_staff", tree.communities[0], "kaihua_community1"),
        police_reviewer=reviewer(tree, departments[DepartmentKind.POLICE], "police_reviewer"),
        market_reviewer=reviewer(tree, departments[DepartmentKind.MARKET], "market_reviewer"),
        departments=departments,
        election=election,
    )
    for i, name in enumerate(names or NAMES):
        v.candidates.append(
            candidate_nominate(
                election=election,
                owner=owner_in(compound, name),
                position_sought=Position.CHAIR if i == 0 else Position.MEMBER,
                nominated_on=STARTED,
                actor=street,
            )
        )
    return v
