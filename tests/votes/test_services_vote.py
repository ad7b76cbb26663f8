"""Opening a vote (DOMAIN 11.2), its frozen electorate (DOMAIN 1.6, 1.7), ballots, counting."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from disclosures.filings.choices import MatterType, ScopeKind
from disclosures.votes import services
from disclosures.votes.choices import VoteStatus
from disclosures.votes.models import Ballot, VoteRules
from disclosures.votes.selectors import vote_result_text, vote_tally
from estates.choices import AreaSource
from estates.models import Unit
from tests.votes.helpers import (
    accepted_filing,
    add_units,
    confirm_all,
    developer,
    draft_vote,
    open_vote,
    today,
)

pytestmark = pytest.mark.django_db


def codes(error) -> set[str]:
    return {e.code for e in error.value.error_list}


def registry(compound) -> tuple[int, Decimal]:
    units = Unit.objects.filter(compound=compound)
    return units.count(), sum(u.exclusive_area for u in units)


def building_vote(world, rooms=("501", "502", "503", "504"), **extra):
    """A vote of the owners of a new building "5栋" with units of 89.50 m² each."""
    compound = world.tree.compounds[0]
    add_units(compound, "5栋", [(room, "89.50") for room in rooms])
    filing = accepted_filing(
        world, scope_kind=ScopeKind.BUILDINGS, buildings=[compound.buildings.get(name="5栋")]
    )
    return open_vote(world, filing, **extra)


class TestOpening:
    def test_a_vote_opens_on_an_accepted_filing_and_freezes_the_electorate(self, world):
        count, area = registry(world.tree.compounds[0])
        vote = open_vote(world)
        assert vote.status == VoteStatus.OPEN
        assert vote.electorate.count() == count
        assert vote.electorate_heads == count
        assert vote.electorate_area == area
        assert ModelLogEntry.objects.filter(action="votes.vote.open", object_id=str(vote.pk))

    def test_a_filing_not_yet_accepted_is_refused(self, world):
        from tests.filings.helpers import approved

        filing = approved(world)
        with pytest.raises(ValidationError) as error:
            services.vote_create(
                filing=filing, actor=world.member, starts_on=today(), ends_on=today()
            )
            vote = filing.votes.get()
            services.vote_open(vote=vote, actor=world.member)
        assert "filing_not_accepted" in codes(error)

    def test_too_few_days_after_acceptance_is_refused(self, world):
        # DOMAIN 11.2: accepted 10 days ago, the local rule is 15 days.
        filing = accepted_filing(world, days_ago=10)
        vote = draft_vote(world, filing)
        with pytest.raises(ValidationError) as error:
            services.vote_open(vote=vote, actor=world.member)
        assert "too_early" in codes(error)
        vote.refresh_from_db()
        assert vote.status == VoteStatus.DRAFT and not vote.electorate.exists()

    def test_exactly_the_notice_days_after_acceptance_opens(self, world):
        filing = accepted_filing(world, days_ago=15)
        vote = draft_vote(world, filing, starts_on=today())
        services.vote_open(vote=vote, actor=world.member)
        assert vote.status == VoteStatus.OPEN

    def test_a_unit_with_an_unknown_area_source_refuses_opening(self, world):
        compound = world.tree.compounds[0]
        unit = Unit.objects.filter(compound=compound).first()
        Unit.objects.filter(pk=unit.pk).update(area_source="guess")
        vote = draft_vote(world)
        with pytest.raises(ValidationError) as error:
            services.vote_open(vote=vote, actor=world.member)
        assert "bad_area" in codes(error)
        assert unit.room in error.value.messages[0]
        vote.refresh_from_db()
        assert vote.status == VoteStatus.DRAFT
        assert not ModelLogEntry.objects.filter(action="votes.vote.open").exists()

    def test_another_compounds_member_cannot_open(self, world):
        vote = draft_vote(world)
        with pytest.raises(PermissionDenied):
            services.vote_open(vote=vote, actor=world.other_member)

    def test_local_rules_turn_on_counting_non_voters(self, world):
        assert not open_vote(world).silent_with_majority  # DOMAIN 1.8: off by default
        VoteRules.objects.create(region=world.tree.streets[0], silent_with_majority=True)
        assert open_vote(world).silent_with_majority


class TestScope:
    def test_building_scope_freezes_only_its_buildings(self, world):
        compound = world.tree.compounds[0]
        add_units(compound, "2栋", [("201", "100.00"), ("202", "100.00")])
        filing = accepted_filing(
            world,
            scope_kind=ScopeKind.BUILDINGS,
            buildings=list(compound.buildings.filter(name="2栋")),
        )
        vote = open_vote(world, filing)
        assert sorted(vote.electorate.values_list("room", flat=True)) == ["201", "202"]
        with pytest.raises(ValidationError) as error:
            services.ballot_enter(
                vote=vote,
                actor=world.member,
                building="1栋",
                entrance="1单元",
                room="101",
                choice="同意",
            )
        assert "out_of_scope" in codes(error)

    def test_cost_sharing_scope_names_its_units(self, world):
        compound = world.tree.compounds[0]
        units = list(Unit.objects.filter(compound=compound).order_by("room")[:2])
        filing = accepted_filing(
            world,
            matter_type=MatterType.USE_FUND,
            amount=Decimal("286500.00"),
            scope_kind=ScopeKind.COST_SHARING,
            scope_note="1单元101、102",
        )
        vote = open_vote(world, filing, units=units)
        assert vote.electorate_heads == 2
        assert vote.electorate_area == Decimal("179.00")


class TestElectorate:
    def test_e3_developer_units_count_once_and_e4_contract_area_counts(self, world):
        compound = world.tree.compounds[0]
        count, area = registry(compound)
        add_units(compound, "9栋", [(f"9{i:02d}", "80.00") for i in range(5)], owner=developer())
        add_units(compound, "8栋", [("801", "123.45", AreaSource.CONTRACT)])
        vote = open_vote(world)
        assert vote.electorate_heads == count + 1 + 1
        assert vote.electorate_area == area + Decimal("400.00") + Decimal("123.45")
        entry = vote.electorate.get(room="801")
        assert (entry.area, entry.area_source) == (Decimal("123.45"), AreaSource.CONTRACT)

    def test_registry_changes_after_opening_do_not_move_the_electorate(self, world):
        compound = world.tree.compounds[0]
        count, area = registry(compound)
        vote = open_vote(world)
        before = vote_tally(vote)
        unit = Unit.objects.filter(compound=compound).first()
        Unit.objects.filter(pk=unit.pk).update(exclusive_area=Decimal("999.99"))
        add_units(compound, "1栋", [("999", "150.00")])
        unit_gone = Unit.objects.filter(compound=compound).exclude(pk=unit.pk).first()
        unit_gone.delete()
        vote.refresh_from_db()
        after = vote_tally(vote)
        assert vote.electorate.count() == count
        assert (after.total.heads, after.total.area) == (before.total.heads, before.total.area)
        assert vote.electorate_area == area


class TestBallots:
    def enter(self, vote, actor, room, choice="同意", building="1栋", **extra):
        return services.ballot_enter(
            vote=vote,
            actor=actor,
            building=building,
            entrance="1单元",
            room=room,
            choice=choice,
            **extra,
        )

    def test_a_ballot_records_who_entered_it(self, world):
        vote = open_vote(world)
        ballot = self.enter(vote, world.member, "101", proxy_name="李四")
        assert ballot.entered_by == world.member and ballot.entered_at
        assert (ballot.choice, ballot.proxy_name) == ("agree", "李四")

    def test_full_width_digits_are_read(self, world):
        vote = open_vote(world)
        ballot = services.ballot_enter(
            vote=vote,
            actor=world.member,
            building="１栋",
            entrance="１单元",
            room="１０２",
            choice="反对",
        )
        assert ballot.entry.room == "102"

    @pytest.mark.parametrize(
        ("room", "choice", "cast_days", "code"),
        [
            ("555", "同意", 0, "unknown_unit"),
            ("101", "也许", 0, "unknown_choice"),
            ("101", "同意", -30, "out_of_period"),
            ("101", "同意", 5, "future"),
        ],
    )
    def test_bad_ballots_are_refused(self, world, room, choice, cast_days, code):
        vote = open_vote(world)
        with pytest.raises(ValidationError) as error:
            self.enter(vote, world.member, room, choice, cast_on=today() + timedelta(cast_days))
        assert code in codes(error)
        assert not Ballot.objects.exists()

    def test_a_second_ballot_for_a_unit_is_refused_and_the_first_kept(self, world):
        vote = open_vote(world)
        first = self.enter(vote, world.member, "101")
        with pytest.raises(ValidationError) as error:
            self.enter(vote, world.member, "101", "反对")
        assert "second_ballot" in codes(error)
        assert list(Ballot.objects.values_list("pk", "choice")) == [(first.pk, "agree")]

    def test_one_owner_of_two_units_has_one_voice(self, world):
        compound = world.tree.compounds[0]
        owner = developer()
        add_units(compound, "1栋", [("301", "90.00"), ("302", "90.00")], owner=owner)
        vote = open_vote(world)
        self.enter(vote, world.member, "301", "同意")
        with pytest.raises(ValidationError) as error:
            self.enter(vote, world.member, "302", "反对")
        assert "person_split" in codes(error)
        self.enter(vote, world.member, "302", "同意")

    def test_no_ballot_before_opening_or_after_closing(self, world):
        vote = draft_vote(world)
        with pytest.raises(ValidationError) as error:
            self.enter(vote, world.member, "101")
        assert "not_open" in codes(error)
        services.vote_open(vote=vote, actor=world.member)
        services.vote_close(vote=vote, actor=world.member)
        with pytest.raises(ValidationError):
            self.enter(vote, world.member, "101")

    def test_staff_who_only_follow_the_vote_cannot_enter_ballots(self, world):
        vote = open_vote(world)
        with pytest.raises(PermissionDenied):
            self.enter(vote, world.community, "101")
        with pytest.raises(PermissionDenied):
            self.enter(vote, world.other_member, "101")


class TestCounting:
    def test_count_stores_the_exact_result(self, world):
        vote = building_vote(world)
        for room, choice in (("501", "同意"), ("502", "同意"), ("503", "反对")):
            TestBallots().enter(vote, world.member, room, choice, building="5栋")
        services.vote_close(vote=vote, actor=world.member)
        with pytest.raises(ValidationError) as error:
            services.vote_count(vote=vote, actor=world.member)
        assert "unconfirmed" in codes(error)  # four eyes first
        confirm_all(world, vote)
        services.vote_count(vote=vote, actor=world.member)
        vote.refresh_from_db()
        assert vote.status == VoteStatus.COUNTED
        result = vote.result
        assert result["outcome"] == "passed"
        quorum = {c["key"]: c for c in result["checks"]}
        assert quorum["quorum_heads"]["fraction"] == "3/4"
        assert quorum["quorum_area"]["value"] == "268.50"
        assert quorum["approval_heads"]["percent"] == "66.67%"
        text = vote_result_text(result)
        assert "通过" in text and "268.50" in text

    def test_shortfall_is_shown_while_below_quorum(self, world):
        vote = building_vote(world)
        TestBallots().enter(vote, world.member, "501", building="5栋")
        confirm_all(world, vote)
        result = services.vote_result(vote, vote_tally(vote))
        quorum = {c["key"]: c for c in result["checks"]}
        assert quorum["quorum_heads"]["shortfall_text"] == "还差 2 户"
        assert quorum["quorum_area"]["shortfall_text"] == "还差 149.17 ㎡"
        assert result["outcome"] == "no_quorum"
