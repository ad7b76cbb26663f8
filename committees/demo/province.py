"""The bulk path: committees, terms, members, branches and (where planned) the held
elections with their candidates and answers, one insert per table, in the state they
ended in, as the registry import writes rows. Used for the other 15 prefectures of
``seed_demo --scale province`` (DOMAIN 0.4) and for 文山州 unless the seed is
``audited`` (then :mod:`.write` goes through the services).
"""

from __future__ import annotations

from datetime import date

from estates.loading import bulk_insert

from ..choices import ElectionStatus
from ..models import (
    Candidate,
    CandidateReview,
    Committee,
    CommitteeMember,
    Election,
    PartyBranch,
    Term,
)
from .layout import PrefecturePlan, branch_plans
from .plan import CommitteePlan


def write_in_bulk(prefecture: PrefecturePlan, today: date) -> dict:
    """Committees, terms, members and branches in their final state, and the elections
    the plan has (文山州's; the rest of the province has no election history)."""
    committees = prefecture.committees
    references = prefecture.references()
    committee_ids = bulk_insert(
        Committee,
        ["compound_id", "kind", "set_size", "formed_on", "is_active"],
        [(c.compound_id, c.kind, c.set_size, c.terms[0].elected_on, True) for c in committees],
    )
    term_rows, term_owner = [], []
    for committee, committee_id in zip(committees, committee_ids, strict=True):
        for term in committee.terms:
            reference = references.get((committee.compound_id, term.number), "")
            term_rows.append(
                (
                    committee_id,
                    committee.compound_id,
                    term.number,
                    term.elected_on,
                    term.elected_on,
                    term.ends_on,
                    term.first_meeting_on,
                    term.filed_on,
                    reference,
                    term.handed_over_on,
                )
            )
            term_owner.append((committee, term))
    term_ids = bulk_insert(
        Term,
        [
            "committee_id",
            "compound_id",
            "number",
            "elected_on",
            "starts_on",
            "ends_on",
            "first_meeting_on",
            "filed_on",
            "filing_reference",
            "handed_over_on",
        ],
        term_rows,
    )
    member_rows = []
    for (committee, term), term_id in zip(term_owner, term_ids, strict=True):
        for m in term.members:
            member_rows.append(
                (
                    term_id,
                    committee.compound_id,
                    m.owner_id,
                    m.name,
                    m.position,
                    m.reserve_order,
                    term.elected_on,
                    m.left_on,
                    m.leave_reason,
                    m.handed_over_on,
                    m.party_status,
                    m.registered,
                    m.cross,
                )
            )
    bulk_insert(
        CommitteeMember,
        [
            "term_id",
            "compound_id",
            "owner_id",
            "name",
            "position",
            "reserve_order",
            "started_on",
            "left_on",
            "leave_reason",
            "handed_over_on",
            "party_status",
            "party_registered_in_community",
            "cross_appointment",
        ],
        member_rows,
    )
    counts = {"committees": len(committees), "members": len(member_rows)}
    counts.update(_insert_branches(committees, committee_ids, today))
    counts.update(_insert_elections(committees, committee_ids))
    return counts


def _insert_branches(
    committees: list[CommitteePlan], committee_ids: list[int], today: date
) -> dict:
    ids = {c.compound_id: pk for c, pk in zip(committees, committee_ids, strict=True)}
    rows = [
        (
            b.kind,
            b.name,
            b.committee.compound_id,
            ids[b.committee.compound_id],
            b.committee.company_id,
            b.secretary,
            b.member_count,
            b.founded_on,
        )
        for b in branch_plans(committees, today)
    ]
    bulk_insert(
        PartyBranch,
        [
            "kind",
            "name",
            "compound_id",
            "committee_id",
            "property_company_id",
            "secretary",
            "member_count",
            "founded_on",
        ],
        rows,
    )
    return {"branches": len(rows)}


def _insert_elections(committees: list[CommitteePlan], committee_ids: list[int]) -> dict:
    """The held elections of the current terms: created in their final state, with the
    candidates' verdicts and the departments' answers as they were recorded."""
    pairs = [(c, pk) for c, pk in zip(committees, committee_ids, strict=True) if c.election]
    election_ids = bulk_insert(
        Election,
        [
            "compound_id",
            "committee_id",
            "kind",
            "term_number",
            "seats",
            "status",
            "started_on",
            "review_due_on",
            "planned_on",
            "held_on",
        ],
        [
            (
                c.compound_id,
                pk if c.current.number > 1 else None,  # first elections precede the body
                c.kind,
                c.current.number,
                c.election.seats,
                ElectionStatus.HELD,
                c.election.started_on,
                c.election.review_due_on,
                c.election.held_on,
                c.election.held_on,
            )
            for c, pk in pairs
        ],
    )
    candidate_rows, reviews_of = [], []
    for (committee, _pk), election_id in zip(pairs, election_ids, strict=True):
        for cand in committee.election.candidates:
            candidate_rows.append(
                (
                    election_id,
                    committee.compound_id,
                    cand.owner_id,
                    cand.name,
                    cand.position_sought,
                    cand.party_status,
                    cand.nominated_on,
                    cand.status,
                    cand.concluded_on,
                )
            )
            reviews_of.append((committee.compound_id, cand.reviews))
    candidate_ids = bulk_insert(
        Candidate,
        [
            "election_id",
            "compound_id",
            "owner_id",
            "name",
            "position_sought",
            "party_status",
            "nominated_on",
            "status",
            "concluded_on",
        ],
        candidate_rows,
    )
    review_rows = [
        (candidate_id, compound_id, *review)
        for candidate_id, (compound_id, reviews) in zip(candidate_ids, reviews_of, strict=True)
        for review in reviews
    ]
    bulk_insert(
        CandidateReview,
        [
            "candidate_id",
            "compound_id",
            "source",
            "department_id",
            "status",
            "category",
            "due_on",
            "answered_on",
        ],
        review_rows,
    )
    return {
        "elections": len(election_ids),
        "candidates": len(candidate_ids),
        "reviews": len(review_rows),
    }
