"""Writing 文山州's committee plans the way users make them: through the services and
workflows the admin uses, with the plan's fixed clock passed as explicit dates, so each
committee, term, member, election, candidate, review and branch has its audit history.

The steps go phase by phase over all committees (the services keep every rule):

1. committees elected before the system (the outgoing term of a 换届) are registered
   through their own audited path with the reason (DOMAIN 3.8);
2. each current term's election is opened, its nomination list entered
   (:func:`~committees.elections.services.elections.candidates_nominate_bulk`) and sent to the
   joint review (DOMAIN §9); the departments' answers are recorded in batches
   (:func:`~committees.elections.services.reviews.reviews_answer_bulk`), fee arrears flagged
   (E12), candidates withdrawn or concluded
   (:func:`~committees.elections.services.elections.candidates_conclude_bulk`), the list
   published and the election held;
3. the held election forms the committee, or its next term (换届), from its passed
   candidates; first meetings, filings, handovers, members leaving and party branches
   follow (DOMAIN 3.2–3.8, 8.1).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from estates.models import Compound, Owner

from ..choices import CandidateStatus, LeaveReason, Position, ReviewSource
from ..elections.services.elections import (
    Nomination,
    candidate_withdraw,
    candidates_conclude_bulk,
    candidates_nominate_bulk,
    election_hold,
    election_open,
    election_publish_candidates,
    election_start_vetting,
)
from ..elections.services.reviews import ReviewAnswer, review_record_automatic, reviews_answer_bulk
from ..models import CandidateReview, CommitteeMember, Term
from ..services.committees import (
    MemberSpec,
    committee_form,
    committee_register_existing,
    member_hand_over,
    member_leave,
    party_branch_create,
    term_create_next,
    term_file,
    term_hand_over,
    term_record_first_meeting,
)
from .layout import PrefecturePlan, branch_plans
from .plan import CommitteePlan, MemberPlan, TermPlan

# Stored with the registration of a committee elected before the system (its history
# shows it as registered, not elected here).
REGISTER_REASON = "系统启用前已依法选举产生，按备案材料补录。"
WITHDRAW_REASON = "本人申请退出候选。"


def _specs(term: TermPlan, owners: dict[int, Owner]) -> list[MemberSpec]:
    return [
        MemberSpec(
            name=m.name,
            owner=owners[m.owner_id] if m.owner_id is not None else None,
            position=m.position,
            party_status=m.party_status,
            party_registered_in_community=m.registered,
            reserve_order=m.reserve_order,
            cross_appointment=m.cross,
        )
        for m in term.members
    ]


def _term_events(term: Term, plan: TermPlan, reference: str, *, actor) -> None:
    """First meeting (chair and vice-chairs as elected) and filing (DOMAIN 3.2, 3.3)."""
    rows = {(m.owner_id, m.name): m for m in term.members.all()}
    by_plan = [(p, rows[(p.owner_id, p.name)]) for p in plan.members]
    chair = next((row for p, row in by_plan if p.position == Position.CHAIR), None)
    vice_chairs = [row for p, row in by_plan if p.position == Position.VICE_CHAIR]
    if plan.first_meeting_on:
        term_record_first_meeting(
            term=term, on=plan.first_meeting_on, actor=actor, chair=chair, vice_chairs=vice_chairs
        )
    if plan.filed_on:
        term_file(term=term, on=plan.filed_on, reference=reference, actor=actor)


def _leavers(term: Term, plan: TermPlan, *, actor) -> int:
    """Members who left during the term (DOMAIN 3.7, 4.4): seat ended, then handover."""
    leaving: list[MemberPlan] = [
        m for m in plan.members if m.left_on and m.leave_reason != LeaveReason.TERM_ENDED
    ]
    if not leaving:
        return 0
    rows = {(m.owner_id, m.name): m for m in CommitteeMember.objects.filter(term=term)}
    for member in leaving:
        row = rows[(member.owner_id, member.name)]
        row = member_leave(member=row, on=member.left_on, reason=member.leave_reason, actor=actor)
        if member.handed_over_on:
            member_hand_over(member=row, on=member.handed_over_on, actor=actor)
    return len(leaving)


def _election(committee: CommitteePlan, compound: Compound, owners: dict[int, Owner], *, actor):
    """Open, nominate and send to the joint review (DOMAIN §9)."""
    plan = committee.election
    election = election_open(
        compound=compound,
        kind=committee.kind,
        term_number=committee.current.number,
        seats=plan.seats,
        started_on=plan.started_on,
        planned_on=plan.held_on,
        actor=actor,
    )
    candidates_nominate_bulk(
        election=election,
        nominations=[
            Nomination(
                owner=owners[c.owner_id],
                nominated_on=c.nominated_on,
                position_sought=c.position_sought,
                party_status=c.party_status,
            )
            for c in plan.candidates
        ],
        actor=actor,
    )
    return election_start_vetting(election=election, actor=actor, today=plan.vetting_on)


def _answers(elections: dict[int, tuple[CommitteePlan, object]], *, actor) -> int:
    """The departments' answers as the plan has them, in batches (one lock, one update
    and one audit entry per review)."""
    planned = {}
    for compound_id, (committee, _election) in elections.items():
        for candidate in committee.election.candidates:
            for source, department, status, category, _due, answered in candidate.reviews:
                if source == ReviewSource.DEPARTMENT:
                    key = (compound_id, candidate.owner_id, department)
                    planned[key] = (status, category, answered)
    reviews = (
        CandidateReview.objects.filter(
            candidate__election__in=[e for _c, e in elections.values()],
            source=ReviewSource.DEPARTMENT,
        )
        .select_related("candidate")
        .order_by("pk")
    )
    answers = []
    for review in reviews:
        key = (review.compound_id, review.candidate.owner_id, review.department_id)
        status, category, answered = planned[key]
        answers.append(
            ReviewAnswer(review=review, status=status, category=category, answered_on=answered)
        )
    return reviews_answer_bulk(answers=answers, actor=actor)


def write_through_services(prefecture: PrefecturePlan, *, actor, today: date) -> dict:
    """Write the prefecture's plan through the services as ``actor`` (the platform
    administrator, who covers the whole province)."""
    committees = prefecture.committees
    references = prefecture.references()
    compounds = Compound.objects.in_bulk([c.compound_id for c in committees])
    owner_ids = {m.owner_id for c in committees for t in c.terms for m in t.members}
    owner_ids |= {x.owner_id for c in committees if c.election for x in c.election.candidates}
    owner_ids.discard(None)
    owners = Owner.objects.in_bulk(list(owner_ids))
    counts: dict[str, int] = defaultdict(int)
    bodies = {}

    # 1. Committees elected before the system: the outgoing term of a 换届.
    registered = {}
    for committee in committees:
        if len(committee.terms) < 2:
            continue
        old = committee.terms[0]
        body = committee_register_existing(
            compound=compounds[committee.compound_id],
            kind=committee.kind,
            set_size=committee.set_size,
            elected_on=old.elected_on,
            members=_specs(old, owners),
            reason=REGISTER_REASON,
            actor=actor,
            ends_on=old.ends_on,
        )
        term = body.terms.get()
        _term_events(
            term,
            old,
            references.get((committee.compound_id, old.number), ""),
            actor=actor,
        )
        registered[committee.compound_id] = (body, term)
        counts["members"] += len(old.members)

    # 2. The elections of the current terms, up to the joint review's answers.
    elections = {}
    for committee in committees:
        if committee.election is None:
            continue
        election = _election(committee, compounds[committee.compound_id], owners, actor=actor)
        elections[committee.compound_id] = (committee, election)
    counts["reviews"] = _answers(elections, actor=actor)
    concluding, concluded_on = [], {}
    for committee, election in elections.values():
        candidates = {c.owner_id: c for c in election.candidates.all()}
        for plan in committee.election.candidates:
            candidate = candidates[plan.owner_id]
            for source, _dept, _status, category, _due, answered in plan.reviews:
                if source == ReviewSource.AUTOMATIC:  # fee arrears: flag only (E12)
                    review_record_automatic(
                        candidate=candidate, category=category, actor=actor, on=answered
                    )
                    counts["reviews"] += 1
            if plan.status == CandidateStatus.WITHDRAWN:
                candidate_withdraw(candidate=candidate, actor=actor, reason=WITHDRAW_REASON)
            else:
                concluding.append(candidate)
                concluded_on[candidate.pk] = plan.concluded_on
    # The joint verdicts, every candidate's from its answers (DOMAIN §9, E12).
    candidates_conclude_bulk(
        candidates=concluding, actor=actor, on=lambda candidate: concluded_on[candidate.pk]
    )
    for committee, election in elections.values():
        election_publish_candidates(election=election, actor=actor)
        election_hold(election=election, actor=actor, held_on=committee.election.held_on)
        counts["elections"] += 1
        counts["candidates"] += len(committee.election.candidates)

    # 3. The committees and terms the elections gave, and what happened since.
    for committee in committees:
        current = committee.current
        _committee, election = elections.get(committee.compound_id, (None, None))
        members = _specs(current, owners)
        if committee.compound_id in registered:
            body, old_term = registered[committee.compound_id]
            term = term_create_next(
                committee=body,
                election=election,
                members=members,
                actor=actor,
                ends_on=current.ends_on,
            )
            if committee.terms[0].handed_over_on:
                term_hand_over(term=old_term, on=committee.terms[0].handed_over_on, actor=actor)
        elif election is not None:
            body = committee_form(
                election=election,
                set_size=committee.set_size,
                members=members,
                actor=actor,
                ends_on=current.ends_on,
            )
            term = body.terms.get()
        else:
            body = committee_register_existing(
                compound=compounds[committee.compound_id],
                kind=committee.kind,
                set_size=committee.set_size,
                elected_on=current.elected_on,
                members=members,
                reason=REGISTER_REASON,
                actor=actor,
                ends_on=current.ends_on,
            )
            term = body.terms.get()
        bodies[committee.compound_id] = body
        _term_events(
            term,
            current,
            references.get((committee.compound_id, current.number), ""),
            actor=actor,
        )
        _leavers(term, current, actor=actor)
        counts["committees"] += 1
        counts["members"] += len(current.members)
    for branch in branch_plans(committees, today):
        party_branch_create(
            committee=bodies[branch.committee.compound_id],
            name=branch.name,
            founded_on=branch.founded_on,
            actor=actor,
            secretary=branch.secretary,
            kind=branch.kind,
            member_count=branch.member_count,
        )
        counts["branches"] += 1
    return dict(counts)
