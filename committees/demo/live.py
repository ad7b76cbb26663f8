"""The elections in progress in the demo, through the services (audited): one 换届 in
the joint review with the departments' answers pending (the demo reviewer answers the
police ones), one with the vetted list published (DOMAIN 3.8, §9); and the 红色物业
companies' branches (DOMAIN 8.4).
"""

from __future__ import annotations

import random
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from estates.choices import DepartmentKind
from estates.models import Compound, Owner, PropertyCompany

from ..choices import (
    BranchKind,
    FindingCategory,
    PartyStatus,
    Position,
    ReviewSource,
    ReviewStatus,
)
from ..models import CandidateReview, PartyBranch
from .plan import SEED, CommitteePlan, Log, _person_name


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
    from ..elections.services.elections import (
        candidate_nominate,
        election_open,
        election_start_vetting,
    )

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


def live_elections(committees: list[CommitteePlan], today: date, log: Log) -> None:
    """One election in vetting with the departments' reviews pending (the demo reviewer
    answers the police ones), one with the vetted list published."""
    from ..elections.services.elections import (
        CandidateNotice,
        candidate_conclude,
        election_publish_candidates,
    )
    from ..elections.services.reviews import review_record

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
    # The candidate notice: posted 5 days ago for 7 days, the election 20 days from today
    # (DOMAIN 2.4: at least 15 days after the notice starts).
    street_region = published.compound.region.parent
    election_publish_candidates(
        election=published,
        actor=street,
        notice=CandidateNotice(
            notice_from=today - timedelta(days=5),
            notice_until=today + timedelta(days=2),
            planned_on=today + timedelta(days=20),
            issued_by=f"{street_region.name}党工委",
            objection_place=f"{published.compound.region.name}党群服务中心",
            objection_until=today + timedelta(days=2),
        ),
    )
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


def red_property_branches(prefix: str, today: date) -> int:
    """DOMAIN 8.4: the company of each 红色物业 compound gets a party branch, a joint
    branch or an assigned instructor, through the service (audited)."""
    from ..services.committees import RED_PROPERTY_KINDS, red_property_branch_create

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
