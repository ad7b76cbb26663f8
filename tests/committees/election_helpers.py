"""A held election whose given owners all passed the joint review (DOMAIN §9), for tests
that need a term to come out of an election (its members are the passed candidates)."""

from __future__ import annotations

from datetime import date, timedelta

from django.contrib.auth import get_user_model

from committees.choices import CommitteeKind, Position, ReviewSource, ReviewStatus
from committees.elections.services import elections as election_services
from committees.elections.services.reviews import review_checks_configure, review_record
from committees.models import CandidateReview, Election, ReviewCheck
from committees.services.committees import term_create_next
from estates.choices import RegionLevel
from estates.models import Compound, Department, Owner, Region


def _ancestors(path: str) -> list[str]:
    parts = [p for p in path.split("/") if p]
    return ["".join(f"{p}/" for p in parts[: i + 1]) for i in range(len(parts))]


def ensure_review_setup(compound: Compound) -> None:
    """Checks configured for the compound's county and a department for each kind."""
    ancestors = _ancestors(compound.region_path)
    county = Region.objects.get(path__in=ancestors, level=RegionLevel.COUNTY)
    if not ReviewCheck.objects.filter(region_path__in=ancestors, is_active=True).exists():
        review_checks_configure(region=county)
    nearest = (
        ReviewCheck.objects.filter(region_path__in=ancestors, is_active=True)
        .order_by("-region_path")
        .values_list("region_path", flat=True)
        .first()
    )
    kinds = set(
        ReviewCheck.objects.filter(region_path=nearest, is_active=True).values_list(
            "department_kind", flat=True
        )
    )
    for kind in kinds:
        if not Department.objects.filter(region_path__in=ancestors, kind=kind).exists():
            Department.objects.create(region=county, kind=kind, name=f"{county.name}{kind}")


def _clerk():
    """Records the departments' written answers (a platform administrator)."""
    user = get_user_model().objects.filter(username="vetting_clerk").first()
    return user or get_user_model().objects.create_user(
        username="vetting_clerk", password="pw-12345678", is_superuser=True, is_staff=True
    )


def hold_election(
    compound: Compound,
    owners: list[Owner],
    *,
    actor,
    held_on: date,
    kind: str = CommitteeKind.OWNERS,
    term_number: int = 1,
    seats: int | None = None,
) -> Election:
    """Open, nominate ``owners``, vet (every department passes them), publish and hold."""
    ensure_review_setup(compound)
    started = held_on - timedelta(days=60)
    election = election_services.election_open(
        compound=compound,
        kind=kind,
        term_number=term_number,
        seats=seats or len(owners),
        started_on=started,
        actor=actor,
    )
    for i, owner in enumerate(owners):
        election_services.candidate_nominate(
            election=election,
            owner=owner,
            position_sought=Position.CHAIR if i == 0 else Position.MEMBER,
            nominated_on=started,
            actor=actor,
        )
    election_services.election_start_vetting(
        election=election, actor=actor, today=started + timedelta(days=5)
    )
    clerk = _clerk()
    for review in CandidateReview.objects.filter(
        candidate__election=election, source=ReviewSource.DEPARTMENT
    ):
        review_record(review=review, status=ReviewStatus.PASSED, actor=clerk)
    for candidate in election.candidates.all():
        election_services.candidate_conclude(candidate=candidate, actor=actor)
    election_services.election_publish_candidates(election=election, actor=actor)
    return election_services.election_hold(election=election, actor=actor, held_on=held_on)


def elect_next_term(committee, members, *, actor, held_on: date, **kwargs):
    """换届 through a held election whose passed candidates are ``members``' owners."""
    election = hold_election(
        committee.compound,
        [m.owner for m in members if m.owner is not None],
        actor=actor,
        held_on=held_on,
        kind=committee.kind,
        term_number=committee.terms.count() + 1,
    )
    return term_create_next(
        committee=committee, election=election, members=members, actor=actor, **kwargs
    )
