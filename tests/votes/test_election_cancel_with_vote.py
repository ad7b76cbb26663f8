"""An election cancelled while the owners' vote on it is being organised
(disclosures.votes.election_cancel): refused while the vote is a draft or open, naming the
vote, with nothing written; allowed once the committee has cancelled the vote, or after
the vote closed (DOMAIN 1.9: the vote and its ballots stay as they were)."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from committees.choices import ElectionStatus
from committees.elections.services import elections as election_services
from disclosures.votes import services
from disclosures.votes.choices import VoteStatus
from tests.committees.committee_helpers import owners_in
from tests.votes.helpers import confirm_all
from tests.votes.test_election_votes import election_vote, published_election

pytestmark = pytest.mark.django_db


def setup(world, *, open_it: bool):
    election = published_election(world, owners_in(world.tree.compounds[0], 3), seats=1)
    return election, election_vote(world, election, open_it=open_it)


def cancel(world, election):
    return election_services.election_cancel(
        election=election, actor=world.street, reason="小区拆迁，本届不再选举"
    )


def cancel_entries(election) -> int:
    return ModelLogEntry.objects.filter(
        object_id=str(election.pk), action="committees.election.cancel"
    ).count()


@pytest.mark.parametrize("open_it, state", [(False, "正在准备"), (True, "正在进行")])
def test_refused_while_the_vote_is_a_draft_or_open_and_nothing_is_written(world, open_it, state):
    election, vote = setup(world, open_it=open_it)

    with pytest.raises(ValidationError) as refused:
        cancel(world, election)

    message = " ".join(refused.value.messages)
    assert vote.title in message and state in message and "先取消该表决" in message
    election.refresh_from_db()
    vote.refresh_from_db()
    assert election.status == ElectionStatus.PUBLISHED
    assert vote.status == (VoteStatus.OPEN if open_it else VoteStatus.DRAFT)
    assert cancel_entries(election) == 0


def test_allowed_once_the_committee_has_cancelled_the_vote(world):
    election, vote = setup(world, open_it=True)
    services.vote_cancel(vote=vote, actor=world.member, reason="候选人变动，重新组织表决")

    cancel(world, election)

    election.refresh_from_db()
    assert election.status == ElectionStatus.CANCELLED and cancel_entries(election) == 1


def test_allowed_after_the_vote_closed_and_the_vote_stays_domain_1_9(world):
    election, vote = setup(world, open_it=True)
    confirm_all(world, vote)
    services.vote_close(vote=vote, actor=world.member)

    cancel(world, election)

    election.refresh_from_db()
    vote.refresh_from_db()
    assert election.status == ElectionStatus.CANCELLED
    assert vote.status == VoteStatus.CLOSED


def test_an_election_without_a_vote_is_cancelled_as_before(world):
    election = published_election(world, owners_in(world.tree.compounds[0], 2), seats=1)
    cancel(world, election)
    election.refresh_from_db()
    assert election.status == ElectionStatus.CANCELLED


@pytest.mark.parametrize("open_it", [False, True])
def test_the_election_screen_offers_only_what_the_vote_allows(client, world, open_it):
    election, _vote = setup(world, open_it=open_it)
    candidate = election.candidates.first()
    client.force_login(world.street)

    page = client.get(reverse("committees_reviews:matrix", args=[election.pk])).content.decode()

    cancel_url = reverse("committees_reviews:action", args=[election.pk, "cancel"])
    withdraw_url = reverse("committees_reviews:withdraw", args=[candidate.pk])
    assert cancel_url not in page
    assert (withdraw_url in page) is not open_it
    assert ("表决进行期间" if open_it else "表决准备期间") in page


def test_the_election_screen_offers_cancel_without_a_vote(client, world):
    election = published_election(world, owners_in(world.tree.compounds[0], 2), seats=1)
    client.force_login(world.street)
    page = client.get(reverse("committees_reviews:matrix", args=[election.pk])).content.decode()
    assert reverse("committees_reviews:action", args=[election.pk, "cancel"]) in page
    assert "表决进行期间" not in page and "表决准备期间" not in page
