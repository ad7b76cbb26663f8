"""Every (state, verb) pair of the vote workflow, and who may do what (role × action)."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from common.access import fetch
from common.transitions import InvalidTransition
from disclosures.votes import services
from disclosures.votes.choices import VoteStatus
from disclosures.votes.models import Vote
from disclosures.votes.selectors import votes_visible_to
from disclosures.votes.workflows import VOTE_WORKFLOW
from tests.votes.helpers import draft_vote

pytestmark = pytest.mark.django_db

ALLOWED = {(t.name, source): t.target for t in VOTE_WORKFLOW.transitions for source in t.sources}


@pytest.mark.parametrize("state", VoteStatus.values)
@pytest.mark.parametrize("verb", [t.name for t in VOTE_WORKFLOW.transitions])
def test_every_state_verb_pair(world, state, verb):
    vote = draft_vote(world)
    Vote.objects.filter(pk=vote.pk).update(status=state)  # the state under test
    vote.refresh_from_db()
    if (verb, state) in ALLOWED:
        VOTE_WORKFLOW.fire(vote, verb, actor=world.member, reason="测试")
        vote.refresh_from_db()
        assert vote.status == ALLOWED[(verb, state)]
    else:
        with pytest.raises(InvalidTransition):
            VOTE_WORKFLOW.fire(vote, verb, actor=world.member, reason="测试")
        vote.refresh_from_db()
        assert vote.status == state


def test_cancelling_needs_a_reason(world):
    vote = draft_vote(world)
    with pytest.raises(ValidationError):
        services.vote_cancel(vote=vote, actor=world.member, reason=" ")
    services.vote_cancel(vote=vote, actor=world.member, reason="方案调整")
    assert vote.status == VoteStatus.CANCELLED


# role → (sees the vote, may open it, may enter a ballot)
ROLES = {
    "member": (True, True, True),
    "community": (True, False, False),
    "street": (True, False, False),
    "platform": (True, False, False),
    "other_member": (False, False, False),
    "other_community": (False, False, False),
    "other_street": (False, False, False),
}


@pytest.mark.parametrize("role", ROLES)
def test_role_by_action(world, role):
    sees, opens, enters = ROLES[role]
    user = world.by_role(role)
    vote = draft_vote(world)
    if sees:
        assert fetch(votes_visible_to(user), user=user, pk=vote.pk) == vote
    else:
        with pytest.raises(Http404):
            fetch(votes_visible_to(user), user=user, pk=vote.pk)
    if opens:
        services.vote_open(vote=vote, actor=user)
    else:
        with pytest.raises(PermissionDenied):
            services.vote_open(vote=vote, actor=user)
        services.vote_open(vote=vote, actor=world.member)
    enter = {"building": "1栋", "entrance": "1单元", "room": "101", "choice": "同意"}
    if enters:
        services.ballot_enter(vote=vote, actor=user, **enter)
        assert vote.ballots.count() == 1
    else:
        with pytest.raises(PermissionDenied):
            services.ballot_enter(vote=vote, actor=user, **enter)
        assert not vote.ballots.exists()
