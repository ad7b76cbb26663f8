"""Committees' models, split by area: bodies (committees, terms, members, branches, seals,
archives) and elections (elections, candidates, joint qualification review)."""

from .bodies import (
    ArchiveRecord,
    Committee,
    CommitteeMember,
    PartyBranch,
    Seal,
    Term,
)
from .elections import Candidate, CandidateReview, Election, ReviewCheck

__all__ = [
    "ArchiveRecord",
    "Candidate",
    "CandidateReview",
    "Committee",
    "CommitteeMember",
    "Election",
    "PartyBranch",
    "ReviewCheck",
    "Seal",
    "Term",
]
