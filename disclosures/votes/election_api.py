"""API routes of an election held as an owners' vote (disclosures.votes.elections), on the
votes router: the candidates on the ballot, and seating the result once it is final.
Same conventions as :mod:`disclosures.votes.api` (404 outside the jurisdiction)."""

from __future__ import annotations

from datetime import date

from django.http import HttpRequest
from ninja import Schema
from ninja.errors import HttpError

from committees.elections.workflows import MANAGE_ELECTION
from common.access import fetch, require_role

from . import elections
from .api import VIEW_VOTE, router
from .models import Vote
from .selectors import votes_visible_to


class CandidateItemOut(Schema):
    id: int
    candidate_id: int
    name: str
    order: int


class ConcludeOut(Schema):
    election_id: int
    status: str
    held_on: date | None
    term_id: int | None
    elected: list[str]
    vacant: int


def _election_vote(user, vote_id: int) -> Vote:
    vote = fetch(votes_visible_to(user).select_related("election"), user=user, pk=vote_id)
    if vote.election_id is None:
        raise HttpError(409, str(elections.MSG_NOT_ELECTION_VOTE))
    return vote


@router.get(
    "/{int:vote_id}/candidates", response=list[CandidateItemOut], summary="选举表决的候选人"
)
def election_candidates(request: HttpRequest, vote_id: int):
    require_role(request.user, VIEW_VOTE)
    return list(_election_vote(request.user, vote_id).items.order_by("order"))


@router.post(
    "/{int:vote_id}/election/conclude",
    response=ConcludeOut,
    summary="根据选举表决最终结果完成选举、产生新一届委员会",
)
def election_conclude(request: HttpRequest, vote_id: int):
    require_role(request.user, MANAGE_ELECTION)
    vote = _election_vote(request.user, vote_id)
    election = elections.election_conclude(vote=vote, actor=request.user)
    data = vote.result.get("election") or {}
    return {
        "election_id": election.pk,
        "status": election.status,
        "held_on": election.held_on,
        "term_id": election.term_id,
        "elected": data.get("elected_names", []),
        "vacant": data.get("vacant", 0),
    }
