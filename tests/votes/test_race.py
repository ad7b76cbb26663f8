"""Two people entering a ballot for the same unit at once: one ballot is saved, the other
refused with the reason; a ballot racing the close is either in before it or refused.
On SQLite by default; on PostgreSQL through scripts/with-postgres."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from disclosures.votes import services
from disclosures.votes.models import Ballot, Vote
from tests.factories import build_tree
from tests.filings.helpers import World
from tests.filings.test_filing_race import run_together
from tests.votes.helpers import checker, open_vote

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def world():
    return World(build_tree())


def enter(vote_pk, user, choice):
    def call():
        try:
            services.ballot_enter(
                vote=Vote.objects.get(pk=vote_pk),
                actor=user,
                building="1栋",
                entrance="1单元",
                room="101",
                choice=choice,
            )
        except ValidationError as error:
            return f"refused: {error.messages[0]}"
        return "saved"

    return call


def test_two_entries_for_one_unit_at_once_one_is_saved(world):
    vote = open_vote(world)
    outcomes = run_together(
        enter(vote.pk, world.member, "同意"), enter(vote.pk, checker(world), "反对")
    )
    assert outcomes[0].startswith("refused: 房屋“1栋 1单元 101”已有表决票")
    assert outcomes[1] == "saved"
    assert Ballot.objects.filter(vote=vote).count() == 1


def test_an_entry_racing_the_close_is_in_before_it_or_refused(world):
    vote = open_vote(world)

    def close():
        services.vote_close(vote=Vote.objects.get(pk=vote.pk), actor=world.member)
        return "closed"

    outcomes = run_together(close, enter(vote.pk, checker(world), "同意"))
    ballots = Ballot.objects.filter(vote=vote).count()
    if "saved" in outcomes:
        assert ballots == 1
    else:
        assert ballots == 0 and any(o.startswith("refused: 表决不在进行中") for o in outcomes)
