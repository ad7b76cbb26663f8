"""A candidate the joint qualification review failed cannot take a seat (DOMAIN §9)."""

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from committees.choices import CommitteeKind, Position
from committees.models import Committee
from committees.services import MemberSpec, committee_form
from committees.services.committees import MSG_FAILED_CANDIDATE
from tests.cms.test_portal_committees import publish
from tests.committees.committee_helpers import owners_in
from tests.committees.review_setup import build_vetting

pytestmark = pytest.mark.django_db


def test_failed_candidate_is_refused_and_nothing_is_written(tree):
    compound = tree.compounds[0]
    v = build_vetting(tree, compound=compound)
    _passed, failed = publish(v)
    specs = [MemberSpec(owner=failed.owner, position=Position.CHAIR), *others(v, compound, 6)]
    committees, entries = Committee.objects.count(), ModelLogEntry.objects.count()
    with pytest.raises(ValidationError) as refused:
        committee_form(
            compound=compound,
            kind=CommitteeKind.OWNERS,
            set_size=7,
            elected_on=v.election.started_on,
            members=specs,
            actor=v.street_staff,
        )
    assert refused.value.error_list[0].message == MSG_FAILED_CANDIDATE
    assert failed.name in refused.value.messages[0]
    assert (Committee.objects.count(), ModelLogEntry.objects.count()) == (committees, entries)


def test_passed_candidate_takes_a_seat(tree):
    compound = tree.compounds[0]
    v = build_vetting(tree, compound=compound)
    passed, _failed = publish(v)
    specs = [MemberSpec(owner=passed.owner, position=Position.CHAIR), *others(v, compound, 6)]
    committee = committee_form(
        compound=compound,
        kind=CommitteeKind.OWNERS,
        set_size=7,
        elected_on=v.election.started_on,
        members=specs,
        actor=v.street_staff,
    )
    assert committee.terms.get().members.filter(owner=passed.owner).exists()


def others(v, compound, count: int) -> list[MemberSpec]:
    """Owners of the compound who were not candidates."""
    candidates = {c.owner_id for c in v.candidates}
    owners = [o for o in owners_in(compound, count + len(candidates)) if o.pk not in candidates]
    return [MemberSpec(owner=o, position=Position.MEMBER) for o in owners[:count]]
