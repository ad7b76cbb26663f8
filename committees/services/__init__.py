"""Writes for committees (see :mod:`committees.services.committees`)."""

from .committees import (
    LOG_ACTIONS,
    MemberSpec,
    archive_add,
    committee_dissolve,
    committee_form,
    member_hand_over,
    member_leave,
    member_update_party,
    party_branch_create,
    red_property_branch_create,
    reserve_promote,
    seal_register,
    term_create_next,
    term_file,
    term_hand_over,
    term_record_first_meeting,
)

__all__ = [
    "LOG_ACTIONS",
    "MemberSpec",
    "archive_add",
    "committee_dissolve",
    "committee_form",
    "member_hand_over",
    "member_leave",
    "member_update_party",
    "party_branch_create",
    "red_property_branch_create",
    "reserve_promote",
    "seal_register",
    "term_create_next",
    "term_file",
    "term_hand_over",
    "term_record_first_meeting",
]
