"""Reads for elections and candidates: staff listings (scoped) and the public list."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from common.jurisdiction import MANAGE, VIEW, scope_queryset
from estates.models import Compound, Ownership

from ...choices import CandidateStatus, CommitteeKind, ElectionStatus, Position
from ...models import Candidate, Election

MSG_NOT_FOUND = _("未找到该选举，或不在您的辖区内。")


def election_list_visible_to(*, user) -> QuerySet[Election]:
    """Elections in the user's jurisdiction with candidate counts (one query)."""
    return scope_queryset(
        Election.objects.select_related("compound", "compound__region"), user, VIEW
    ).annotate(
        candidate_count=Count("candidates", distinct=True),
        failed_count=Count(
            "candidates", filter=Q(candidates__status=CandidateStatus.FAILED), distinct=True
        ),
    )


def election_get(*, user, pk: int) -> Election:
    """One election in the user's jurisdiction, else 404 (never reveal it exists)."""
    election = (
        scope_queryset(Election.objects.select_related("compound"), user, VIEW)
        .filter(pk=pk)
        .first()
    )
    if election is None:
        raise Http404(MSG_NOT_FOUND)
    return election


def candidate_list_visible_to(*, user, election: Election) -> QuerySet[Candidate]:
    return scope_queryset(
        Candidate.objects.filter(election=election).select_related("owner"), user, VIEW
    ).order_by("name")


@dataclass(frozen=True)
class PublicCandidate:
    """What the public page may show: name and position sought, nothing else."""

    name: str
    position: str


def _published_candidates(compound_id: int) -> QuerySet[Candidate]:
    return Candidate.objects.filter(
        election__compound=compound_id,
        election__status=ElectionStatus.PUBLISHED,
        status=CandidateStatus.PASSED,
    ).values_list("name", "position_sought")


def published_candidates_for(compound: Compound) -> list[PublicCandidate]:
    """The vetted candidate list of the compound's published election (one query).
    Failed and withdrawn candidates and all findings stay private (DOMAIN §9)."""
    rows = list(_published_candidates(compound.pk))
    order = list(Position.values)
    labels = dict(Position.choices)
    return [
        PublicCandidate(name=name, position=str(labels[position]))
        for name, position in sorted(rows, key=lambda r: (order.index(r[1]), r[0]))
    ]


@dataclass(frozen=True)
class PublicCandidateNotice:
    """The public candidate notice (候选人公示) of a compound's published election: which
    election, how many seats, the notice period, the planned election date, the issuing
    body and where and until when an owner may object (DOMAIN 2.4), with the vetted names.
    Plain values only: it is kept in the public page's data cache."""

    election_title: str
    seats: int
    notice_from: datetime.date | None
    notice_until: datetime.date | None
    planned_on: datetime.date | None
    issued_by: str
    objection_place: str
    objection_phone: str
    objection_until: datetime.date | None
    candidates: list[PublicCandidate]


_NOTICE_FIELDS = (
    "election__kind",
    "election__term_number",
    "election__seats",
    "election__notice_from",
    "election__notice_until",
    "election__planned_on",
    "election__issued_by",
    "election__objection_place",
    "election__objection_phone",
    "election__objection_until",
)


def candidate_notice_for(compound: Compound) -> PublicCandidateNotice | None:
    """The notice of the compound's published election with its passed candidates, in one
    query (the compound page's budget, tests/cms/test_portal_performance.py); None when no
    candidate is published. Failed and withdrawn candidates and all findings stay private
    (DOMAIN §9)."""
    rows = list(
        Candidate.objects.filter(
            election__compound=compound.pk,
            election__status=ElectionStatus.PUBLISHED,
            status=CandidateStatus.PASSED,
        ).values_list("name", "position_sought", *_NOTICE_FIELDS)
    )
    if not rows:
        return None
    order = list(Position.values)
    labels = dict(Position.choices)
    (kind, term, seats, notice_from, notice_until, planned_on, issued_by, place, phone, until) = (
        rows[0][2:]
    )
    title = _("%(compound)s第%(term)s届%(kind)s选举") % {
        "compound": compound.name,
        "term": term,
        "kind": CommitteeKind(kind).label,
    }
    return PublicCandidateNotice(
        election_title=str(title),
        seats=seats,
        notice_from=notice_from,
        notice_until=notice_until,
        planned_on=planned_on,
        issued_by=issued_by,
        objection_place=place,
        objection_phone=phone,
        objection_until=until,
        candidates=[
            PublicCandidate(name=name, position=str(labels[position]))
            for name, position, *_rest in sorted(rows, key=lambda r: (order.index(r[1]), r[0]))
        ],
    )


# ------------------------------------------------------------------ nominating


@dataclass(frozen=True)
class OwnerOption:
    """One owner offered by the nomination autocomplete: name and unit, no ID number."""

    id: int
    name: str
    units: str
    nominated: bool


OWNER_SEARCH_LIMIT = 20
OWNER_QUERY_MAX = 50


def owner_options_for_nomination(*, user, election: Election, q: str) -> list[OwnerOption]:
    """Owners of the election's compound (DOMAIN 4.1) matching ``q`` by name or phone,
    inside the user's jurisdiction, at most one page of them (two queries)."""
    q = (q or "").strip()[:OWNER_QUERY_MAX]
    if not q:
        return []
    ownerships = (
        scope_queryset(Ownership.objects.all(), user, VIEW)
        .filter(compound=election.compound_id)
        .filter(Q(owner__name__icontains=q) | Q(owner__phone__startswith=q))
        .select_related("owner", "unit", "unit__building")
        .order_by("owner__name", "owner_id", "unit_id")
    )
    by_owner: dict[int, tuple[str, list[str]]] = {}
    for ownership in ownerships[: OWNER_SEARCH_LIMIT * 3]:
        label = f"{ownership.unit.building.name} {ownership.unit}"
        _name, units = by_owner.setdefault(ownership.owner_id, (ownership.owner.name, []))
        units.append(label)
        if len(by_owner) > OWNER_SEARCH_LIMIT:
            del by_owner[ownership.owner_id]
            break
    nominated = set(
        Candidate.objects.filter(election=election, owner__in=list(by_owner)).values_list(
            "owner", flat=True
        )
    )
    return [
        OwnerOption(id=pk, name=name, units="、".join(units), nominated=pk in nominated)
        for pk, (name, units) in by_owner.items()
    ]


COMPOUND_SEARCH_LIMIT = 20


def compounds_for_election(*, user, q: str) -> list[Compound]:
    """Compounds the user may organise an election in (managed jurisdiction) whose name
    contains ``q``, one page of them, each with its open election if any (two queries)."""
    q = (q or "").strip()[:OWNER_QUERY_MAX]
    compounds = list(
        scope_queryset(Compound.objects.select_related("region"), user, MANAGE)
        .filter(name__icontains=q)
        .order_by("name")[:COMPOUND_SEARCH_LIMIT]
    )
    open_elections = {
        e.compound_id: e
        for e in Election.objects.filter(compound__in=compounds).exclude(
            status__in=[ElectionStatus.HELD, ElectionStatus.CANCELLED]
        )
    }
    for compound in compounds:
        compound.open_election = open_elections.get(compound.pk)
    return compounds
