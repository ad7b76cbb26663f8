"""Committees' models, split by area: bodies (committees, terms, members, branches, seals,
archives) and elections (elections, candidates, joint qualification review)."""

from ..elections.models import Candidate, CandidateReview, Election, ReviewCheck
from .bodies import (
    ArchiveRecord,
    Committee,
    CommitteeMember,
    PartyBranch,
    Seal,
    Term,
)

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
