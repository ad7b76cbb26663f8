"""Where the demo committees go in a prefecture (DOMAIN 0.4–0.5, 7.1), which of them show
the alarm cases, and which party branches they have (DOMAIN 8.1): all decided from the
fixed seeds, before anything is written.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, timedelta

from estates import demo as estates_demo
from estates.models import Compound, Region

from ..choices import (
    BranchKind,
    CommitteeKind,
    CrossAppointment,
    LeaveReason,
    PartyStatus,
    Position,
)
from ..deadlines import WorkCalendar
from ..elections.services.reviews import CheckPlan, review_plan_for
from ..models import Committee
from .plan import (
    JOINT_BRANCH_MAX_UNITS,
    LIVE_COMMUNITY,
    OWN_BRANCH_MIN,
    SEED,
    CommitteeBuilder,
    CommitteePlan,
    _owner_samples,
    _pick,
)

# ------------------------------------------------------------------ alarm cases


def _make_below_half(rng: random.Random, committee: CommitteePlan, today: date) -> None:
    """DOMAIN 3.7, E6: more than half the seats left and no reserve is left to move up.
    Non-party members leave first, so branch facts stay with the party members."""
    term = committee.current
    serving = [m for m in term.members if m.serving]
    serving.sort(key=lambda m: (m.formal_registered, m.party_status != PartyStatus.NONE))
    leaving = serving[: committee.set_size // 2 + 1]
    span = (today - term.elected_on).days
    for i, member in enumerate(leaving):
        member.left_on = term.elected_on + timedelta(days=span * (i + 1) // (len(leaving) + 1))
        member.leave_reason = rng.choice(
            [LeaveReason.RESIGNED, LeaveReason.RESIGNED, LeaveReason.HEALTH, LeaveReason.REMOVED]
        )
        member.handed_over_on = member.left_on + timedelta(days=rng.randint(1, 3))
    term.members = [m for m in term.members if m.position != Position.RESERVE or m.left_on]


def _designate_alarms(rng: random.Random, committees: list[CommitteePlan], today: date) -> None:
    """A few overdue filings, committees below half strength, and two committees that
    need their own branch but have none yet (E9 alarm)."""
    plain = [c for c in committees if not c.live]

    def age(c: CommitteePlan) -> int:
        return (today - c.current.elected_on).days

    unfiled = [c for c in plain if 45 <= age(c) <= 300]
    for committee in rng.sample(unfiled, k=min(4, len(unfiled))):
        committee.current.filed_on = None  # DOMAIN 3.3: the filing alarm shows it
    below = [
        c
        for c in plain
        if c.kind == CommitteeKind.OWNERS
        and c.set_size >= 7
        and age(c) >= 400
        and not any(m.position == Position.RESERVE for m in c.current.members)
    ]
    for committee in rng.sample(below, k=min(3, len(below))):
        _make_below_half(rng, committee, today)
    needing = [
        c for c in plain if c.current.formal_registered >= OWN_BRANCH_MIN and 20 <= age(c) <= 200
    ]
    for committee in needing[:2]:
        committee.branch = "missing"


def _branches(committees: list[CommitteePlan]) -> None:
    """DOMAIN 8.1: own branch with ≥3 formal members registered in the community; units
    with fewer but some formal members join up to 5 to a joint branch in their community
    once together they have 3."""
    by_community: dict[int, list[CommitteePlan]] = {}
    for committee in committees:
        formal = committee.current.formal_registered
        if committee.branch == "missing":
            continue
        if formal >= OWN_BRANCH_MIN:
            committee.branch = "own"
            for member in committee.current.members:
                if member.position == Position.CHAIR and member.formal_registered:
                    member.cross = CrossAppointment.BRANCH_SECRETARY  # 一肩挑, DOMAIN 8.3
        elif formal:
            by_community.setdefault(committee.community_id, []).append(committee)
    for group in by_community.values():
        while group:
            chosen, total = [], 0
            while group and len(chosen) < JOINT_BRANCH_MAX_UNITS and total < 6:
                chosen.append(group.pop(0))
                total += chosen[-1].current.formal_registered
            if total >= OWN_BRANCH_MIN and len(chosen) > 1:
                chosen[0].branch = "joint"
                chosen[0].joint_group = chosen


def _kinds(plan: estates_demo.PrefecturePlan, owners: int, management: int) -> dict[tuple, str]:
    """Which compounds have a 物委会 (mostly old work-unit housing and small compounds,
    where no assembly could be formed, DOMAIN 7.1) and which a 业委会 (larger ones more
    likely); 红色物业 model compounds all have a 业委会."""
    rng = random.Random(SEED + int(plan.code))
    old = tuple(estates_demo.OLD_SUFFIXES)
    compounds = plan.compounds
    eligible = [c for c in compounds if not c.is_red_property]
    weights = [5.0 if c.name.endswith(old) else 3.0 if c.units < 100 else 1.0 for c in eligible]
    chosen = _pick(rng, [(c.community_code, c.name) for c in eligible], weights, management)
    rest = [c for c in compounds if (c.community_code, c.name) not in chosen]
    owners_keys = _pick(
        rng, [(c.community_code, c.name) for c in rest], [1 + c.units / 200 for c in rest], owners
    )
    kinds = dict.fromkeys(chosen, CommitteeKind.MANAGEMENT)
    kinds.update(dict.fromkeys(owners_keys, CommitteeKind.OWNERS))
    return kinds


@dataclass
class PrefecturePlan:
    """A prefecture's committees, with the builder that numbers their filings and the
    county of each compound."""

    committees: list[CommitteePlan]
    builder: CommitteeBuilder
    county_of: dict[int, str]

    def references(self) -> dict[tuple[int, int], str]:
        """Filing references (备案编号), numbered per county and year in plan order:
        (compound id, term number) → reference."""
        result = {}
        for committee in self.committees:
            county = self.county_of[committee.compound_id]
            for term in committee.terms:
                if term.filed_on:
                    key = (committee.compound_id, term.number)
                    result[key] = self.builder.reference(county, term.filed_on)
        return result


def prefecture_plan(
    plan: estates_demo.PrefecturePlan,
    *,
    owners: int,
    management: int,
    today: date,
    calendar: WorkCalendar,
    with_elections: bool,
) -> PrefecturePlan | None:
    """The committees of the prefecture's compounds that have none yet."""
    prefix = Region.objects.filter(code=plan.code).values_list("path", flat=True).first()
    if prefix is None:
        return None
    plan_of = {(c.community_code, c.name): c for c in plan.compounds}
    rows = [
        row
        for row in Compound.objects.filter(region_path__startswith=prefix)
        .exclude(pk__in=Committee.objects.values("compound_id"))
        .values_list("pk", "region_id", "region__code", "name", "property_company_id")
        if (row[2], row[3]) in plan_of
    ]
    if not rows:
        return None
    order = {key: i for i, key in enumerate(plan_of)}
    rows.sort(key=lambda r: order[(r[2], r[3])])
    county_codes = {plan_of[(r[2], r[3])].county_code for r in rows}
    county_names = dict(Region.objects.filter(code__in=county_codes).values_list("code", "name"))
    review_plans: dict[str, list[CheckPlan]] = {}
    if with_elections:
        for county in county_codes:
            first = next(r for r in rows if plan_of[(r[2], r[3])].county_code == county)
            review_plans[county] = review_plan_for(Compound.objects.get(pk=first[0]))
    kinds = _kinds(plan, owners, management)
    live_keys = [
        (c.community_code, c.name)
        for c in plan.compounds
        if with_elections
        and c.community_code == LIVE_COMMUNITY
        and not c.is_red_property
        and kinds.get((c.community_code, c.name)) == CommitteeKind.OWNERS
    ][:2]
    ends_in = dict(zip(live_keys, (45, 60), strict=False))  # published, vetting
    samples = _owner_samples(prefix)
    builder = CommitteeBuilder(
        today=today, calendar=calendar, review_plans=review_plans, county_names=county_names
    )
    committees: list[CommitteePlan] = []
    county_of: dict[int, str] = {}
    for row in rows:
        key = (row[2], row[3])
        kind = kinds.get(key)
        if kind is None:
            continue  # no committee: the 居委会 acts for the owners (DOMAIN 3.8, GR 58)
        committee = builder.build(
            row=row,
            plan=plan_of[key],
            kind=kind,
            owners=samples.get(row[0], []),
            ends_in_days=ends_in.get(key),
            with_election=with_elections,
        )
        if committee is None:
            continue
        committee.live = key in ends_in
        county_of[row[0]] = plan_of[key].county_code
        committees.append(committee)
    rng = random.Random(SEED + 1 + int(plan.code))
    _designate_alarms(rng, committees, today)
    _branches(committees)
    return PrefecturePlan(committees=committees, builder=builder, county_of=county_of)


@dataclass(frozen=True)
class BranchPlan:
    committee: CommitteePlan
    kind: str
    name: str
    secretary: str
    member_count: int
    founded_on: date


def branch_plans(committees: list[CommitteePlan], today: date) -> list[BranchPlan]:
    """The committees' own and joint branches (DOMAIN 8.1) with their names, secretaries,
    sizes and founding dates."""
    names = dict(
        Region.objects.filter(pk__in={c.community_id for c in committees}).values_list("pk", "name")
    )
    joint_serial: dict[int, int] = {}
    result = []
    for committee in committees:
        term = committee.current
        formal = [m for m in term.members if m.serving and m.formal_registered]
        if committee.branch == "own":
            kind_name = "业主委员会" if committee.kind == CommitteeKind.OWNERS else "物业管理委员会"
            name = f"{committee.compound_name}{kind_name}党支部"
            chair = next((m for m in formal if m.position == Position.CHAIR), None)
            secretary = (chair or formal[0]).name
            count = len(formal)
        elif committee.branch == "joint":
            group = committee.joint_group
            serial = joint_serial[committee.community_id] = (
                joint_serial.get(committee.community_id, 0) + 1
            )
            name = f"{names[committee.community_id]}业委会联合党支部"
            if serial > 1:
                name = f"{names[committee.community_id]}第{serial}业委会联合党支部"
            secretary = formal[0].name
            count = sum(c.current.formal_registered for c in group)
            term = max((c.current for c in group), key=lambda t: t.elected_on)
        else:
            continue
        founded = term.elected_on + timedelta(days=20 + len(name) % 40)
        result.append(
            BranchPlan(
                committee=committee,
                kind=BranchKind.COMMITTEE if committee.branch == "own" else BranchKind.JOINT,
                name=name,
                secretary=secretary,
                member_count=count,
                founded_on=min(founded, today),
            )
        )
    return result
