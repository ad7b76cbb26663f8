"""The tally of an election of committee members held as an owners' vote (DOMAIN 1.2 item
3). Pure: no database, no float.

Each ballot carries one choice (同意 / 反对 / 弃权) per candidate. A candidate's figures are
the ordinary tally of :mod:`disclosures.votes.tally` with that candidate's choices as the
ballots: the same electorate, the same participation (DOMAIN 1.3: ≥ 2/3 of the area and of
the headcount), and approval among those who take part (DOMAIN 1.4: more than half of the
area and of the headcount, the boundary excluded, DOMAIN 1.5). Headcount and area follow
DOMAIN 1.6 exactly as for any other matter.

Candidates who meet every threshold are ranked, and up to the number of seats are
elected. The ranking rule is local (a region's :class:`~disclosures.votes.choices.
ElectionTieRule`): by agreeing area, then agreeing headcount (the default), or the other
way round. Candidates still level on both measures across the last seat are not elected:
those seats stay open for another round (另行选举), so no seat is decided by lot.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from . import tally

AREA_FIRST = "area_first"
HEADS_FIRST = "heads_first"
TIE_RULES = (AREA_FIRST, HEADS_FIRST)

ELECTED = "elected"
TIED = "tied"
NOT_ELECTED = "not_elected"
BELOW_THRESHOLD = "below_threshold"


@dataclass(frozen=True)
class CandidateTally:
    """One candidate's ordinary tally, its place among the qualified and the outcome."""

    key: Any
    result: tally.TallyResult
    rank: int | None
    outcome: str

    @property
    def qualified(self) -> bool:
        return self.result.passed

    @property
    def agree(self) -> tally.Side:
        return self.result.by_choice[tally.AGREE]


@dataclass(frozen=True)
class ElectionTally:
    seats: int
    tie_rule: str
    candidates: tuple[CandidateTally, ...]

    @property
    def elected(self) -> list[Any]:
        return [c.key for c in self.candidates if c.outcome == ELECTED]

    @property
    def vacant(self) -> int:
        return self.seats - len(self.elected)

    @property
    def quorum_met(self) -> bool:
        return bool(self.candidates) and self.candidates[0].result.quorum_met


def ranking_key(result: tally.TallyResult, tie_rule: str) -> tuple:
    """Larger first: agreeing area then headcount, or headcount then area."""
    agree = result.by_choice[tally.AGREE]
    if tie_rule == HEADS_FIRST:
        return (agree.heads, agree.area)
    return (agree.area, agree.heads)


def rank(results: Mapping[Any, tally.TallyResult], *, seats: int, tie_rule: str) -> ElectionTally:
    """Elect up to ``seats`` of the candidates whose tally passed, best first under
    ``tie_rule``; a level group across the last seat is left for another round."""
    if seats < 1:
        raise tally.TallyError("an election needs at least one seat")
    if tie_rule not in TIE_RULES:
        raise tally.TallyError(f"unknown tie rule {tie_rule!r}")
    order = list(results)  # ballot order, kept among equals for display
    qualified = sorted(
        (key for key in order if results[key].passed),
        key=lambda key: ranking_key(results[key], tie_rule),
        reverse=True,
    )
    outcome: dict[Any, str] = dict.fromkeys(order, BELOW_THRESHOLD)
    place: dict[Any, int] = {}
    position = 0
    while position < len(qualified):
        level = ranking_key(results[qualified[position]], tie_rule)
        group = [k for k in qualified[position:] if ranking_key(results[k], tie_rule) == level]
        for key in group:
            place[key] = position + 1
        filled = position
        if filled + len(group) <= seats:
            verdict = ELECTED
        elif filled < seats:
            verdict = TIED  # the group straddles the last seat: another round decides
        else:
            verdict = NOT_ELECTED
        for key in group:
            outcome[key] = verdict
        position += len(group)
    candidates = tuple(
        CandidateTally(key=key, result=results[key], rank=place.get(key), outcome=outcome[key])
        for key in sorted(order, key=lambda k: (place.get(k) is None, place.get(k) or 0))
    )
    return ElectionTally(seats=seats, tie_rule=tie_rule, candidates=candidates)


def election_tally(
    entries: Iterable[tally.Entry],
    marks: Mapping[Any, Mapping[Any, str]],
    candidates: Iterable[Any],
    *,
    seats: int,
    tie_rule: str = AREA_FIRST,
    matter_type: str = "elect_members",
    silent_with_majority: bool = False,
) -> ElectionTally:
    """``marks`` is unit → {candidate → choice}; every ballot names every candidate.
    Each candidate is tallied by :func:`tally.tally` over the same electorate."""
    entries = list(entries)
    candidates = list(candidates)
    for unit, chosen in marks.items():
        if set(chosen) != set(candidates):
            raise tally.TallyError(f"ballot of unit {unit!r} does not name every candidate")
    results = {
        candidate: tally.tally(
            entries,
            {unit: chosen[candidate] for unit, chosen in marks.items()},
            matter_type=matter_type,
            silent_with_majority=silent_with_majority,
        )
        for candidate in candidates
    }
    return rank(results, seats=seats, tie_rule=tie_rule)
