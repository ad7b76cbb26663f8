"""The exact tally of an owners' joint decision (DOMAIN §1). Pure: no database, no float.

Input is the frozen electorate (one :class:`Entry` per exclusive unit, with the keys of
the owners who hold it and its area) and the ballots (unit → 同意 / 反对 / 弃权). Output is a
:class:`TallyResult`: totals, participation and approval on both measures as
``fractions.Fraction``, each threshold met or not with what is still missing, and the
decision.

Rules applied:

- Headcount (DOMAIN 1.6, SPC 9): one unit is one person; co-owners of a unit are one
  person; one owner of several units is one person; all of the developer's unsold units
  are one person (they are held by the developer's one owner record). Units linked by a
  shared owner key therefore form one person (connected components).
- Area (DOMAIN 1.6): the unit's area as recorded with its source (register, else survey,
  else contract); the total is the sum. Areas are square metres to two decimals.
- Participation (DOMAIN 1.3, quorum): ≥ 2/3 of the area **and** ≥ 2/3 of the headcount
  ("以上" includes the boundary, DOMAIN 1.5).
- Approval among those who take part (DOMAIN 1.4): raising funds, rebuilding, changing
  the use of common parts need ≥ 3/4 on both measures; every other matter needs more than
  1/2 ("过半数" excludes the boundary, DOMAIN 1.5).
- A unit's area counts with its own ballot. A person counts once, with the choice of their
  ballots; a person whose units carry different choices is refused (:class:`TallyError`),
  since one person has one vote on the headcount measure.
- Counting non-voters with the majority (DOMAIN 1.8) only when asked for explicitly: the
  persons and units without a ballot are then added to the choice that holds more than
  half on both measures among the voters, if one does.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

AGREE = "agree"
OPPOSE = "oppose"
ABSTAIN = "abstain"
CHOICES = (AGREE, OPPOSE, ABSTAIN)
CHOICE_LABELS = {AGREE: "同意", OPPOSE: "反对", ABSTAIN: "弃权"}

# DOMAIN 1.2 items 6–8: raising maintenance funds, rebuilding or reconstruction, changing
# the use of common parts or running business on them (DOMAIN 1.4: ≥ 3/4).
SUPERMAJORITY_MATTERS = frozenset({"raise_fund", "rebuild", "change_use"})

QUORUM = Fraction(2, 3)
SUPERMAJORITY = Fraction(3, 4)
MAJORITY = Fraction(1, 2)
CENT = Fraction(1, 100)


class TallyError(ValueError):
    """The input cannot be tallied (empty electorate, a bad area, inconsistent ballots)."""


@dataclass(frozen=True)
class Entry:
    """One unit of the electorate. ``owner_keys`` name who holds it (e.g. ``owner:12``);
    units sharing a key are one person. A unit without keys is a person of its own."""

    unit: Any
    area: Decimal
    owner_keys: frozenset[str] = frozenset()
    area_source: str = ""


@dataclass(frozen=True)
class Rule:
    """A threshold: ``value`` must be ≥ ``ratio`` (inclusive, "以上") or > it ("过半数")."""

    ratio: Fraction
    inclusive: bool

    def met(self, value: Fraction) -> bool:
        return value >= self.ratio if self.inclusive else value > self.ratio

    def required_heads(self, base: int) -> int:
        """The smallest whole number of persons meeting the rule out of ``base``."""
        bound = self.ratio * base
        floor = bound.numerator // bound.denominator
        if self.inclusive:
            return floor if floor == bound else floor + 1
        return floor + 1

    def required_area(self, base: Fraction) -> Fraction:
        """The smallest area in whole hundredths of a m² meeting the rule out of ``base``."""
        cents = self.ratio * base / CENT
        floor = cents.numerator // cents.denominator
        if self.inclusive:
            needed = floor if floor == cents else floor + 1
        else:
            needed = floor + 1
        return needed * CENT

    @property
    def label(self) -> str:
        ratio = f"{self.ratio.numerator}/{self.ratio.denominator}"
        if self.ratio == MAJORITY and not self.inclusive:
            return "过半数"
        return f"{ratio}以上" if self.inclusive else f"超过{ratio}"


QUORUM_RULE = Rule(QUORUM, inclusive=True)
SUPERMAJORITY_RULE = Rule(SUPERMAJORITY, inclusive=True)
MAJORITY_RULE = Rule(MAJORITY, inclusive=False)


def approval_rule(matter_type: str) -> Rule:
    """DOMAIN 1.4: ≥ 3/4 for items 6–8 of CC 278, more than 1/2 for the others."""
    return SUPERMAJORITY_RULE if matter_type in SUPERMAJORITY_MATTERS else MAJORITY_RULE


@dataclass(frozen=True)
class Check:
    """One threshold on one measure: the value, whether it is met, the amount required
    and what is still missing (zero when met)."""

    key: str  # quorum_heads, quorum_area, approval_heads, approval_area
    measure: str  # heads or area
    rule: Rule
    numerator: Fraction
    denominator: Fraction
    required: Fraction
    shortfall: Fraction

    @property
    def value(self) -> Fraction:
        return self.numerator / self.denominator if self.denominator else Fraction(0)

    @property
    def met(self) -> bool:
        return bool(self.denominator) and self.rule.met(self.value)


@dataclass(frozen=True)
class Side:
    """Headcount, units and area of one group of ballots."""

    heads: int = 0
    units: int = 0
    area: Fraction = Fraction(0)


@dataclass(frozen=True)
class TallyResult:
    matter_type: str
    silent_with_majority: bool
    total: Side
    participating: Side
    by_choice: Mapping[str, Side]
    silent_added_to: str | None
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def quorum_met(self) -> bool:
        return all(c.met for c in self.checks if c.key.startswith("quorum"))

    @property
    def approval_met(self) -> bool:
        return all(c.met for c in self.checks if c.key.startswith("approval"))

    @property
    def passed(self) -> bool:
        return self.quorum_met and self.approval_met

    @property
    def outcome(self) -> str:
        if not self.quorum_met:
            return "no_quorum"
        return "passed" if self.approval_met else "rejected"

    def check(self, key: str) -> Check:
        return next(c for c in self.checks if c.key == key)

    @property
    def participation_heads(self) -> Fraction:
        return self.check("quorum_heads").value

    @property
    def participation_area(self) -> Fraction:
        return self.check("quorum_area").value

    @property
    def approval_heads(self) -> Fraction:
        return self.check("approval_heads").value

    @property
    def approval_area(self) -> Fraction:
        return self.check("approval_area").value


def _cents(value: Any) -> int:
    """The area in whole hundredths of a m², refusing floats, non-positive areas and
    areas finer than the register's two decimals."""
    if isinstance(value, bool) or not isinstance(value, Decimal | int):
        raise TallyError(f"area must be a Decimal, not {type(value).__name__}")
    if isinstance(value, Decimal) and not value.is_finite():
        raise TallyError("area must be finite")
    scaled = value * 100
    cents = int(scaled)
    if cents != scaled:
        raise TallyError("area has more than two decimals")
    if cents <= 0:
        raise TallyError("area must be positive")
    return cents


def persons(entries: Iterable[Entry]) -> dict[Any, Any]:
    """unit → person id (a unit of that person): units linked by a shared owner key are
    one person (SPC 9), through a union–find over the units (only linked units get a
    parent entry, so the usual one-owner-one-unit compound costs one pass)."""
    entries = list(entries)
    parent: dict[Any, Any] = {}

    def find(x):
        root = x
        while (up := parent.get(root, root)) != root:
            root = up
        while x != root:
            parent[x], x = root, parent.get(x, x)
        return root

    first_unit: dict[str, Any] = {}
    for entry in entries:
        unit = entry.unit
        for key in entry.owner_keys:
            other = first_unit.setdefault(key, unit)
            if other != unit:
                a, b = find(other), find(unit)
                if a != b:
                    parent[b] = a
    if not parent:
        return {entry.unit: entry.unit for entry in entries}
    return {entry.unit: find(entry.unit) for entry in entries}


def _side(units: list[Entry], person_of: Mapping[Any, Any], cents: Mapping[Any, int]) -> Side:
    return Side(
        heads=len({person_of[e.unit] for e in units}),
        units=len(units),
        area=Fraction(sum(cents[e.unit] for e in units), 100),
    )


def tally(
    entries: Iterable[Entry],
    ballots: Mapping[Any, str],
    *,
    matter_type: str,
    silent_with_majority: bool = False,
) -> TallyResult:
    """Count ``ballots`` (unit → choice) over the electorate ``entries``."""
    entries = list(entries)
    if not entries:
        raise TallyError("empty electorate")
    by_unit = {}
    cents: dict[Any, int] = {}
    for entry in entries:
        if entry.unit in by_unit:
            raise TallyError(f"unit {entry.unit!r} appears twice in the electorate")
        cents[entry.unit] = _cents(entry.area)
        by_unit[entry.unit] = entry
    unknown = [unit for unit in ballots if unit not in by_unit]
    if unknown:
        raise TallyError(f"ballots for units outside the electorate: {unknown[:5]!r}")
    bad = [choice for choice in ballots.values() if choice not in CHOICES]
    if bad:
        raise TallyError(f"unknown choice {bad[0]!r}")
    person_of = persons(entries)

    person_choice: dict[Any, str] = {}
    for unit, choice in ballots.items():
        person = person_of[unit]
        if person_choice.setdefault(person, choice) != choice:
            raise TallyError(f"one person's units carry different choices (unit {unit!r})")

    groups: dict[str, list[Entry]] = {choice: [] for choice in CHOICES}
    silent: list[Entry] = []
    for entry in entries:
        choice = ballots.get(entry.unit)
        (groups[choice] if choice else silent).append(entry)

    by_choice = {choice: _side(units, person_of, cents) for choice, units in groups.items()}
    voters = [e for units in groups.values() for e in units]

    added_to = None
    if silent_with_majority and voters:
        # DOMAIN 1.8 (GR 25), only when the rules say so: a side holding more than half of
        # the voters on both measures takes the non-voters.
        voting = _side(voters, person_of, cents)
        for choice, side in by_choice.items():
            if MAJORITY_RULE.met(Fraction(side.heads, voting.heads)) and MAJORITY_RULE.met(
                side.area / voting.area
            ):
                added_to = choice
        if added_to:
            # Only persons who cast no ballot at all are non-voters; an unballoted unit of
            # a person who voted stays out (that person has spoken for themselves).
            silent = [e for e in silent if person_of[e.unit] not in person_choice]
            groups[added_to] = groups[added_to] + silent
            by_choice[added_to] = _side(groups[added_to], person_of, cents)
            voters = voters + silent
    return tally_sides(
        total=_side(entries, person_of, cents),
        participating=_side(voters, person_of, cents),
        by_choice=by_choice,
        matter_type=matter_type,
        silent_with_majority=silent_with_majority,
        silent_added_to=added_to,
    )


def tally_sides(
    *,
    total: Side,
    participating: Side,
    by_choice: Mapping[str, Side],
    matter_type: str,
    silent_with_majority: bool = False,
    silent_added_to: str | None = None,
) -> TallyResult:
    """The thresholds (DOMAIN 1.3–1.5) judged on counted sides: what :func:`tally` does
    after counting, and what a database that counted the sides itself calls."""
    if total.heads <= 0 or total.area <= 0:
        raise TallyError("empty electorate")
    agree = by_choice[AGREE]
    rule = approval_rule(matter_type)

    def check(key, measure, rule, numerator, denominator) -> Check:
        numerator, denominator = Fraction(numerator), Fraction(denominator)
        if measure == "heads":
            required = Fraction(rule.required_heads(int(denominator)))
        else:
            required = rule.required_area(denominator)
        return Check(
            key=key,
            measure=measure,
            rule=rule,
            numerator=numerator,
            denominator=denominator,
            required=required,
            shortfall=max(Fraction(0), required - numerator),
        )

    checks = (
        check("quorum_heads", "heads", QUORUM_RULE, participating.heads, total.heads),
        check("quorum_area", "area", QUORUM_RULE, participating.area, total.area),
        check("approval_heads", "heads", rule, agree.heads, participating.heads),
        check("approval_area", "area", rule, agree.area, participating.area),
    )
    return TallyResult(
        matter_type=matter_type,
        silent_with_majority=silent_with_majority,
        total=total,
        participating=participating,
        by_choice=by_choice,
        silent_added_to=silent_added_to,
        checks=checks,
    )


# ------------------------------------------------------------------ display


def percent(value: Fraction, places: int = 2) -> str:
    """``value`` as a percentage rounded half up to ``places`` decimals, for display only
    (integer arithmetic: no float, no double rounding)."""
    scaled = value * 100 * 10**places
    quotient, remainder = divmod(scaled.numerator, scaled.denominator)
    if 2 * remainder >= scaled.denominator:
        quotient += 1
    sign = "-" if quotient < 0 else ""
    quotient = abs(quotient)
    whole, part = divmod(quotient, 10**places)
    return f"{sign}{whole}.{part:0{places}d}%" if places else f"{sign}{whole}%"


def area_text(value: Fraction) -> str:
    """An area in whole hundredths of a m² (the tally's quantum), e.g. ``830.55``."""
    cents = value / CENT
    if cents.denominator != 1:
        raise TallyError("area not in hundredths")
    return str(Decimal(cents.numerator).scaleb(-2))


def fraction_text(value: Fraction) -> str:
    return f"{value.numerator}/{value.denominator}"
