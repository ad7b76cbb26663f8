"""The pure tally engine (DOMAIN §1): worked examples E1–E4 and the exact boundaries."""

from decimal import Decimal
from fractions import Fraction

import pytest

from disclosures.votes.tally import (
    ABSTAIN,
    AGREE,
    OPPOSE,
    SUPERMAJORITY_MATTERS,
    Entry,
    TallyError,
    area_text,
    percent,
    tally,
)


def spread(count: int, total: str) -> list[Decimal]:
    """``count`` two-decimal areas summing exactly to ``total``."""
    cents = int(Decimal(total) * 100)
    base, extra = divmod(cents, count)
    return [Decimal(base + (1 if i < extra else 0)).scaleb(-2) for i in range(count)]


class Electorate:
    """Builds entries group by group: each unit its own owner unless told otherwise."""

    def __init__(self):
        self.entries: list[Entry] = []
        self.ballots: dict[int, str] = {}

    def add(self, count: int, area: str, choice: str | None = None, keys=None) -> None:
        for a in spread(count, area):
            unit = len(self.entries) + 1
            owner_keys = frozenset(keys) if keys is not None else frozenset({f"owner:{unit}"})
            self.entries.append(Entry(unit=unit, area=a, owner_keys=owner_keys))
            if choice:
                self.ballots[unit] = choice

    def tally(self, matter_type: str = "use_fund", **options):
        return tally(self.entries, self.ballots, matter_type=matter_type, **options)


def e1() -> Electorate:
    # 1,000 owners and 100,000 m²; 700 take part with 68,000 m²; 380 agree with 36,000 m².
    electorate = Electorate()
    electorate.add(380, "36000", AGREE)
    electorate.add(300, "30000", OPPOSE)
    electorate.add(20, "2000", ABSTAIN)
    electorate.add(300, "32000")
    return electorate


class TestWorkedExample:
    def test_e1_fund_use_passes_with_more_than_half(self):
        result = e1().tally("use_fund")
        assert (result.total.heads, result.total.area) == (1000, 100000)
        assert (result.participating.heads, result.participating.area) == (700, 68000)
        assert result.participation_heads == Fraction(7, 10)
        assert result.participation_area == Fraction(68, 100)
        assert result.quorum_met
        # DOMAIN 1.4: more than 350 persons and more than 34,000 m².
        assert result.check("approval_heads").required == 351
        assert area_text(result.check("approval_area").required) == "34000.01"
        assert result.approval_heads == Fraction(380, 700)
        assert result.approval_area == Fraction(36000, 68000)
        assert result.passed and result.outcome == "passed"

    def test_e1_fund_raising_fails_below_three_quarters(self):
        result = e1().tally("raise_fund")
        assert result.quorum_met
        heads, area = result.check("approval_heads"), result.check("approval_area")
        assert (heads.required, area.required) == (525, 51000)
        assert (heads.shortfall, area.shortfall) == (145, 15000)
        assert not heads.met and not area.met
        assert not result.passed and result.outcome == "rejected"

    def test_e2_exactly_two_thirds_is_a_quorum_but_half_is_not_a_majority(self):
        electorate = Electorate()
        electorate.add(300, "30000", AGREE)
        electorate.add(300, "30000", OPPOSE)
        electorate.add(300, "30000")
        result = electorate.tally("hire_company")
        assert result.participation_heads == Fraction(2, 3)
        assert result.participation_area == Fraction(2, 3)
        assert result.quorum_met  # DOMAIN 1.5: "以上" includes the boundary
        assert result.approval_heads == Fraction(1, 2)
        assert not result.check("approval_heads").met  # "过半数" excludes it
        assert result.check("approval_heads").shortfall == 1
        assert result.outcome == "rejected"

    def test_e3_developer_units_and_multi_unit_buyer_count_once(self):
        electorate = Electorate()
        electorate.add(120, "12000", keys={"owner:developer"})
        electorate.add(3, "300", keys={"owner:buyer"})
        electorate.add(377, "37700")
        result = electorate.tally()
        assert result.total.heads == 1 + 1 + 377 == 379
        assert result.total.units == 500
        assert result.total.area == 50000  # the area still sums all 500 units

    def test_e4_contract_area_counts_like_any_other(self):
        electorate = Electorate()
        electorate.add(2, "200", AGREE)
        electorate.entries.append(
            Entry(
                unit=99, area=Decimal("87.65"), owner_keys=frozenset({"x"}), area_source="contract"
            )
        )
        electorate.ballots[99] = AGREE
        result = electorate.tally()
        assert result.total.area == Fraction(Decimal("287.65"))
        assert result.by_choice[AGREE].area == Fraction(Decimal("287.65"))


class TestBoundary:
    def test_exactly_three_quarters_passes_a_supermajority_matter(self):
        electorate = Electorate()
        electorate.add(300, "30000.00", AGREE)
        electorate.add(100, "10000.00", OPPOSE)
        result = electorate.tally("rebuild")
        assert result.approval_heads == result.approval_area == Fraction(3, 4)
        assert result.passed

    def test_one_hundredth_below_three_quarters_fails_on_area(self):
        electorate = Electorate()
        electorate.add(3, "299.99", AGREE)
        electorate.add(1, "100.01", OPPOSE)
        result = electorate.tally("change_use")
        assert result.check("approval_heads").met
        area = result.check("approval_area")
        assert not area.met
        assert area_text(area.required) == "300.00"
        assert area_text(area.shortfall) == "0.01"

    def test_exactly_half_the_area_is_not_a_majority(self):
        electorate = Electorate()
        electorate.add(2, "100.00", AGREE)
        electorate.add(1, "100.00", OPPOSE)
        result = electorate.tally("other")
        assert result.check("approval_heads").met
        assert result.approval_area == Fraction(1, 2)
        assert not result.check("approval_area").met
        assert area_text(result.check("approval_area").shortfall) == "0.01"
        assert not result.passed

    def test_one_hundredth_above_half_is_a_majority(self):
        electorate = Electorate()
        electorate.add(2, "100.01", AGREE)
        electorate.add(1, "99.99", OPPOSE)
        assert electorate.tally("other").passed

    def test_two_decimal_areas_at_two_thirds(self):
        # 100.00 m² in all: 66.67 m² reaches 2/3, 66.66 m² does not.
        for taking_part, met in (("66.67", True), ("66.66", False)):
            electorate = Electorate()
            electorate.add(2, taking_part, AGREE)
            electorate.add(1, str(Decimal("100.00") - Decimal(taking_part)))
            check = electorate.tally().check("quorum_area")
            assert check.met is met
            assert area_text(check.required) == "66.67"
            assert area_text(check.shortfall) == ("0.00" if met else "0.01")

    def test_quorum_shortfall_names_persons_and_area(self):
        electorate = Electorate()
        electorate.add(50, "4500.50", AGREE)
        electorate.add(50, "5500.50")
        result = electorate.tally()
        heads, area = result.check("quorum_heads"), result.check("quorum_area")
        assert (heads.required, heads.shortfall) == (67, 17)
        assert area_text(area.required) == "6667.34"  # 2/3 × 10001.00 = 6667.333…
        assert area_text(area.shortfall) == "2166.84"
        assert result.outcome == "no_quorum"

    def test_a_float_would_misjudge_this_boundary(self):
        # 0.1 + 0.2 ≠ 0.3 in binary floating point; exact arithmetic sees 1/2 exactly.
        electorate = Electorate()
        electorate.entries = [
            Entry(unit=1, area=Decimal("0.10"), owner_keys=frozenset({"a"})),
            Entry(unit=2, area=Decimal("0.20"), owner_keys=frozenset({"b"})),
            Entry(unit=3, area=Decimal("0.30"), owner_keys=frozenset({"c"})),
        ]
        electorate.ballots = {1: AGREE, 2: AGREE, 3: OPPOSE}
        result = electorate.tally()
        assert result.approval_area == Fraction(1, 2)
        assert not result.check("approval_area").met


class TestHeadcount:
    def test_co_owners_of_one_unit_are_one_person(self):
        entries = [
            Entry(unit=1, area=Decimal("90"), owner_keys=frozenset({"a", "b"})),
            Entry(unit=2, area=Decimal("90"), owner_keys=frozenset({"c"})),
        ]
        assert tally(entries, {}, matter_type="other").total.heads == 2

    def test_units_linked_through_a_co_owner_are_one_person(self):
        entries = [
            Entry(unit=1, area=Decimal("90"), owner_keys=frozenset({"a", "b"})),
            Entry(unit=2, area=Decimal("90"), owner_keys=frozenset({"b"})),
            Entry(unit=3, area=Decimal("90"), owner_keys=frozenset()),
        ]
        assert tally(entries, {}, matter_type="other").total.heads == 2

    def test_one_person_casting_different_choices_is_refused(self):
        entries = [
            Entry(unit=1, area=Decimal("90"), owner_keys=frozenset({"a"})),
            Entry(unit=2, area=Decimal("90"), owner_keys=frozenset({"a"})),
        ]
        with pytest.raises(TallyError):
            tally(entries, {1: AGREE, 2: OPPOSE}, matter_type="other")

    def test_a_multi_unit_owner_counts_once_among_voters(self):
        electorate = Electorate()
        electorate.add(3, "300", AGREE, keys={"buyer"})
        electorate.add(2, "200", OPPOSE)
        result = electorate.tally()
        assert result.by_choice[AGREE].heads == 1
        assert result.participating.heads == 3
        assert result.by_choice[AGREE].area == 300
        assert not result.check("approval_heads").met
        assert result.check("approval_area").met


class TestInput:
    @pytest.mark.parametrize("area", [0.5, Decimal("0"), Decimal("-1"), Decimal("1.005")])
    def test_bad_areas_are_refused(self, area):
        with pytest.raises(TallyError):
            tally([Entry(unit=1, area=area)], {}, matter_type="other")

    def test_empty_electorate_and_foreign_ballots_are_refused(self):
        with pytest.raises(TallyError):
            tally([], {}, matter_type="other")
        with pytest.raises(TallyError):
            tally([Entry(unit=1, area=Decimal("1"))], {2: AGREE}, matter_type="other")
        with pytest.raises(TallyError):
            tally([Entry(unit=1, area=Decimal("1"))], {1: "yes"}, matter_type="other")

    def test_supermajority_matters_are_those_of_the_filings(self):
        from disclosures.filings.choices import SUPERMAJORITY_MATTERS as FILED

        assert {str(m) for m in FILED} == SUPERMAJORITY_MATTERS


class TestSilentMajority:
    def electorate(self) -> Electorate:
        electorate = Electorate()
        electorate.add(40, "4000", AGREE)
        electorate.add(10, "1000", OPPOSE)
        electorate.add(50, "5000")
        return electorate

    def test_off_by_default(self):
        result = self.electorate().tally()
        assert not result.silent_with_majority and result.silent_added_to is None
        assert result.outcome == "no_quorum"

    def test_when_the_rules_say_so_non_voters_join_the_majority(self):
        # DOMAIN 1.8: only as an explicit option.
        result = self.electorate().tally(silent_with_majority=True)
        assert result.silent_added_to == AGREE
        assert result.participating.heads == 100
        assert result.by_choice[AGREE].heads == 90
        assert result.passed

    def test_no_side_holding_both_measures_takes_nobody(self):
        electorate = Electorate()
        electorate.add(3, "100", AGREE)
        electorate.add(2, "400", OPPOSE)
        electorate.add(5, "500")
        result = electorate.tally(silent_with_majority=True)
        assert result.silent_added_to is None
        assert result.participating.heads == 5


class TestDisplay:
    def test_percentages_round_half_up_only_for_display(self):
        assert percent(Fraction(2, 3)) == "66.67%"
        assert percent(Fraction(1, 8)) == "12.50%"
        assert percent(Fraction(1, 800)) == "0.13%"
        assert percent(Fraction(1, 3), places=0) == "33%"
        assert percent(Fraction(1)) == "100.00%"
