"""Reads for elections and candidates: staff listings (scoped) and the public list."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from common.jurisdiction import VIEW, scope_queryset
from estates.models import Compound

from ...choices import CandidateStatus, ElectionStatus, Position
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
