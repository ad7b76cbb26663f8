"""Vote reads: the tally of a vote from its frozen electorate and ballots, the result as
published figures, and the votes a user may see."""

from __future__ import annotations

from collections.abc import Iterable
from fractions import Fraction
from typing import Any

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Sum
from django.utils.translation import gettext as _g
from django.utils.translation import gettext_lazy as _

from common.access import scoped

from . import tally
from .choices import BallotChoice, ObjectionStatus, Outcome, PublicationStage, VoteStatus
from .models import Ballot, ElectorateEntry, Vote

PUBLIC_VOTES = 5

CHECK_LABELS = {
    "quorum_heads": _("参与表决人数"),
    "quorum_area": _("参与表决专有部分面积"),
    "approval_heads": _("同意人数"),
    "approval_area": _("同意专有部分面积"),
}

RULE_LABELS = {
    tally.QUORUM_RULE: _("三分之二以上"),
    tally.SUPERMAJORITY_RULE: _("四分之三以上"),
    tally.MAJORITY_RULE: _("过半数"),
}


def votes_visible_to(user) -> QuerySet[Vote]:
    return scoped(Vote, user=user).select_related("compound", "filing")


def _engine_entries(entries: Iterable[ElectorateEntry]) -> list[tally.Entry]:
    return [
        tally.Entry(
            unit=e.pk,
            area=e.area,
            owner_keys=frozenset(e.owner_keys),
            area_source=e.area_source,
        )
        for e in entries
    ]


def electorate_persons(entries: Iterable[ElectorateEntry]) -> dict[int, Any]:
    """entry id → person (SPC 9), as the tally counts them."""
    return tally.persons(_engine_entries(entries))


def vote_tally(vote: Vote) -> tally.TallyResult:
    """The exact tally of the vote's frozen electorate and its ballots (DOMAIN 1.3–1.8).

    The persons (SPC 9) were numbered when the vote opened, so the database counts the
    sides (units, distinct persons, summed two-decimal areas: exact) in two aggregate
    queries and Python only compares fractions. Counting non-voters with the majority
    (DOMAIN 1.8) and an electorate frozen before persons were numbered go through the
    pure engine over every row."""
    if not vote.silent_with_majority:
        sides = _sql_sides(vote)
        if sides is not None:
            total, participating, by_choice = sides
            return tally.tally_sides(
                total=total,
                participating=participating,
                by_choice=by_choice,
                matter_type=vote.matter_type,
            )
    return _engine_tally(vote)


def counted_ballots(vote: Vote):
    """Four eyes: only ballots of batches a second person confirmed count."""
    return Ballot.objects.filter(vote_id=vote.pk, voided=False, batch__confirmed_at__isnull=False)


def _fraction_area(value) -> Fraction:
    return Fraction(value) if value is not None else Fraction(0)


def _sql_sides(vote: Vote):
    totals = vote.electorate.aggregate(
        units=Count("pk"),
        heads=Count("person", distinct=True),
        area=Sum("area"),
        unnumbered=Count("pk", filter=Q(person__isnull=True)),
    )
    if not totals["units"] or totals["unnumbered"]:
        return None
    aggregates = {
        "heads": Count("entry__person", distinct=True),
        "units": Count("pk"),
        "area": Sum("entry__area"),
    }
    for choice in tally.CHOICES:
        only = Q(choice=choice)
        aggregates[f"{choice}_heads"] = Count("entry__person", distinct=True, filter=only)
        aggregates[f"{choice}_units"] = Count("pk", filter=only)
        aggregates[f"{choice}_area"] = Sum("entry__area", filter=only)
    cast = counted_ballots(vote).aggregate(**aggregates)
    by_choice = {
        choice: tally.Side(
            heads=cast[f"{choice}_heads"],
            units=cast[f"{choice}_units"],
            area=_fraction_area(cast[f"{choice}_area"]),
        )
        for choice in tally.CHOICES
    }
    # SPC 9: one person has one choice; a person counted under two choices is refused as
    # the engine refuses it (ballot entry already prevents it).
    if sum(side.heads for side in by_choice.values()) != cast["heads"]:
        raise tally.TallyError("one person's units carry different choices")
    total = tally.Side(
        heads=totals["heads"], units=totals["units"], area=_fraction_area(totals["area"])
    )
    participating = tally.Side(
        heads=cast["heads"], units=cast["units"], area=_fraction_area(cast["area"])
    )
    return total, participating, by_choice


def _engine_tally(vote: Vote) -> tally.TallyResult:
    """Every row read and counted by the pure engine (two queries)."""
    entries = [
        tally.Entry(unit=pk, area=area, owner_keys=frozenset(keys), area_source=source)
        for pk, area, keys, source in vote.electorate.values_list(
            "pk", "area", "owner_keys", "area_source"
        )
    ]
    ballots = dict(counted_ballots(vote).values_list("entry_id", "choice"))
    return tally.tally(
        entries,
        ballots,
        matter_type=vote.matter_type,
        silent_with_majority=vote.silent_with_majority,
    )


def unconfirmed_ballots(vote: Vote) -> int:
    """Ballots entered but not yet checked by a second person (not counted yet)."""
    return vote.ballots.filter(
        voided=False, batch__confirmed_at__isnull=True, batch__rejected_at__isnull=True
    ).count()


def _amount(check: tally.Check, value: Fraction) -> str:
    if check.measure == "heads":
        return str(value.numerator // value.denominator)
    return tally.area_text(value)


def _side(side: tally.Side) -> dict[str, Any]:
    return {"heads": side.heads, "units": side.units, "area": tally.area_text(side.area)}


def shortfall_text(check: tally.Check) -> str:
    """ "还差 12 户" or "还差 830.55 ㎡"; empty when the threshold is met."""
    if check.met:
        return ""
    if check.measure == "heads":
        return _g("还差 %(count)s 户") % {"count": _amount(check, check.shortfall)}
    return _g("还差 %(area)s ㎡") % {"area": _amount(check, check.shortfall)}


def vote_result(vote: Vote, result: tally.TallyResult) -> dict[str, Any]:
    """The result as stored and published: every number exact (fractions as "n/d",
    areas as two-decimal strings), percentages rounded for display only."""
    checks = []
    for check in result.checks:
        checks.append(
            {
                "key": check.key,
                "label": str(CHECK_LABELS[check.key]),
                "measure": check.measure,
                "rule": str(RULE_LABELS.get(check.rule, check.rule.label)),
                "value": _amount(check, check.numerator),
                "of": _amount(check, check.denominator),
                "fraction": tally.fraction_text(check.value),
                "percent": tally.percent(check.value),
                "required": _amount(check, check.required),
                "shortfall": _amount(check, check.shortfall),
                "shortfall_text": shortfall_text(check),
                "met": check.met,
            }
        )
    return {
        "vote": vote.pk,
        "title": vote.title,
        "unconfirmed_ballots": unconfirmed_ballots(vote),
        "compound": vote.compound.name,
        "matter_type": vote.matter_type,
        "matter": str(vote.get_matter_type_display()),
        "silent_with_majority": result.silent_with_majority,
        "silent_added_to": result.silent_added_to,
        "total": _side(result.total),
        "participating": _side(result.participating),
        "by_choice": {choice: _side(side) for choice, side in result.by_choice.items()},
        "checks": checks,
        "quorum_met": result.quorum_met,
        "approval_met": result.approval_met,
        "passed": result.passed,
        "outcome": result.outcome,
        "decision": str(Outcome(result.outcome).label),
    }


def vote_result_text(data: dict[str, Any]) -> str:
    """The result as plain text (the tally_vote command, notices)."""
    labels = {str(value): str(label) for value, label in BallotChoice.choices}
    total, taking_part = data["total"], data["participating"]
    lines = [
        _g("%(compound)s：%(title)s（%(matter)s）") % data,
        _g("业主总数 %(heads)s 人（%(units)s 户），专有部分总面积 %(area)s ㎡") % total,
        _g("参与表决 %(heads)s 人，%(area)s ㎡") % taking_part,
    ]
    for choice, side in data["by_choice"].items():
        lines.append(
            _g("%(choice)s %(heads)s 人，%(area)s ㎡") % {**side, "choice": labels[choice]}
        )
    if data["silent_added_to"]:
        lines.append(
            _g("未参与表决的业主按规定计入“%(choice)s”")
            % {"choice": labels[data["silent_added_to"]]}
        )
    for check in data["checks"]:
        params = {
            **check,
            "unit": _g("人") if check["measure"] == "heads" else "㎡",
            "state": _g("达到") if check["met"] else _g("未达到"),
        }
        line = (
            _g(
                "%(label)s %(value)s/%(of)s %(unit)s = %(fraction)s（%(percent)s），"
                "须%(rule)s（至少 %(required)s %(unit)s），%(state)s"
            )
            % params
        )
        if check["shortfall_text"]:
            line += "，" + check["shortfall_text"]
        lines.append(line)
    if data.get("unconfirmed_ballots"):
        lines.append(_g("另有 %(unconfirmed_ballots)s 张表决票待复核，未计入") % data)
    lines.append(_g("表决结果：%(decision)s") % data)
    return "\n".join(lines)


def public_vote_flags() -> dict:
    """Annotation for the public compound query (estates.selectors.public_compound_flags):
    whether a vote has a published stage, so compounds without one cost no query."""
    return {
        "has_public_vote": Exists(
            Vote.objects.filter(compound=OuterRef("pk"))
            .exclude(publication=PublicationStage.NONE)
            .exclude(status=VoteStatus.CANCELLED)
        )
    }


def public_votes_for(compound) -> list[Vote]:
    """The compound page's votes (issue item 6): those with a published stage, newest
    first, with their objection counts; one query. Figures come from the vote itself (the
    frozen totals, the stored result), never from owners' data."""
    return list(
        Vote.objects.filter(compound_id=compound.pk)
        .exclude(publication=PublicationStage.NONE)
        .exclude(status=VoteStatus.CANCELLED)
        .annotate(
            objections_total=Count("objections"),
            objections_answered=Count(
                "objections", filter=Q(objections__status=ObjectionStatus.ANSWERED)
            ),
        )
        .order_by("-starts_on", "-pk")[:PUBLIC_VOTES]
    )
