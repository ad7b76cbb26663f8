"""Four eyes: ballots count only once a second person has checked their batch."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from wagtail.models import ModelLogEntry

from disclosures.votes import services
from disclosures.votes.importing import ballots_import
from disclosures.votes.models import Ballot, BallotBatch
from disclosures.votes.selectors import vote_tally
from tests.votes.helpers import checker, open_vote

pytestmark = pytest.mark.django_db


def enter(vote, actor, room, choice="同意"):
    return services.ballot_enter(
        vote=vote, actor=actor, building="1栋", entrance="1单元", room=room, choice=choice
    )


def test_a_sitting_is_one_batch_that_counts_only_once_confirmed(world):
    vote = open_vote(world)
    first, second = enter(vote, world.member, "101"), enter(vote, world.member, "102")
    assert first.batch == second.batch
    assert vote_tally(vote).participating.heads == 0
    services.batch_confirm(batch=first.batch, actor=checker(world))
    assert vote_tally(vote).participating.heads == 2
    assert ModelLogEntry.objects.filter(
        action="votes.ballotbatch.confirm", object_id=str(first.batch.pk)
    ).exists()
    # After confirmation a new sitting starts a new batch.
    assert enter(vote, world.member, "103").batch != first.batch


def test_whoever_entered_a_batch_cannot_confirm_it(world):
    vote = open_vote(world)
    ballot = enter(vote, world.member, "101")
    with pytest.raises(ValidationError) as error:
        services.batch_confirm(batch=ballot.batch, actor=world.member)
    assert error.value.code == "same_person"
    # The database refuses it too.
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotBatch.objects.filter(pk=ballot.batch_id).update(confirmed_by=world.member)


def test_a_rejected_batch_is_kept_void_and_its_units_can_be_entered_again(world):
    vote = open_vote(world)
    wrong = enter(vote, world.member, "101", "反对")
    with pytest.raises(ValidationError):
        services.batch_reject(batch=wrong.batch, actor=checker(world), reason="")
    services.batch_reject(batch=wrong.batch, actor=checker(world), reason="101室纸质票为同意")
    right = enter(vote, world.member, "101", "同意")
    services.batch_confirm(batch=right.batch, actor=checker(world))
    assert Ballot.objects.filter(entry__room="101").count() == 2  # every ballot kept
    assert Ballot.objects.get(pk=wrong.pk).voided
    result = vote_tally(vote)
    assert result.by_choice["agree"].heads == 1 and result.by_choice["oppose"].heads == 0
    with pytest.raises(ValidationError) as error:
        services.batch_confirm(batch=wrong.batch, actor=checker(world))
    assert error.value.code == "batch_done"


def test_an_imported_file_is_one_batch(world):
    vote = open_vote(world)
    data = "楼栋,单元,房号,表决意见\n1栋,1单元,101,同意\n1栋,1单元,102,弃权\n".encode()
    ballots = ballots_import(vote=vote, actor=world.member, data=data, name="一号楼.csv")
    batch = ballots[0].batch
    assert {b.batch_id for b in ballots} == {batch.pk}
    assert (batch.source, batch.original_name) == ("imported", "一号楼.csv")
    services.batch_confirm(batch=batch, actor=checker(world))
    assert vote_tally(vote).participating.heads == 2


def test_batches_entered_before_closing_can_be_confirmed_after(world):
    vote = open_vote(world)
    ballot = enter(vote, world.member, "101")
    services.vote_close(vote=vote, actor=world.member)
    services.batch_confirm(batch=ballot.batch, actor=checker(world))
    services.vote_count(vote=vote, actor=world.member)
    assert vote.result["participating"]["heads"] == 1
