"""common.access: one fetch through the jurisdiction scope and one authorisation check;
an id of another jurisdiction gets the same answer as an id that does not exist."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from common.access import MSG_NOT_FOUND, authorise, can, fetch, require_role, scoped
from common.jurisdiction import MANAGE, VIEW
from estates.models import Compound
from estates.services import role_assign
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def officer(tree):
    user = make_user("jiedao-a")
    role_assign(user=user, role="street_staff", target=tree.streets[0])
    return user


@pytest.fixture
def member(tree):
    user = make_user("yewei-a")
    role_assign(user=user, role="committee_member", target=tree.compounds[0])
    return user


def test_fetch_inside_the_jurisdiction(tree, officer):
    own = tree.compounds[0]
    assert fetch(Compound, user=officer, pk=own.pk) == own
    assert fetch(Compound.objects.filter(name=own.name), user=officer, pk=own.pk) == own


def test_other_jurisdiction_and_unknown_ids_answer_alike(tree, officer):
    other = tree.compounds[2]  # the other street
    answers = []
    for pk in (other.pk, 987_654, 10**25):
        with pytest.raises(Http404) as raised:
            fetch(Compound, user=officer, pk=pk)
        answers.append(str(raised.value))
    assert answers == [str(MSG_NOT_FOUND)] * 3


def test_levels(tree, member):
    own = tree.compounds[0]
    assert fetch(Compound, user=member, pk=own.pk, level=VIEW) == own
    with pytest.raises(Http404):
        fetch(Compound, user=member, pk=own.pk, level=MANAGE)  # view grant only
    assert list(scoped(Compound, user=member)) == [own]


def test_authorise_needs_role_and_jurisdiction(tree, officer, member):
    own, other = tree.compounds[0], tree.compounds[2]
    assert can(officer, "estates.change_compound", own)
    authorise(officer, "estates.change_compound", own)
    with pytest.raises(PermissionDenied):
        authorise(officer, "estates.change_compound", other)  # outside the street
    with pytest.raises(PermissionDenied):
        authorise(member, "estates.change_compound", own)  # no such role
    assert not can(None, "estates.change_compound", own)


def test_inactive_users_are_refused(tree, officer):
    officer.is_active = False
    officer.save()
    with pytest.raises(PermissionDenied):
        require_role(officer, "estates.view_compound")
    assert not can(officer, "estates.view_compound", tree.compounds[0], level=VIEW)


def test_require_role(officer, member):
    require_role(officer, "estates.change_compound")
    with pytest.raises(PermissionDenied):
        require_role(member, "estates.change_compound")
