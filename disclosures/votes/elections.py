"""Elections of committee members decided by the owners' vote (DOMAIN 1.2 item 3).

The back office opens an election and runs the joint qualification review
(:mod:`committees.elections`); once the candidate list is published, the committee holds
the election as a vote of the "选举或更换业主委员会委员" matter type on an accepted filing.
The vote has one item per candidate who passed the review; each ballot records one choice
(同意 / 反对 / 弃权) per candidate, and an owner agrees to at most as many candidates as
there are seats. The tally (:mod:`disclosures.votes.election_tally`) applies DOMAIN 1.3–1.6
to each candidate and ranks those who met them under the region's rule. Once the final
result is published, :func:`election_conclude` marks the election held through its
workflow and seats the elected candidates as the new term through the committee services;
the outgoing members leave that day and owe their archives and seals within 3 days
(DOMAIN 4.4).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from committees.choices import CandidateStatus, ElectionStatus, Position
from committees.deadlines import due_date
from committees.elections.workflows import ELECTION_WORKFLOW, MANAGE_ELECTION
from committees.models import Candidate, Election
from committees.selectors.alarms import MEMBER_HANDOVER_DAYS
from committees.services.committees import MemberSpec, committee_form, term_create_next
from common.access import can
from disclosures.filings.choices import MatterType

from . import election_tally, importing, services, tally
from .choices import (
    BallotChoice,
    BallotSource,
    CandidateOutcome,
    ElectionTieRule,
    PublicationStage,
    VoteStatus,
)
from .models import Ballot, BallotMark, ElectionItem, ElectorateEntry, Vote, VoteRules
from .selectors import counted_ballots, vote_result

MSG_NOT_ELECTION_MATTER = _("该报备的事项不是“选举或更换业主委员会委员”，不能用于选举表决。")
MSG_FILING_OTHER = _("报备与选举不属于同一小区。")
MSG_NOT_PUBLISHED = _("候选人名单公示后才能发起选举表决。")
MSG_NO_CANDIDATES = _("没有通过资格联审的候选人，不能发起选举表决。")
MSG_VOTE_EXISTS = _("该选举已有一场未取消的选举表决。")
MSG_NOT_ELECTION_VOTE = _("该表决不是选举委员的表决。")
MSG_MISSING = _("房屋“%(unit)s”的选票缺少对以下候选人的意见：%(names)s。")
MSG_UNKNOWN_CANDIDATE = _("房屋“%(unit)s”的选票中“%(name)s”不是本次选举的候选人。")
MSG_TOO_MANY_AGREE = _(
    "房屋“%(unit)s”的选票同意了%(count)d名候选人，超过应选人数%(seats)d人，该票不能录入。"
)
MSG_UNKNOWN_MARK = _(
    "房屋“%(unit)s”的选票对“%(name)s”的意见“%(choice)s”无法识别，应为同意、反对或弃权。"
)
MSG_PERSON_MARKS = _(
    "房屋“%(unit)s”与同一业主的房屋“%(other)s”对候选人的意见不同；"
    "同一业主按一人计算，只能有一种意见。"
)
MSG_WITHDRAWN_COLUMN = _("“%(names)s”已退出候选，不在本次选票上；请删除该列后重新导入。")
MSG_NOT_FINAL = _("选举表决的最终结果公布后才能完成选举。")
MSG_NOT_PENDING = _("该选举不在候选人已公示状态，不能根据表决结果完成选举。")


def tie_rule_for(compound) -> str:
    """The deepest region's ranking rule for elections (a local rule, L)."""
    rules = (
        VoteRules.objects.filter(region__path__in=services._ancestor_paths(compound.region_path))
        .order_by("-region_path")
        .first()
    )
    return rules.election_tie_rule if rules else ElectionTieRule.AREA_FIRST


# ------------------------------------------------------------------ the vote


@transaction.atomic
def election_vote_create(
    *,
    election: Election,
    filing,
    actor,
    starts_on: date,
    ends_on: date,
    title: str = "",
) -> Vote:
    """A draft vote holding ``election``: the filing is of the election matter type and of
    the same compound, the candidate list has been published, and the ballot lists every
    candidate who passed the joint review (DOMAIN §9) in nomination order."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    if filing.matter_type != MatterType.ELECT_MEMBERS:
        raise ValidationError(MSG_NOT_ELECTION_MATTER, code="not_election_matter")
    if filing.compound_id != election.compound_id:
        raise ValidationError(MSG_FILING_OTHER, code="filing_other_compound")
    # The vote's own permission and jurisdiction first: an outsider learns nothing more.
    vote = services.vote_create(
        filing=filing,
        actor=actor,
        title=title or str(election),
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if election.status != ElectionStatus.PUBLISHED:
        raise ValidationError(MSG_NOT_PUBLISHED, code="not_published")
    # Locked, so a withdrawal under way either finishes first (and the candidate is not
    # listed) or waits and then drops the candidate from this draft (votes.withdrawals).
    candidates = list(
        Candidate.objects.select_for_update()
        .filter(election=election, status=CandidateStatus.PASSED)
        .order_by("pk")
    )
    if not candidates:
        raise ValidationError(MSG_NO_CANDIDATES, code="no_candidates")
    vote.election = election
    vote.tie_rule = tie_rule_for(election.compound)
    try:
        with transaction.atomic():
            vote.save(update_fields=["election", "tie_rule", "updated_at"])
    except IntegrityError:
        raise ValidationError(MSG_VOTE_EXISTS, code="vote_exists") from None
    ElectionItem.objects.bulk_create(
        ElectionItem(vote=vote, candidate=c, name=c.name, order=i)
        for i, c in enumerate(candidates, start=1)
    )
    log(
        instance=vote,
        action="votes.vote.election_create",
        user=actor,
        data={"election": election.pk, "seats": election.seats, "candidates": len(candidates)},
    )
    return vote


# ------------------------------------------------------------------ ballots


def summary_choice(choices) -> str:
    """The one choice a screen shows for an election ballot: 同意 if it agrees to any
    candidate, else 反对 if it opposes any, else 弃权. The tally reads the marks."""
    choices = set(choices)
    if BallotChoice.AGREE in choices:
        return BallotChoice.AGREE
    if BallotChoice.OPPOSE in choices:
        return BallotChoice.OPPOSE
    return BallotChoice.ABSTAIN


class ElectionDesk(services.BallotDesk):
    """:class:`services.BallotDesk` plus what an election ballot needs: the candidates,
    the seats, and the marks already in for each unit (one person, one set of choices)."""

    def __init__(self, vote: Vote):
        super().__init__(vote)
        self.items = list(vote.items.order_by("order"))
        self.seats = vote.election.seats
        self.marks: dict[int, dict[int, str]] = {}
        for entry_id, item_id, choice in BallotMark.objects.filter(
            ballot__vote=vote, ballot__voided=False
        ).values_list("ballot__entry_id", "item_id", "choice"):
            self.marks.setdefault(entry_id, {})[item_id] = choice
        # One unit's marks per person (SPC 9), to compare a further unit of theirs.
        self.person_marks: dict[Any, int] = {
            self.person_of[entry_id]: entry_id for entry_id in self.marks
        }

    def _item(self, key: Any) -> ElectionItem | None:
        text = services.normalise(key)
        for item in self.items:
            if text in (str(item.pk), services.normalise(item.name)):
                return item
        return None

    def check_marks(
        self,
        *,
        building: str,
        entrance: str,
        room: str,
        marks: Mapping[Any, Any],
        cast_on: date,
    ) -> tuple[ElectorateEntry, dict[int, str]]:
        """The entry and item → choice of one election ballot, or ValidationError naming
        the unit: one choice per candidate, and at most as many 同意 as seats."""
        label = services.unit_label(
            services.normalise(building), services.normalise(entrance), services.normalise(room)
        )
        chosen: dict[int, str] = {}
        for key, text in marks.items():
            item = self._item(key)
            if item is None:
                raise ValidationError(
                    MSG_UNKNOWN_CANDIDATE,
                    code="unknown_candidate",
                    params={"unit": label, "name": str(key)},
                )
            value = services.choice_parse(text)
            if value is None:
                raise ValidationError(
                    MSG_UNKNOWN_MARK,
                    code="unknown_choice",
                    params={"unit": label, "name": item.name, "choice": str(text or "")},
                )
            chosen[item.pk] = value
        missing = [item.name for item in self.items if item.pk not in chosen]
        if missing:
            raise ValidationError(
                MSG_MISSING,
                code="marks_missing",
                params={"unit": label, "names": "、".join(missing)},
            )
        agreed = sum(choice == BallotChoice.AGREE for choice in chosen.values())
        if agreed > self.seats:
            raise ValidationError(
                MSG_TOO_MANY_AGREE,
                code="too_many_agree",
                params={"unit": label, "count": agreed, "seats": self.seats},
            )
        summary = summary_choice(chosen.values())
        key = tuple(services.normalise(p) for p in (building, entrance, room))
        entry = self.entries.get(key)
        if entry is not None and entry.pk not in self.cast:
            # SPC 9: units of one person carry one set of choices (DOMAIN 1.6).
            other_id = self.person_marks.get(self.person_of[entry.pk])
            if other_id is not None and self.marks[other_id] != chosen:
                raise ValidationError(
                    MSG_PERSON_MARKS,
                    code="person_split",
                    params={"unit": str(entry), "other": str(self.by_pk[other_id])},
                )
        entry, _value = self.check(
            building=building, entrance=entrance, room=room, choice=summary, cast_on=cast_on
        )
        return entry, chosen

    def record_marks(self, entry: ElectorateEntry, chosen: dict[int, str]) -> None:
        self.record(entry, summary_choice(chosen.values()))
        self.marks[entry.pk] = chosen
        self.person_marks.setdefault(self.person_of[entry.pk], entry.pk)


def _save_marks(ballots_marks: list[tuple[Ballot, dict[int, str]]]) -> None:
    BallotMark.objects.bulk_create(
        (
            BallotMark(ballot=ballot, item_id=item_id, choice=choice)
            for ballot, chosen in ballots_marks
            for item_id, choice in chosen.items()
        ),
        batch_size=1000,
    )


@transaction.atomic
def election_ballot_enter(
    *,
    vote: Vote,
    actor,
    building: str,
    entrance: str = "",
    room: str,
    marks: Mapping[Any, Any],
    cast_on: date | None = None,
    proxy_name: str = "",
    proxy_document=None,
) -> Ballot:
    """Enter one unit's election ballot: a choice for every candidate (keyed by item id
    or candidate name), recording who entered it and when (DOMAIN 1.9)."""
    locked = services._locked_open_vote(vote, actor)
    if locked.election_id is None:
        raise ValidationError(MSG_NOT_ELECTION_VOTE, code="not_election_vote")
    cast_on = cast_on or timezone.localdate()
    desk = ElectionDesk(locked)
    entry, chosen = desk.check_marks(
        building=building, entrance=entrance, room=room, marks=marks, cast_on=cast_on
    )
    ballot = Ballot(
        vote=locked,
        entry=entry,
        batch=services._sitting(locked, actor),
        choice=summary_choice(chosen.values()),
        cast_on=cast_on,
        proxy_name=proxy_name.strip(),
        proxy_document=proxy_document,
        source=BallotSource.ENTERED,
        entered_by=actor,
    )
    ballot.full_clean(exclude=["vote", "entry", "batch", "entered_by"])
    try:
        with transaction.atomic():
            ballot.save()
    except IntegrityError:
        raise ValidationError(
            services.MSG_SECOND_BALLOT,
            code="second_ballot",
            params={"unit": str(entry), "when": ""},
        ) from None
    _save_marks([(ballot, chosen)])
    return ballot


def election_ballots_import(
    *, vote: Vote, actor, header: list[Any], rows: list[tuple[int, list[Any]]], name: str
) -> list[Ballot]:
    """An election's ballot sheet: building, entrance, room, one column per candidate
    (headed by the name, 同意 / 反对 / 弃权 in each), optionally the date and the proxy.
    Every row is checked as in single entry (the cap, one choice per candidate) and
    named when refused; all are saved or none (inside ``ballots_import``'s transaction)."""
    desk = ElectionDesk(vote)
    mapping: dict[str, int] = {}
    columns: dict[int, int] = {}  # item id → column
    names = {services.normalise(item.name): item for item in desk.items}
    for index, raw in enumerate(header):
        text = services.normalise(raw)
        key = importing._HEADER_INDEX.get(text.lower())
        if key and key != "choice" and key not in mapping:
            mapping[key] = index
        elif text in names and names[text].pk not in columns:
            columns[names[text].pk] = index
    # A column for a candidate who withdrew before the vote opened: not on the ballot
    # (votes.withdrawals, DOMAIN 2.4), so the file is refused rather than read without it.
    headings = {services.normalise(raw) for raw in header} - set(names)
    withdrawn = [
        name
        for name in Candidate.objects.filter(
            election_id=vote.election_id, status=CandidateStatus.WITHDRAWN
        ).values_list("name", flat=True)
        if services.normalise(name) in headings
    ]
    if withdrawn:
        raise importing.BallotImportError(
            [(0, str(MSG_WITHDRAWN_COLUMN % {"names": "、".join(withdrawn)}))]
        )
    missing = [str(importing.COLUMN_LABELS[k]) for k in ("building", "room") if k not in mapping]
    missing += [item.name for item in desk.items if item.pk not in columns]
    if missing:
        raise importing.BallotImportError(
            [(0, str(importing.MSG_MISSING_COLUMNS % {"columns": "、".join(missing)}))]
        )

    def cell(values: list[Any], key: str | int) -> Any:
        index = mapping.get(key) if isinstance(key, str) else columns[key]
        return values[index] if index is not None and index < len(values) else None

    today = timezone.localdate()
    errors: list[tuple[int, str]] = []
    accepted: list[tuple[dict[str, Any], dict[int, str]]] = []
    first_row: dict[int, int] = {}
    for row, values in rows:
        if not any(services.normalise(v) for v in values):
            continue
        cast_on = today
        if "cast_on" in mapping and services.normalise(cell(values, "cast_on")):
            cast_on = importing._date(cell(values, "cast_on"))
            if cast_on is None:
                text = services.normalise(cell(values, "cast_on"))
                errors.append((row, str(importing.MSG_BAD_DATE % {"value": text})))
                continue
        marks = {
            item_id: cell(values, item_id)
            for item_id in columns
            if services.normalise(cell(values, item_id))
        }
        try:
            entry, chosen = desk.check_marks(
                building=cell(values, "building"),
                entrance=cell(values, "entrance"),
                room=cell(values, "room"),
                marks=marks,
                cast_on=cast_on,
            )
        except ValidationError as error:
            first = importing.entry_in_file(desk, values, cell, first_row)
            if error.code == "second_ballot" and first:
                errors.append(
                    (row, str(importing.MSG_DUPLICATE_ROW % {"unit": first[1], "first": first[0]}))
                )
            else:
                errors.append((row, "；".join(error.messages)))
            continue
        first_row[entry.pk] = row
        desk.record_marks(entry, chosen)
        proxy = services.normalise(cell(values, "proxy_name"))[:100]
        accepted.append(
            (
                {
                    "entry": entry,
                    "choice": summary_choice(chosen.values()),
                    "cast_on": cast_on,
                    "proxy_name": proxy,
                },
                chosen,
            )
        )
    if errors:
        raise importing.BallotImportError(errors)
    if not accepted:
        raise importing.BallotImportError([(0, str(importing.MSG_NO_ROWS))])
    ballots = services.ballots_create(
        vote=vote, actor=actor, rows=[fields for fields, _marks in accepted], original_name=name
    )
    _save_marks([(b, m) for b, (_fields, m) in zip(ballots, accepted, strict=True)])
    return ballots


# ------------------------------------------------------------------ the tally


def election_vote_tally(vote: Vote) -> election_tally.ElectionTally:
    """Each candidate tallied over the frozen electorate and the counted ballots (four
    eyes), then ranked under the rule frozen with the vote. Three queries."""
    entries = [
        tally.Entry(unit=pk, area=area, owner_keys=frozenset(keys), area_source=source)
        for pk, area, keys, source in vote.electorate.values_list(
            "pk", "area", "owner_keys", "area_source"
        )
    ]
    items = list(vote.items.order_by("order").values_list("pk", flat=True))
    marks: dict[int, dict[int, str]] = {}
    for entry_id, item_id, choice in BallotMark.objects.filter(
        ballot__in=counted_ballots(vote)
    ).values_list("ballot__entry_id", "item_id", "choice"):
        marks.setdefault(entry_id, {})[item_id] = choice
    return election_tally.election_tally(
        entries,
        marks,
        items,
        seats=vote.election.seats,
        tie_rule=vote.tie_rule or ElectionTieRule.AREA_FIRST,
        matter_type=vote.matter_type,
        silent_with_majority=vote.silent_with_majority,
    )


def election_result(vote: Vote, result: election_tally.ElectionTally | None = None) -> dict:
    """The per-candidate result as stored with the vote and published: each candidate's
    figures and thresholds in the words of an ordinary result, the rank, the outcome, the
    ranking rule and the seats still open."""
    result = result or election_vote_tally(vote)
    items = {item.pk: item for item in vote.items.all()}
    rows = []
    for candidate in result.candidates:
        item = items[candidate.key]
        figures = vote_result(vote, candidate.result)
        rows.append(
            {
                "item": item.pk,
                "candidate": item.candidate_id,
                "name": item.name,
                "by_choice": figures["by_choice"],
                "checks": figures["checks"],
                "qualified": candidate.qualified,
                "rank": candidate.rank,
                "outcome": candidate.outcome,
                "outcome_label": str(CandidateOutcome(candidate.outcome).label),
            }
        )
    return {
        "seats": result.seats,
        "tie_rule": result.tie_rule,
        "tie_rule_label": str(ElectionTieRule(result.tie_rule).label),
        "quorum_met": result.quorum_met,
        "elected": [items[key].candidate_id for key in result.elected],
        "elected_names": [items[key].name for key in result.elected],
        "vacant": result.vacant,
        "candidates": rows,
    }


def election_result_text(data: dict) -> str:
    """The per-candidate lines of the plain-text result (the tally_vote command)."""
    lines = [
        str(_("应选 %(seats)s 人；排名规则：%(tie_rule_label)s")) % data,
    ]
    for row in data["candidates"]:
        agree = row["by_choice"][tally.AGREE]
        lines.append(
            str(_("%(name)s：同意 %(heads)s 人，%(area)s ㎡；%(outcome)s"))
            % {
                "name": row["name"],
                "heads": agree["heads"],
                "area": agree["area"],
                "outcome": row["outcome_label"],
            }
        )
    if data["vacant"]:
        lines.append(str(_("尚有 %(vacant)s 个席位须另行选举")) % data)
    return "\n".join(lines)


# ------------------------------------------------------------------ the outcome


def may_conclude(vote: Vote, actor) -> bool:
    """Whether ``actor`` may seat the result now (the final result is out and the
    actor organises elections and terms in the compound)."""
    if vote.election_id is None or vote.publication != PublicationStage.FINAL:
        return False
    election = vote.election
    perm = "committees.add_term" if election.committee_id else "committees.add_committee"
    return (
        election.status == ElectionStatus.PUBLISHED
        and can(actor, MANAGE_ELECTION, election)
        and can(actor, perm, election.compound)
    )


@transaction.atomic
def election_conclude(*, vote: Vote, actor, starts_on: date | None = None) -> Election:
    """After the final result (DOMAIN 1.9: the objection window is over): the election is
    held on the vote's closing day through its workflow; if every seat is filled, the
    elected candidates become the new term's members (换届 through
    :func:`term_create_next`, a first committee through :func:`committee_form`), the
    outgoing members leave the day it starts and owe their archives and seals within 3
    days (DOMAIN 4.4). Seats left open are reported for another round, and the term is
    then formed by the organisers once they are filled."""
    vote = Vote.objects.select_for_update().get(pk=vote.pk)
    if vote.election_id is None:
        raise ValidationError(MSG_NOT_ELECTION_VOTE, code="not_election_vote")
    if vote.status != VoteStatus.COUNTED or vote.publication != PublicationStage.FINAL:
        raise ValidationError(MSG_NOT_FINAL, code="not_final")
    election = Election.objects.select_for_update().get(pk=vote.election_id)
    if election.status != ElectionStatus.PUBLISHED:
        raise ValidationError(MSG_NOT_PENDING, code="not_pending")
    data = vote.result.get("election") or election_result(vote)
    elected = {c.pk: c for c in Candidate.objects.filter(pk__in=data["elected"])}
    ordered = [elected[pk] for pk in data["elected"]]
    # The election day is the vote's last day, or the day it was counted if earlier.
    held_on = min(vote.ends_on, timezone.localdate(vote.counted_at))
    ELECTION_WORKFLOW.fire(
        election,
        "hold",
        actor=actor,
        changes={"held_on": held_on},
        data={"vote": vote.pk, "elected": [c.name for c in ordered], "vacant": data["vacant"]},
    )
    audit: dict[str, Any] = {
        "election": election.pk,
        "elected": [c.name for c in ordered],
        "vacant": data["vacant"],
    }
    if len(ordered) == election.seats:
        starts_on = max(starts_on or timezone.localdate(), held_on)
        members = [
            MemberSpec(
                owner=c.owner, name=c.name, position=Position.MEMBER, party_status=c.party_status
            )
            for c in ordered
        ]
        if election.committee_id:
            previous = election.committee.terms.order_by("-number").first()
            term = term_create_next(
                committee=election.committee,
                election=election,
                members=members,
                actor=actor,
                set_size=election.seats,
                starts_on=starts_on,
            )
            if previous is not None:
                left_on = min(previous.ends_on, starts_on)
                audit["previous_term"] = previous.pk
                audit["handover_due"] = due_date(left_on, MEMBER_HANDOVER_DAYS).isoformat()
        else:
            committee_form(
                election=election,
                set_size=election.seats,
                members=members,
                actor=actor,
                starts_on=starts_on,
            )
            election.refresh_from_db(fields=["term"])
            term = election.term
        audit["term"] = term.pk
    log(instance=vote, action="votes.vote.election_conclude", user=actor, data=audit)
    election.refresh_from_db()
    return election


def handover_due_for(term) -> date | None:
    """When the outgoing members of ``term`` owe their archives and seals (DOMAIN 4.4)."""
    left = term.members.exclude(left_on=None).order_by("-left_on").values_list("left_on", flat=True)
    return due_date(left[0], MEMBER_HANDOVER_DAYS) if left else None
