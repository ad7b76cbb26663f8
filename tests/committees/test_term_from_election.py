"""Vetting binds who takes a seat (DOMAIN §9, 3.8): a term formed for an election takes
its members from the election's passed candidates only; a committee elected before the
system was used is registered through its own audited path, with a reason, and its
history says so."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from committees.choices import CommitteeKind, ElectionStatus, Position
from committees.forms import MSG_ELECTION_OR_REASON
from committees.models import Committee, CommitteeMember, Election, Term
from committees.services import MemberSpec, committee_form, committee_register_existing
from committees.services import committees as svc
from tests.committees.committee_helpers import (
    PRE_SYSTEM,
    form_committee,
    member_specs,
    owners_in,
    street_officer,
)
from tests.committees.election_helpers import hold_election
from tests.estates.admin_helpers import officer

pytestmark = pytest.mark.django_db
HELD = date(2024, 3, 1)


def counts():
    return (
        Committee.objects.count(),
        Term.objects.count(),
        CommitteeMember.objects.count(),
        ModelLogEntry.objects.count(),
    )


def specs(owners) -> list[MemberSpec]:
    return [
        MemberSpec(owner=o, position=Position.CHAIR if i == 0 else Position.MEMBER)
        for i, o in enumerate(owners)
    ]


@pytest.fixture
def elected(tree):
    """Five owners of 阳光花园 elected and vetted; two more owners who did not stand."""
    compound = tree.compounds[0]
    owners = owners_in(compound, 7)
    actor = street_officer(tree)
    election = hold_election(compound, owners[:5], actor=actor, held_on=HELD)
    return compound, owners, actor, election


def test_committee_from_election_takes_its_passed_candidates(elected):
    _compound, owners, actor, election = elected
    committee = committee_form(
        election=election, set_size=5, members=specs(owners[:5]), actor=actor
    )
    term = committee.terms.get()
    assert term.elected_on == HELD
    assert {m.owner_id for m in term.members.all()} == {o.pk for o in owners[:5]}
    election.refresh_from_db()
    assert election.term == term
    entry = ModelLogEntry.objects.for_instance(committee).get()
    assert (entry.action, entry.data["election"]) == ("committees.committee.form", election.pk)


def test_owner_who_did_not_stand_cannot_take_a_seat(elected):
    _compound, owners, actor, election = elected
    before = counts()
    with pytest.raises(ValidationError) as refused:
        committee_form(
            election=election, set_size=5, members=specs([*owners[:4], owners[6]]), actor=actor
        )
    assert refused.value.error_list[0].message == svc.MSG_NOT_ELECTED
    assert owners[6].name in refused.value.messages[0]
    assert counts() == before


def test_election_not_held_is_refused(tree):
    compound = tree.compounds[0]
    owners = owners_in(compound, 5)
    actor = street_officer(tree)
    election = hold_election(compound, owners, actor=actor, held_on=HELD)
    Election.objects.filter(pk=election.pk).update(status=ElectionStatus.PUBLISHED)
    election.refresh_from_db()
    before = counts()
    with pytest.raises(ValidationError) as refused:
        committee_form(election=election, set_size=5, members=specs(owners), actor=actor)
    assert refused.value.error_list[0].message == svc.MSG_ELECTION_NOT_HELD
    assert counts() == before


def test_one_election_gives_one_term(elected):
    _compound, owners, actor, election = elected
    committee = committee_form(
        election=election, set_size=5, members=specs(owners[:5]), actor=actor
    )
    svc.committee_dissolve(
        committee=committee, on=date(2024, 6, 1), reason="选举产生业主委员会", actor=actor
    )
    before = counts()
    with pytest.raises(ValidationError) as refused:
        committee_form(election=election, set_size=5, members=specs(owners[:5]), actor=actor)
    assert refused.value.error_list[0].message == svc.MSG_ELECTION_USED
    assert counts() == before


def test_next_term_comes_from_the_committees_election(tree):
    committee = form_committee(tree)
    compound, actor = committee.compound, street_officer(tree)
    owners = owners_in(compound, 9)[2:]
    election = hold_election(compound, owners, actor=actor, held_on=date(2029, 2, 20))
    outsider = owners_in(compound, 10)[9]
    before = counts()
    with pytest.raises(ValidationError) as refused:
        svc.term_create_next(
            committee=committee,
            election=election,
            members=specs([*owners[:6], outsider]),
            actor=actor,
        )
    assert refused.value.error_list[0].message == svc.MSG_NOT_ELECTED
    assert counts() == before
    term = svc.term_create_next(
        committee=committee, election=election, members=specs(owners), actor=actor
    )
    assert (term.number, term.elected_on) == (2, date(2029, 2, 20))
    election.refresh_from_db()
    assert election.term == term


def test_election_of_another_compound_is_refused(tree):
    committee = form_committee(tree)
    other = tree.compounds[1]
    owners = owners_in(other, 7)
    election = hold_election(other, owners, actor=street_officer(tree), held_on=date(2029, 2, 20))
    with pytest.raises(ValidationError) as refused:
        svc.term_create_next(
            committee=committee,
            election=election,
            members=specs(owners),
            actor=street_officer(tree),
        )
    assert refused.value.error_list[0].message == svc.MSG_ELECTION_OTHER


# ------------------------------------------------------------------ pre-system committees


def test_registering_needs_a_reason(tree):
    compound = tree.compounds[0]
    before = counts()
    with pytest.raises(ValidationError) as refused:
        committee_register_existing(
            compound=compound,
            kind=CommitteeKind.OWNERS,
            set_size=5,
            elected_on=HELD,
            members=member_specs(compound, 5),
            reason="  ",
            actor=street_officer(tree),
        )
    assert refused.value.error_list[0].message == svc.MSG_REGISTER_REASON
    assert counts() == before


def test_registration_is_audited_and_shown_in_history(client, tree):
    committee = form_committee(tree)
    entry = ModelLogEntry.objects.for_instance(committee).get()
    assert entry.action == "committees.committee.register_existing"
    assert entry.data["reason"] == PRE_SYSTEM
    client.force_login(street_officer(tree))
    response = client.get(reverse("committees_committee:history", args=[committee.pk]))
    assert response.status_code == 200
    assert "登记系统上线前已成立的委员会" in response.content.decode()


# ------------------------------------------------------------------ admin forms


def test_admin_form_needs_an_election_or_a_reason(client, tree):
    compound = tree.compounds[1]
    owners = owners_in(compound, 5)
    client.force_login(officer("community_staff", tree.communities[1]))
    data = {
        "compound": compound.pk,
        "kind": "owners",
        "set_size": 5,
        "elected_on": "2024-03-01",
        "members_text": "\n".join(
            f"{o.name} {o.id_number} {'主任' if i == 0 else '委员'} 群众"
            for i, o in enumerate(owners)
        ),
    }
    before = counts()
    response = client.post(reverse("committees_committee:add"), data)
    assert response.status_code == 200
    assert str(MSG_ELECTION_OR_REASON) in response.content.decode()
    assert counts() == before
    election = hold_election(compound, owners, actor=street_officer(tree), held_on=HELD)
    response = client.post(reverse("committees_committee:add"), {**data, "election": election.pk})
    assert response.status_code == 302, response.content.decode()[:2000]
    committee = Committee.objects.get(compound=compound)
    assert ModelLogEntry.objects.for_instance(committee).get().action == "committees.committee.form"


def test_admin_term_form_requires_the_election(client, tree):
    committee = form_committee(tree)
    owners = owners_in(committee.compound, 9)[2:]
    client.force_login(officer("community_staff", tree.communities[0]))
    response = client.post(
        reverse("committees_term:add"),
        {
            "committee": committee.pk,
            "elected_on": "2029-02-20",  # a date alone no longer makes a term
            "starts_on": "2029-03-01",
            "ends_on": "",
            "set_size": "",
            "members_text": "\n".join(f"{o.name} {o.id_number} 委员 群众" for o in owners),
        },
    )
    assert response.status_code == 200
    assert committee.terms.count() == 1
