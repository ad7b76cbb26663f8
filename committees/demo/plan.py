"""What the demo committees will be, decided from fixed seeds before anything is written.

A :class:`CommitteePlan` holds a committee's terms and members and (in 文山州) the election
of its current term: candidates, the departments' answers and the verdicts (DOMAIN §9).
:mod:`.layout` decides which compounds get which committee, the alarm cases and the
branches; :mod:`.write` writes a plan through the services, :mod:`.province` in bulk.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil

from django.db import connection

from estates import demo as estates_demo
from estates.choices import OwnerKind
from estates.models import Compound, Owner, Ownership

from ..choices import (
    CandidateStatus,
    CommitteeKind,
    CrossAppointment,
    FindingCategory,
    LeaveReason,
    PartyStatus,
    Position,
    ReviewSource,
    ReviewStatus,
)
from ..deadlines import WorkCalendar, add_years
from ..elections.services.reviews import CheckPlan

SEED = 532_607
OWN_BRANCH_MIN = 3  # DOMAIN 8.1
JOINT_BRANCH_MAX_UNITS = 5  # DOMAIN 8.1
# DOMAIN 0.4–0.5: committees of the province and of 文山州.
PROVINCE_OWNERS, PROVINCE_MANAGEMENT = 6_829, 9_792
WENSHAN_OWNERS, WENSHAN_MANAGEMENT = 768, 105
# The live demo: the first community of 开化街道, where the demo street officer works.
LIVE_COMMUNITY = "532601001001"
SAMPLE_OWNERS = 60  # owners per compound read to draw members and candidates from
OWNER_TERM_YEARS, MANAGEMENT_TERM_YEARS = 5, 3  # DOMAIN 3.1, 7.2

Log = Callable[[str], None]


# ------------------------------------------------------------------ plans


@dataclass
class MemberPlan:
    owner_id: int | None
    name: str
    position: str = Position.MEMBER
    party_status: str = PartyStatus.NONE
    registered: bool = False
    cross: str = ""
    reserve_order: int | None = None
    left_on: date | None = None
    leave_reason: str = ""
    handed_over_on: date | None = None

    @property
    def serving(self) -> bool:
        return self.left_on is None and self.position != Position.RESERVE

    @property
    def formal_registered(self) -> bool:
        return self.party_status == PartyStatus.FORMAL and self.registered


@dataclass
class TermPlan:
    number: int
    elected_on: date
    ends_on: date
    members: list[MemberPlan]
    first_meeting_on: date | None = None
    filed_on: date | None = None
    handed_over_on: date | None = None

    @property
    def formal_registered(self) -> int:
        return sum(m.serving and m.formal_registered for m in self.members)


@dataclass
class CandidatePlan:
    owner_id: int
    name: str
    position_sought: str
    party_status: str
    nominated_on: date
    status: str
    concluded_on: date
    # (source, department id, status, category, due on, answered on)
    reviews: list[tuple] = field(default_factory=list)


@dataclass
class ElectionPlan:
    seats: int
    started_on: date
    review_due_on: date
    held_on: date
    candidates: list[CandidatePlan]
    vetting_on: date | None = None


@dataclass
class CommitteePlan:
    compound_id: int
    community_id: int
    community_code: str
    compound_name: str
    company_id: int | None
    kind: str
    set_size: int
    terms: list[TermPlan]
    owners: list[tuple[int, str]]
    election: ElectionPlan | None = None
    live: bool = False
    branch: str = ""  # "own", "joint" (lead of a joint branch), "missing" or ""
    joint_group: list[CommitteePlan] = field(default_factory=list)

    @property
    def current(self) -> TermPlan:
        return self.terms[-1]


# ------------------------------------------------------------------ helpers


def _apportion(total: int, weights: list[int]) -> list[int]:
    """Integers proportional to weights adding up to total (largest remainder)."""
    whole = sum(weights)
    if not whole:
        return [0] * len(weights)
    raw = [total * w / whole for w in weights]
    result = [int(r) for r in raw]
    order = sorted(range(len(raw)), key=lambda i: (raw[i] - result[i], -i), reverse=True)
    for i in order[: total - sum(result)]:
        result[i] += 1
    return result


def _pick(rng: random.Random, items: list, weights: list[float], k: int) -> set:
    """k distinct items, weighted (Efraimidis–Spirakis keys)."""
    keyed = sorted(((rng.random() ** (1.0 / w), i) for i, w in enumerate(weights)), reverse=True)
    return {items[i] for _key, i in keyed[:k]}


def _person_name(rng: random.Random) -> str:
    given = rng.choice(estates_demo.GIVEN)
    if rng.random() < 0.7:
        given += rng.choice(estates_demo.GIVEN)
    return rng.choice(estates_demo.SURNAMES) + given


def _owner_samples(prefix: str) -> dict[int, list[tuple[int, str]]]:
    """The first owners (people, not developers) of every compound under a region path,
    one windowed query: compound id → [(owner id, name)] without repeats."""
    quote = connection.ops.quote_name
    sql = (
        "SELECT t.compound_id, t.owner_id, t.name FROM ("
        " SELECT os.compound_id AS compound_id, os.owner_id AS owner_id, o.name AS name,"
        "  ROW_NUMBER() OVER (PARTITION BY os.compound_id ORDER BY os.id) AS rn"
        f" FROM {quote(Ownership._meta.db_table)} os"
        f" JOIN {quote(Owner._meta.db_table)} o ON o.id = os.owner_id"
        f" JOIN {quote(Compound._meta.db_table)} c ON c.id = os.compound_id"
        " WHERE c.region_path LIKE %s AND o.kind = %s"
        ") t WHERE t.rn <= %s ORDER BY t.compound_id, t.rn"
    )
    samples: dict[int, dict[int, str]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, [f"{prefix}%", OwnerKind.PERSON, SAMPLE_OWNERS])
        for compound_id, owner_id, name in cursor.fetchall():
            samples.setdefault(compound_id, {}).setdefault(owner_id, name)
    return {c: list(owners.items()) for c, owners in samples.items()}


def _owners_size(rng: random.Random, units: int) -> int:
    """DOMAIN 3.1: 5–11 members, an odd number, larger for larger compounds."""
    if units <= 150:
        return 5
    if units <= 500:
        return rng.choice([5, 7, 7])
    if units <= 1500:
        return rng.choice([7, 9])
    return rng.choice([9, 11])


def _party_count(rng: random.Random, serving: int) -> int:
    """Most committees reach the DOMAIN 8.2 target of half party members; some do not."""
    target = ceil(serving / 2)
    draw = rng.random()
    if draw < 0.12:
        return min(serving, target + 1)
    if draw < 0.9:
        return target
    return max(1, target - (1 if draw < 0.97 else 2))


def _assign_party(rng: random.Random, members: list[MemberPlan], count: int) -> None:
    for member in rng.sample(members, k=min(count, len(members))):
        if rng.random() < 0.1:
            member.party_status = PartyStatus.PROBATIONARY
        else:
            member.party_status = PartyStatus.FORMAL
            member.registered = rng.random() < 0.78


# ------------------------------------------------------------------ one committee


class CommitteeBuilder:
    """A committee's terms, members and (in 文山州) the election of its current term."""

    def __init__(
        self,
        *,
        today: date,
        calendar: WorkCalendar,
        review_plans: dict[str, list[CheckPlan]],
        county_names: dict[str, str],
    ):
        self.today = today
        self.calendar = calendar
        self.review_plans = review_plans
        self.county_names = county_names
        self.filing_serial: dict[tuple[str, int], int] = {}

    def build(
        self,
        *,
        row: tuple,
        plan: estates_demo.CompoundPlan,
        kind: str,
        owners: list[tuple[int, str]],
        ends_in_days: int | None,
        with_election: bool,
    ) -> CommitteePlan | None:
        compound_id, community_id, community_code, name, company_id = row
        rng = random.Random(f"{SEED}:{community_code}:{name}")
        owners = list(owners)
        rng.shuffle(owners)
        years = OWNER_TERM_YEARS if kind == CommitteeKind.OWNERS else MANAGEMENT_TERM_YEARS
        if kind == CommitteeKind.OWNERS:
            set_size = _owners_size(rng, plan.units)
            owner_seats = set_size
            reserves = rng.choices([0, 1, 2], weights=[60, 25, 15])[0]
        else:
            set_size = rng.choice([7, 7, 9])  # DOMAIN 7.2: odd, at least 7
            owner_seats = ceil(set_size / 2) + rng.choice([0, 1])  # owners at least half
            reserves = 0
        extra = max(1, round(owner_seats * 0.3 + rng.uniform(-0.5, 0.5)))
        if len(owners) < owner_seats + reserves:
            return None
        extra = min(extra, len(owners) - owner_seats - reserves)

        # Current term: elected in the past term's span, ending from next month onwards.
        if ends_in_days is not None:
            elected = add_years(self.today + timedelta(days=ends_in_days + 1), -years)
        else:
            elected = self.today - timedelta(days=rng.randint(30, years * 365 - 30))
        previous = rng.random() < (0.3 if kind == CommitteeKind.OWNERS else 0.2)
        number = 2 if previous else 1
        pool = owners[: owner_seats + reserves + extra]
        current = self._term(
            rng, kind, number, elected, years, set_size, owner_seats, pool, reserves
        )
        terms = [current]
        if previous:
            before = add_years(elected, -years)
            # Some members are re-elected; the rest of the outgoing term are other owners.
            others = owners[owner_seats + reserves + extra :]
            kept = pool[: rng.randint(0, owner_seats // 2)]
            rest = [o for o in others if o not in kept]
            old_pool = (kept + rest)[:owner_seats]
            if len(old_pool) == owner_seats:
                old = self._term(rng, kind, 1, before, years, set_size, owner_seats, old_pool, 0)
                old.ends_on = elected - timedelta(days=1)
                old.handed_over_on = old.ends_on + timedelta(days=rng.randint(2, 9))
                for member in old.members:
                    member.left_on = old.ends_on
                    member.leave_reason = LeaveReason.TERM_ENDED
                terms.insert(0, old)
            else:
                current.number = 1
        committee = CommitteePlan(
            compound_id=compound_id,
            community_id=community_id,
            community_code=community_code,
            compound_name=name,
            company_id=company_id,
            kind=kind,
            set_size=set_size,
            terms=terms,
            owners=owners,
        )
        if with_election:
            committee.election = self._election(rng, committee, owner_seats, pool, plan.county_code)
        return committee

    def _term(
        self,
        rng: random.Random,
        kind: str,
        number: int,
        elected: date,
        years: int,
        set_size: int,
        owner_seats: int,
        pool: list[tuple[int, str]],
        reserves: int,
    ) -> TermPlan:
        members = [MemberPlan(owner_id=pk, name=name) for pk, name in pool[:owner_seats]]
        if kind == CommitteeKind.OWNERS:
            _assign_party(rng, members, _party_count(rng, set_size))
            party = [m for m in members if m.party_status != PartyStatus.NONE]
            chair = party[0] if party and rng.random() < 0.85 else members[0]
            chair.position = Position.CHAIR
            others = [m for m in members if m is not chair]
            for m in others[: 1 if set_size <= 7 else 2]:
                m.position = Position.VICE_CHAIR
            for m in party:
                if m is not chair and rng.random() < 0.1:
                    m.cross = CrossAppointment.COMMUNITY_COMMITTEE  # DOMAIN 8.3
        else:
            # DOMAIN 7.2: the 居委会 representative chairs, an owner is vice-chair; the
            # other seats go to the street and the community police.
            _assign_party(rng, members, max(1, round(owner_seats * rng.uniform(0.2, 0.5))))
            members[0].position = Position.VICE_CHAIR
            officials = [
                MemberPlan(
                    owner_id=None,
                    name=_person_name(rng),
                    position=Position.CHAIR if i == 0 else Position.MEMBER,
                    party_status=PartyStatus.FORMAL,
                    registered=i == 0 or rng.random() < 0.3,
                    cross=CrossAppointment.COMMUNITY_COMMITTEE if i == 0 else "",
                )
                for i in range(set_size - owner_seats)
            ]
            members = officials + members
        members.extend(
            MemberPlan(
                owner_id=pk,
                name=name,
                position=Position.RESERVE,
                reserve_order=order,
                party_status=rng.choice([PartyStatus.NONE, PartyStatus.NONE, PartyStatus.FORMAL]),
            )
            for order, (pk, name) in enumerate(pool[owner_seats : owner_seats + reserves], 1)
        )
        for m in members:
            m.registered = m.registered and m.party_status == PartyStatus.FORMAL
        late = rng.random() < 0.05
        first_meeting = elected + timedelta(days=rng.randint(8, 15) if late else rng.randint(1, 6))
        filed = elected + timedelta(
            days=rng.randint(31, 45) if rng.random() < 0.06 else rng.randint(8, 28)
        )
        term = TermPlan(
            number=number,
            elected_on=elected,
            ends_on=add_years(elected, years) - timedelta(days=1),
            members=members,
            first_meeting_on=min(first_meeting, self.today - timedelta(days=1)),
            filed_on=filed if filed < self.today else None,
        )
        return term

    def _election(
        self,
        rng: random.Random,
        committee: CommitteePlan,
        seats: int,
        pool: list[tuple[int, str]],
        county_code: str,
    ) -> ElectionPlan:
        """The election of the current term: every candidate reviewed by each department
        of the county (DOMAIN §9); losers sometimes failed a check; flags never fail."""
        term = committee.current
        held = term.elected_on
        started = held - timedelta(days=rng.randint(45, 80))
        vetting = started + timedelta(days=rng.randint(12, 16))
        steps = self.review_plans.get(county_code, [])
        due = {s.department.pk: self.calendar.due_date(vetting, s.due_days) for s in steps}
        review_due = max(due.values(), default=vetting)
        by_owner = {m.owner_id: m for m in term.members if m.owner_id is not None}
        candidates = []
        for pk, name in pool:
            member = by_owner.get(pk)
            elected = member is not None
            status = CandidateStatus.PASSED
            if not elected:
                draw = rng.random()
                if draw < 0.15:
                    status = CandidateStatus.FAILED
                elif draw < 0.19:
                    status = CandidateStatus.WITHDRAWN
            reviews = []
            failing = set()
            if status == CandidateStatus.FAILED and steps:
                failing = {s.department.pk for s in rng.sample(steps, k=rng.choice([1, 1, 1, 2]))}
            flagged = None
            if status != CandidateStatus.FAILED and steps and rng.random() < 0.03:
                flagged = rng.choice(steps).department.pk
            for step in steps:
                dept = step.department.pk
                answered = min(vetting + timedelta(days=rng.randint(1, 9)), due[dept])
                if dept in failing:
                    verdict, category = ReviewStatus.FAILED, rng.choice(step.categories)
                elif dept == flagged:
                    verdict, category = ReviewStatus.FLAGGED, rng.choice(step.categories)
                else:
                    verdict, category = ReviewStatus.PASSED, ""
                reviews.append(
                    (ReviewSource.DEPARTMENT, dept, verdict, category, due[dept], answered)
                )
            if rng.random() < 0.02:  # fee arrears: flag only (DOMAIN 9, E12)
                reviews.append(
                    (
                        ReviewSource.AUTOMATIC,
                        None,
                        ReviewStatus.FLAGGED,
                        FindingCategory.FEE_ARREARS,
                        vetting,
                        vetting,
                    )
                )
            if member is not None and member.position in (Position.CHAIR, Position.VICE_CHAIR):
                sought = member.position
            else:
                sought = Position.MEMBER
            candidates.append(
                CandidatePlan(
                    owner_id=pk,
                    name=name,
                    position_sought=sought,
                    party_status=member.party_status if member else PartyStatus.NONE,
                    nominated_on=started + timedelta(days=rng.randint(2, 10)),
                    status=status,
                    concluded_on=review_due + timedelta(days=rng.randint(1, 3)),
                    reviews=reviews,
                )
            )
        return ElectionPlan(
            vetting_on=vetting,
            seats=seats,
            started_on=started,
            review_due_on=review_due,
            held_on=held,
            candidates=candidates,
        )

    def reference(self, county_code: str, on: date) -> str:
        key = (county_code, on.year)
        self.filing_serial[key] = self.filing_serial.get(key, 0) + 1
        county = self.county_names.get(county_code, "")
        return f"{county}业委会备〔{on.year}〕{self.filing_serial[key]}号"
