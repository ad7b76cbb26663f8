"""The database tally (persons numbered at opening, sides summed in SQL) gives the same
result as the pure engine over every row (DOMAIN 1.3–1.6, SPC 9), including the
developer's unsold units as one person, one owner of several units and two-decimal areas,
and refuses what the engine refuses."""

from decimal import Decimal

import pytest

from disclosures.votes import services, tally
from disclosures.votes.models import Ballot, ElectorateEntry
from disclosures.votes.selectors import _engine_tally, vote_tally
from estates.choices import AreaSource
from tests.votes.helpers import add_units, confirm_all, developer, open_vote

pytestmark = pytest.mark.django_db


def assert_same(vote) -> tally.TallyResult:
    sql, engine = vote_tally(vote), _engine_tally(vote)
    assert sql == engine
    return sql


def mixed_vote(world):
    compound = world.tree.compounds[0]
    add_units(compound, "9栋", [(f"9{i:02d}", "80.05") for i in range(5)], owner=developer())
    add_units(compound, "8栋", [("801", "123.45", AreaSource.CONTRACT), ("802", "66.67")])
    return open_vote(world)


def enter(world, vote, entry, choice):
    services.ballot_enter(
        vote=vote,
        actor=world.member,
        building=entry.building_name,
        entrance=entry.entrance,
        room=entry.room,
        choice=choice,
    )


def test_persons_are_numbered_when_the_vote_opens(world):
    vote = mixed_vote(world)
    developer_units = vote.electorate.filter(building_name="9栋")
    assert developer_units.values("person").distinct().count() == 1
    assert vote.electorate.values("person").distinct().count() == vote.electorate_heads


@pytest.mark.parametrize(
    "pattern",
    [
        (),
        ("同意",),
        ("同意", "反对", "弃权", "同意"),
        ("反对", "反对", "同意", "弃权", "同意", "同意", "反对"),
    ],
)
def test_sql_and_engine_agree(world, pattern):
    vote = mixed_vote(world)
    entries = list(vote.electorate.exclude(building_name="9栋").order_by("pk"))
    for entry, choice in zip(entries, pattern, strict=False):
        enter(world, vote, entry, choice)
    # The developer (one person, five units) votes with every unit.
    for entry in vote.electorate.filter(building_name="9栋"):
        enter(world, vote, entry, "同意")
    result = assert_same(vote)  # nothing confirmed yet: nothing counts
    assert result.participating.heads == 0
    confirm_all(world, vote)
    result = assert_same(vote)
    assert result.by_choice["agree"].units >= 5
    assert result.total.area == electorate_area(vote)


def electorate_area(vote):
    from fractions import Fraction

    return Fraction(sum(vote.electorate.values_list("area", flat=True), Decimal(0)))


def test_a_person_with_two_choices_is_refused_like_the_engine(world):
    vote = mixed_vote(world)
    first, second = vote.electorate.filter(building_name="9栋").order_by("pk")[:2]
    enter(world, vote, first, "同意")
    confirm_all(world, vote)
    # Written around the entry checks (which refuse it), as a damaged database might.
    Ballot.objects.create(
        vote=vote,
        entry=second,
        batch=first.ballots.get().batch,
        choice="oppose",
        cast_on=first.ballots.get().cast_on,
        entered_by=world.member,
    )
    with pytest.raises(tally.TallyError):
        _engine_tally(vote)
    with pytest.raises(tally.TallyError):
        vote_tally(vote)


def test_an_electorate_without_person_numbers_goes_through_the_engine(world):
    vote = mixed_vote(world)
    enter(world, vote, vote.electorate.first(), "同意")
    confirm_all(world, vote)
    before = vote_tally(vote)
    ElectorateEntry.objects.filter(vote=vote).update(person=None)
    assert vote_tally(vote) == before
