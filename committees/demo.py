"""Demo committees for the seed (``manage.py seed_demo``), deterministic from fixed seeds.

文山州 (DOMAIN 0.5): every one of the 873 compounds has one active committee, 768 业委会
and 105 物委会; each committee's current term came out of an election whose candidates
went through the joint review of the county's departments (DOMAIN §9), so the past
elections hold several thousand department reviews (person-times), a small share failed
and a few flagged for fee arrears (flags never fail, E12). Committees with at least three
formal party members registered in the community have their own branch, others with
some formal members share joint branches within their community (DOMAIN 8.1); the
companies of the 11 红色物业 compounds get a branch, a joint branch or an instructor
(DOMAIN 8.4). A few terms end within three months, a few filings are overdue, a few
committees are below half strength and two lack the branch they need, so the alarms
have entries; two elections are open (one in vetting, one with a published list).

The rest of 云南省 (DOMAIN 0.4: 6,829 业委会 and 9,792 物委会 over 18,800 compounds) gets
committees, terms, members and branches in the same way, without election history.

Historical rows are written in bulk with the state they ended in (a creation value, as
the registry import writes rows); the open elections go through the services and
workflows, so the audit log shows them.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from math import ceil

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates import demo as estates_demo
from estates.choices import DepartmentKind, OwnerKind
from estates.loading import bulk_insert
from estates.models import Compound, Owner, Ownership, PropertyCompany, Region

from .choices import (
    BranchKind,
    CandidateStatus,
    CommitteeKind,
    CrossAppointment,
    ElectionStatus,
    FindingCategory,
    LeaveReason,
    PartyStatus,
    Position,
    ReviewSource,
    ReviewStatus,
)
from .deadlines import WorkCalendar, add_years
from .models import (
    Candidate,
    CandidateReview,
    Committee,
    CommitteeMember,
    Election,
    PartyBranch,
    ReviewCheck,
    Term,
)
from .services.reviews import CheckPlan, review_checks_configure, review_plan_for

SEED = 532_607
OWN_BRANCH_MIN = 3  # DOMAIN 8.1
JOINT_BRANCH_MAX_UNITS = 5  # DOMAIN 8.1
# DOMAIN 0.4–0.5: committees of the province and of 文山州.
PROVINCE_OWNERS, PROVINCE_MANAGEMENT = 6_829, 9_792
WENSHAN_OWNERS, WENSHAN_MANAGEMENT = 768, 105
# The live demo: the first community of 开化街道, where the demo street officer works.
LIVE_COMMUNITY = "532601001001"
# 综合行政执法 checks illegal construction alongside housing (DOMAIN §9 "住建/城管").
ENFORCEMENT_CHECK = (
    DepartmentKind.ENFORCEMENT,
    FindingCategory.BUILDING,
    "违法建设、占用公共部位（综合执法）",
)
SAMPLE_OWNERS = 60  # owners per compound read to draw members and candidates from
OWNER_TERM_YEARS, MANAGEMENT_TERM_YEARS = 5, 3  # DOMAIN 3.1, 7.2

Log = Callable[[str], None]
COUNT_LABELS = {
    "committees": _("委员会"),
    "members": _("委员"),
    "branches": _("党组织"),
    "elections": _("选举"),
    "candidates": _("候选人"),
    "reviews": _("联审意见"),
    "red_property_branches": _("红色物业党组织"),
}


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


# ------------------------------------------------------------------ writing


def _insert(
    committees: list[CommitteePlan], builder: CommitteeBuilder, county_of: dict[int, str]
) -> dict:
    committee_ids = bulk_insert(
        Committee,
        ["compound_id", "kind", "set_size", "formed_on", "is_active"],
        [(c.compound_id, c.kind, c.set_size, c.terms[0].elected_on, True) for c in committees],
    )
    term_rows, term_owner = [], []
    for committee, committee_id in zip(committees, committee_ids, strict=True):
        for term in committee.terms:
            reference = ""
            if term.filed_on:
                reference = builder.reference(county_of[committee.compound_id], term.filed_on)
            term_rows.append(
                (
                    committee_id,
                    committee.compound_id,
                    term.number,
                    term.elected_on,
                    term.elected_on,
                    term.ends_on,
                    term.first_meeting_on,
                    term.filed_on,
                    reference,
                    term.handed_over_on,
                )
            )
            term_owner.append((committee, term))
    term_ids = bulk_insert(
        Term,
        [
            "committee_id",
            "compound_id",
            "number",
            "elected_on",
            "starts_on",
            "ends_on",
            "first_meeting_on",
            "filed_on",
            "filing_reference",
            "handed_over_on",
        ],
        term_rows,
    )
    member_rows = []
    for (committee, term), term_id in zip(term_owner, term_ids, strict=True):
        for m in term.members:
            member_rows.append(
                (
                    term_id,
                    committee.compound_id,
                    m.owner_id,
                    m.name,
                    m.position,
                    m.reserve_order,
                    term.elected_on,
                    m.left_on,
                    m.leave_reason,
                    m.handed_over_on,
                    m.party_status,
                    m.registered,
                    m.cross,
                )
            )
    bulk_insert(
        CommitteeMember,
        [
            "term_id",
            "compound_id",
            "owner_id",
            "name",
            "position",
            "reserve_order",
            "started_on",
            "left_on",
            "leave_reason",
            "handed_over_on",
            "party_status",
            "party_registered_in_community",
            "cross_appointment",
        ],
        member_rows,
    )
    counts = {"committees": len(committees), "members": len(member_rows)}
    counts.update(_insert_branches(committees, committee_ids, builder.today))
    counts.update(_insert_elections(committees, committee_ids))
    return counts


def _insert_branches(
    committees: list[CommitteePlan], committee_ids: list[int], today: date
) -> dict:
    names = dict(
        Region.objects.filter(pk__in={c.community_id for c in committees}).values_list("pk", "name")
    )
    joint_serial: dict[int, int] = {}
    rows = []
    for committee, committee_id in zip(committees, committee_ids, strict=True):
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
        rows.append(
            (
                BranchKind.COMMITTEE if committee.branch == "own" else BranchKind.JOINT,
                name,
                committee.compound_id,
                committee_id,
                committee.company_id,
                secretary,
                count,
                min(founded, today),
            )
        )
    bulk_insert(
        PartyBranch,
        [
            "kind",
            "name",
            "compound_id",
            "committee_id",
            "property_company_id",
            "secretary",
            "member_count",
            "founded_on",
        ],
        rows,
    )
    return {"branches": len(rows)}


def _insert_elections(committees: list[CommitteePlan], committee_ids: list[int]) -> dict:
    """The held elections of the current terms: created in their final state, with the
    candidates' verdicts and the departments' answers as they were recorded."""
    pairs = [(c, pk) for c, pk in zip(committees, committee_ids, strict=True) if c.election]
    election_ids = bulk_insert(
        Election,
        [
            "compound_id",
            "committee_id",
            "kind",
            "term_number",
            "seats",
            "status",
            "started_on",
            "review_due_on",
            "planned_on",
            "held_on",
        ],
        [
            (
                c.compound_id,
                pk if c.current.number > 1 else None,  # first elections precede the body
                c.kind,
                c.current.number,
                c.election.seats,
                ElectionStatus.HELD,
                c.election.started_on,
                c.election.review_due_on,
                c.election.held_on,
                c.election.held_on,
            )
            for c, pk in pairs
        ],
    )
    candidate_rows, reviews_of = [], []
    for (committee, _pk), election_id in zip(pairs, election_ids, strict=True):
        for cand in committee.election.candidates:
            candidate_rows.append(
                (
                    election_id,
                    committee.compound_id,
                    cand.owner_id,
                    cand.name,
                    cand.position_sought,
                    cand.party_status,
                    cand.nominated_on,
                    cand.status,
                    cand.concluded_on,
                )
            )
            reviews_of.append((committee.compound_id, cand.reviews))
    candidate_ids = bulk_insert(
        Candidate,
        [
            "election_id",
            "compound_id",
            "owner_id",
            "name",
            "position_sought",
            "party_status",
            "nominated_on",
            "status",
            "concluded_on",
        ],
        candidate_rows,
    )
    review_rows = [
        (candidate_id, compound_id, *review)
        for candidate_id, (compound_id, reviews) in zip(candidate_ids, reviews_of, strict=True)
        for review in reviews
    ]
    bulk_insert(
        CandidateReview,
        [
            "candidate_id",
            "compound_id",
            "source",
            "department_id",
            "status",
            "category",
            "due_on",
            "answered_on",
        ],
        review_rows,
    )
    return {
        "elections": len(election_ids),
        "candidates": len(candidate_ids),
        "reviews": len(review_rows),
    }


# ------------------------------------------------------------------ one prefecture


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


def _prefecture(
    plan: estates_demo.PrefecturePlan,
    *,
    owners: int,
    management: int,
    today: date,
    calendar: WorkCalendar,
    with_elections: bool,
) -> tuple[list[CommitteePlan], dict]:
    prefix = Region.objects.filter(code=plan.code).values_list("path", flat=True).first()
    if prefix is None:
        return [], {}
    plan_of = {(c.community_code, c.name): c for c in plan.compounds}
    rows = [
        row
        for row in Compound.objects.filter(region_path__startswith=prefix)
        .exclude(pk__in=Committee.objects.values("compound_id"))
        .values_list("pk", "region_id", "region__code", "name", "property_company_id")
        if (row[2], row[3]) in plan_of
    ]
    if not rows:
        return [], {}
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
    counts = _insert(committees, builder, county_of)
    return committees, counts


# ------------------------------------------------------------------ live objects


def _live_election(
    committee: CommitteePlan,
    *,
    street,
    started: date,
    planned: date,
    vetting_on: date,
):
    """换届 of a committee whose term ends soon, through the services (audited): open,
    nominate about 1.3× the seats, send to the joint review."""
    from .services.elections import candidate_nominate, election_open, election_start_vetting

    compound = Compound.objects.get(pk=committee.compound_id)
    term = committee.current
    election = election_open(
        compound=compound,
        kind=committee.kind,
        term_number=term.number + 1,
        seats=committee.set_size,
        started_on=started,
        planned_on=planned,
        actor=street,
    )
    rng = random.Random(f"{SEED}:live:{committee.community_code}:{committee.compound_name}")
    standing = [m for m in term.members if m.serving and m.owner_id and rng.random() < 0.7]
    known = {m.owner_id for m in term.members}
    newcomers = [pk for pk, _name in committee.owners if pk not in known]
    wanted = max(committee.set_size + 1, round(committee.set_size * 1.3))
    nominees = [(m.owner_id, m.party_status) for m in standing]
    nominees += [
        (pk, PartyStatus.FORMAL if rng.random() < 0.3 else PartyStatus.NONE)
        for pk in newcomers[: wanted - len(nominees)]
    ]
    owners = Owner.objects.in_bulk([pk for pk, _party in nominees])
    for i, (pk, party) in enumerate(nominees):
        candidate_nominate(
            election=election,
            owner=owners[pk],
            position_sought=Position.CHAIR if i == 0 else Position.MEMBER,
            nominated_on=started + timedelta(days=2 + i % 5),
            actor=street,
            party_status=party,
        )
    return election_start_vetting(election=election, actor=street, today=vetting_on)


def _live(committees: list[CommitteePlan], today: date, log: Log) -> None:
    """One election in vetting with the departments' reviews pending (the demo reviewer
    answers the police ones), one with the vetted list published."""
    from .services.elections import candidate_conclude, election_publish_candidates
    from .services.reviews import review_record

    users = {
        u.username: u
        for u in get_user_model().objects.filter(username__in=["admin", "jiedao", "shencha"])
    }
    live = [c for c in committees if c.live]
    if len(users) < 3 or len(live) < 2:
        return
    street, reviewer, admin = users["jiedao"], users["shencha"], users["admin"]
    published = _live_election(
        live[0],
        street=street,
        started=today - timedelta(days=40),
        planned=today + timedelta(days=20),
        vetting_on=today - timedelta(days=30),
    )
    own_departments = set(reviewer.department_memberships.values_list("department_id", flat=True))
    candidates = list(published.candidates.order_by("pk"))
    failed, flagged = candidates[-1], candidates[-2]
    reviews = (
        CandidateReview.objects.filter(
            candidate__election=published, source=ReviewSource.DEPARTMENT
        )
        .select_related("department")
        .order_by("candidate_id", "department__kind")
    )
    for i, review in enumerate(reviews):
        status, category = ReviewStatus.PASSED, ""
        kind = review.department.kind
        if review.candidate_id == failed.pk and kind == DepartmentKind.MARKET:
            status, category = ReviewStatus.FAILED, FindingCategory.CONFLICT
        elif review.candidate_id == flagged.pk and kind == DepartmentKind.HOUSING:
            status, category = ReviewStatus.FLAGGED, FindingCategory.BUILDING
        # The demo reviewer answers for his department; the platform administrator
        # records the other departments' written answers.
        actor = reviewer if review.department_id in own_departments else admin
        review_record(
            review=review,
            status=status,
            category=category,
            actor=actor,
            answered_on=today - timedelta(days=29 - i % 7),
        )
    for candidate in candidates:
        candidate_conclude(candidate=candidate, actor=street, on=today - timedelta(days=21))
    election_publish_candidates(election=published, actor=street)
    vetting = _live_election(
        live[1],
        street=street,
        started=today - timedelta(days=12),
        planned=today + timedelta(days=35),
        vetting_on=today - timedelta(days=3),
    )
    log(
        f"  {published}: {published.get_status_display()}; {vetting}: {vetting.get_status_display()}"
    )


RED_KINDS = [
    BranchKind.COMPANY,
    BranchKind.COMPANY,
    BranchKind.INSTRUCTOR,
    BranchKind.COMPANY,
    BranchKind.JOINT,
    BranchKind.COMPANY,
    BranchKind.INSTRUCTOR,
    BranchKind.COMPANY,
]


def _red_property(prefix: str, today: date) -> int:
    """DOMAIN 8.4: the company of each 红色物业 compound gets a party branch, a joint
    branch or an assigned instructor, through the service (audited)."""
    from .services.committees import RED_PROPERTY_KINDS, red_property_branch_create

    admin = get_user_model().objects.filter(username="admin").first()
    if admin is None:
        return 0
    compounds = (
        Compound.objects.filter(
            region_path__startswith=prefix, is_red_property=True, property_company__isnull=False
        )
        .select_related("property_company", "region__parent")
        .order_by("region_path", "name")
    )
    done = set(
        PartyBranch.objects.filter(
            kind__in=RED_PROPERTY_KINDS, committee__isnull=True, compound__in=compounds
        ).values_list("property_company_id", flat=True)
    )
    rng = random.Random(SEED + 84)
    created = 0
    for i, compound in enumerate(compounds):
        company: PropertyCompany = compound.property_company
        kind = RED_KINDS[i % len(RED_KINDS)]
        if company.pk in done:
            continue
        done.add(company.pk)
        if kind == BranchKind.COMPANY:
            name, count = f"{company.name}党支部", rng.randint(3, 12)
        elif kind == BranchKind.JOINT:
            name, count = f"{compound.region.parent.name}物业服务企业联合党支部", rng.randint(6, 18)
        else:
            name, count = f"{company.name}党建指导员", 0
        red_property_branch_create(
            compound=compound,
            kind=kind,
            name=name,
            founded_on=today - timedelta(days=rng.randint(180, 1100)),
            actor=admin,
            secretary=_person_name(rng),
            property_company=company,
            member_count=count,
        )
        created += 1
    return created


# ------------------------------------------------------------------ entry point


def _review_checks(region: Region) -> None:
    """DOMAIN §9: the usual checks for 文山州, plus 综合执法 alongside housing. The party
    discipline check stays off: 文山州's reviewing departments have no 纪检 office, and
    vetting refuses to start while an active check has no department to answer it."""
    review_checks_configure(region=region)
    ReviewCheck.objects.filter(region=region, department_kind=DepartmentKind.DISCIPLINE).update(
        is_active=False
    )
    kind, category, description = ENFORCEMENT_CHECK
    ReviewCheck.objects.get_or_create(
        region=region,
        department_kind=kind,
        category=category,
        defaults={"description": description},
    )


def seed_demo(
    *,
    plans: list[estates_demo.PrefecturePlan],
    log: Log = lambda message: None,
    today: date | None = None,
) -> None:
    """Committees for the seeded prefectures (called by ``manage.py seed_demo``).
    Compounds that already have a committee are left alone, so a second run adds
    nothing."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    others = [p for p in plans if p.code != estates_demo.WENSHAN[0]]
    sizes = [len(p.compounds) for p in others]
    owner_shares = _apportion(PROVINCE_OWNERS - WENSHAN_OWNERS, sizes)
    management_shares = _apportion(PROVINCE_MANAGEMENT - WENSHAN_MANAGEMENT, sizes)
    quota = {
        p.code: (o, m) for p, o, m in zip(others, owner_shares, management_shares, strict=True)
    }
    quota[estates_demo.WENSHAN[0]] = (WENSHAN_OWNERS, WENSHAN_MANAGEMENT)
    for plan in plans:
        wenshan = plan.code == estates_demo.WENSHAN[0]
        region = Region.objects.filter(code=plan.code).first()
        if region is None:
            continue
        with transaction.atomic():
            if wenshan:
                _review_checks(region)
            committees, counts = _prefecture(
                plan,
                owners=quota[plan.code][0],
                management=quota[plan.code][1],
                today=today,
                calendar=calendar,
                with_elections=wenshan,
            )
            if wenshan:
                _live(committees, today, log)
                counts["red_property_branches"] = _red_property(region.path, today)
        if counts:
            summary = "，".join(f"{COUNT_LABELS[k]} {v}" for k, v in counts.items() if v)
            log(f"  {region.name}：{summary}")
