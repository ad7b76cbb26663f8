"""A candidate the joint qualification review failed cannot take a seat (DOMAIN §9): the
members of a term formed from an election are its passed candidates, and a compound
with an election in the system cannot register its committee without it."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from committees.choices import CommitteeKind, Position
from committees.elections.services import elections as election_services
from committees.models import Committee
from committees.services import MemberSpec, committee_form, committee_register_existing
from committees.services.committees import (
    MSG_FAILED_CANDIDATE,
    MSG_NOT_ELECTED,
    MSG_REGISTER_HAS_ELECTION,
)
from tests.cms.test_portal_committees import publish
from tests.committees.committee_helpers import owners_in
from tests.committees.review_setup import build_vetting

pytestmark = pytest.mark.django_db
NAMES = ["李建国", "王秀英", "张卫东", "刘海燕", "陈文明", "杨玉兰", "黄永福"]
HELD = datetime.date(2026, 4, 18)


def held(tree):
    """Seven candidates vetted; the second fails at the police check; held."""
    compound = tree.compounds[0]
    v = build_vetting(tree, compound=compound, names=NAMES)
    _passed, failed = publish(v)
    election_services.election_hold(election=v.election, actor=v.street_staff, held_on=HELD)
    v.election.refresh_from_db()
    return v, compound, failed


def seats(v, *, chair, count: int) -> list[MemberSpec]:
    others = [c for c in v.candidates if c.owner_id != chair.owner_id and c.status == "passed"]
    return [
        MemberSpec(owner=chair.owner, position=Position.CHAIR),
        *(MemberSpec(owner=c.owner) for c in others[: count - 1]),
    ]


def counts():
    return Committee.objects.count(), ModelLogEntry.objects.count()


def test_failed_candidate_is_refused_and_nothing_is_written(tree):
    v, _compound, failed = held(tree)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        committee_form(
            election=v.election,
            set_size=5,
            members=seats(v, chair=failed, count=5),
            actor=v.street_staff,
        )
    assert refused.value.error_list[0].message == MSG_FAILED_CANDIDATE
    assert failed.name in refused.value.messages[0]
    assert counts() == before


def test_owner_who_was_not_a_candidate_is_refused(tree):
    v, compound, _failed = held(tree)
    candidates = {c.owner_id for c in v.candidates}
    outsider = next(o for o in owners_in(compound, 12) if o.pk not in candidates)
    members = [*seats(v, chair=v.candidates[0], count=4), MemberSpec(owner=outsider)]
    before = counts()
    with pytest.raises(ValidationError) as refused:
        committee_form(election=v.election, set_size=5, members=members, actor=v.street_staff)
    assert refused.value.error_list[0].message == MSG_NOT_ELECTED
    assert outsider.name in refused.value.messages[0]
    assert counts() == before


def test_registering_instead_of_the_election_is_refused(tree):
    """The pre-system path cannot seat a failed candidate once an election exists."""
    v, compound, failed = held(tree)
    before = counts()
    with pytest.raises(ValidationError) as refused:
        committee_register_existing(
            compound=compound,
            kind=CommitteeKind.OWNERS,
            set_size=5,
            elected_on=HELD,
            members=seats(v, chair=failed, count=5),
            reason="系统上线前选举产生",
            actor=v.street_staff,
        )
    assert refused.value.error_list[0].message == MSG_REGISTER_HAS_ELECTION
    assert counts() == before


def test_passed_candidate_takes_a_seat(tree):
    v, _compound, _failed = held(tree)
    passed = v.candidates[0]
    committee = committee_form(
        election=v.election,
        set_size=5,
        members=seats(v, chair=passed, count=5),
        actor=v.street_staff,
    )
    term = committee.terms.get()
    assert term.members.filter(owner=passed.owner, position=Position.CHAIR).exists()
    assert term.elected_on == HELD
    v.election.refresh_from_db()
    assert v.election.term == term
