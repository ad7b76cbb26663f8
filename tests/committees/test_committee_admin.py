"""The committees back office: role × action × (own / other jurisdiction), forms that go
through the services, identity masking and the alarms view.

street_staff holds 开化街道, community_staff 开化第1社区, department_reviewer 开化街道,
committee_member 开化第1社区's compound. "own" objects lie in that compound, "other"
objects in 卧龙第1社区 (another street).
"""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse
from wagtail.models import ModelLogEntry

from committees.choices import Position
from committees.models.bodies import Committee, CommitteeMember, Term
from committees.selectors.alarms import AlarmKind
from committees.services import committees as svc
from tests.committees.committee_helpers import (
    PRE_SYSTEM,
    form_committee,
    owners_in,
    street_officer,
)
from tests.committees.election_helpers import hold_election
from tests.estates.admin_helpers import officer

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]

MODELS = ("committee", "term", "committeemember", "partybranch", "seal", "archiverecord")
ROLE_TARGET = {
    "platform_admin": "province",
    "street_staff": "street",
    "community_staff": "community",
    "department_reviewer": "street",
    "committee_member": "compound",
}
ALL = {"view", "add", "change", "delete"}
ALLOWED: dict[str, dict[str, set[str]]] = {
    # Members join only through elections, so nobody gets the bare add form.
    "platform_admin": {m: ALL - ({"add"} if m == "committeemember" else set()) for m in MODELS},
    "street_staff": {
        m: {"view", "add", "change"} - ({"add"} if m == "committeemember" else set())
        for m in MODELS
    },
    "community_staff": {
        "committee": {"view", "add", "change"},
        "term": {"view", "add", "change"},
        "committeemember": {"view", "change"},
        "partybranch": {"view", "add", "change"},
    },
    "department_reviewer": {},
    "committee_member": {m: {"view"} for m in MODELS},
}


def is_denied(response) -> bool:
    """403, 404, or Wagtail's answer to PermissionDenied: back to the dashboard."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response.url == "/admin/"


def url(model: str, view: str = "index", pk: int | None = None) -> str:
    name = f"committees_{model}:{view}"
    return reverse(name, args=[pk]) if pk is not None else reverse(name)


def _bodies(tree, compound) -> dict:
    actor = street_officer(tree, tree.streets.index(compound.region.parent))
    committee = form_committee(tree, compound=compound, formal=3, actor=actor)
    term = committee.terms.get()
    svc.term_file(term=term, on=date(2024, 3, 20), reference="备〔2024〕7号", actor=actor)
    chair = term.members.get(position=Position.CHAIR)
    return {
        "committee": committee,
        "term": term,
        "committeemember": chair,
        "partybranch": svc.party_branch_create(
            committee=committee,
            name=f"{compound.name}业委会党支部",
            founded_on=date(2024, 4, 1),
            actor=actor,
        ),
        "seal": svc.seal_register(
            committee=committee,
            name=f"{compound.name}业主委员会印章",
            made_on=date(2024, 3, 25),
            keeper=chair,
            actor=actor,
        ),
        "archiverecord": svc.archive_add(
            committee=committee,
            kind="election",
            title=f"{compound.name}选举报告",
            dated_on=date(2024, 3, 2),
            actor=actor,
        ),
    }


@pytest.fixture
def world(tree):
    return {
        "tree": tree,
        "own": _bodies(tree, tree.compounds[0]),
        "other": _bodies(tree, tree.compounds[2]),
    }


def grantee(role: str, tree):
    target = {
        "province": tree.province,
        "street": tree.streets[0],
        "community": tree.communities[0],
        "compound": tree.compounds[0],
    }[ROLE_TARGET[role]]
    return officer(role, target)


def expect_ok(role: str, model: str, action: str, where: str) -> bool:
    if where == "other" and role != "platform_admin":
        return False
    return action in ALLOWED[role].get(model, set())


@pytest.mark.parametrize(
    ("role", "model", "action", "where"),
    [
        (r, m, a, w)
        for r in ROLE_TARGET
        for m in MODELS
        for a in ("view", "change", "delete")
        for w in ("own", "other")
    ],
)
def test_object_access(client, world, role, model, action, where):
    client.force_login(grantee(role, world["tree"]))
    obj = world[where][model]
    view = {"view": "inspect", "change": "edit", "delete": "delete"}[action]
    response = client.get(url(model, view, obj.pk))
    if model == "committee" and view == "edit" and response.status_code == 302:
        # A committee's only change is its dissolution: its edit address leads there.
        if response.url == url(model, "dissolve", obj.pk):
            response = client.get(response.url)
    if expect_ok(role, model, action, where):
        assert response.status_code == 200
    else:
        assert is_denied(response), response.status_code
        assert obj.compound.name.encode() not in response.content


@pytest.mark.parametrize(("role", "model"), [(r, m) for r in ROLE_TARGET for m in MODELS])
def test_listing_shows_own_jurisdiction_only(client, world, role, model):
    client.force_login(grantee(role, world["tree"]))
    response = client.get(url(model))
    own, other = world["own"][model].compound.name, world["other"][model].compound.name
    html = response.content.decode()
    if "view" not in ALLOWED[role].get(model, set()):
        assert is_denied(response) or (own not in html and other not in html)
        return
    assert response.status_code == 200
    assert own in html
    assert (other in html) == (role == "platform_admin")


@pytest.mark.parametrize(("role", "model"), [(r, m) for r in ROLE_TARGET for m in MODELS])
def test_add_view(client, world, role, model):
    client.force_login(grantee(role, world["tree"]))
    response = client.get(url(model, "add"))
    if "add" in ALLOWED[role].get(model, set()):
        assert response.status_code == 200
    else:
        assert is_denied(response)


def test_menu_group_and_alarm_view(client, world):
    client.force_login(grantee("street_staff", world["tree"]))
    html = client.get("/admin/").content.decode()
    assert "业委会与物委会" in html
    response = client.get(reverse("committees_alarms:index"))
    assert response.status_code == 200
    html = response.content.decode()
    # Only the own compound's alarms: E9-style party share warning (3 of 7).
    assert world["own"]["committee"].compound.name in html
    assert world["other"]["committee"].compound.name not in html
    assert "alarm-party_share_low" in html
    filtered = client.get(reverse("committees_alarms:index"), {"kind": AlarmKind.FILING_OVERDUE})
    assert "alarm-party_share_low" not in filtered.content.decode()


def test_alarm_view_denied_without_permission(client, world):
    client.force_login(grantee("department_reviewer", world["tree"]))
    assert is_denied(client.get(reverse("committees_alarms:index")))


def test_inspect_masks_identity_without_permission(client, world):
    committee = world["own"]["committee"]
    chair = world["own"]["committeemember"]
    full = chair.owner.id_number
    client.force_login(grantee("community_staff", world["tree"]))
    html = client.get(url("committee", "inspect", committee.pk)).content.decode()
    assert chair.name in html and full not in html and full[-4:] in html
    html = client.get(url("committeemember", "inspect", chair.pk)).content.decode()
    assert full not in html
    client.force_login(grantee("street_staff", world["tree"]))
    html = client.get(url("committee", "inspect", committee.pk)).content.decode()
    assert full in html


def test_committee_inspect_constant_queries(client, world, django_assert_max_num_queries):
    client.force_login(grantee("street_staff", world["tree"]))
    committee = world["own"]["committee"]
    client.get(url("committee", "inspect", committee.pk))
    with django_assert_max_num_queries(40):
        assert client.get(url("committee", "inspect", committee.pk)).status_code == 200


def _members_text(owners, *, chair_party="正式党员 是") -> str:
    lines = [f"{owners[0].name} {owners[0].id_number} 主任 {chair_party}"]
    lines += [f"{o.name} {o.id_number} 委员 群众" for o in owners[1:]]
    return "\n".join(lines)


def test_create_committee_through_form(client, tree):
    compound = tree.compounds[1]
    owners = owners_in(compound, 5)
    client.force_login(officer("community_staff", tree.communities[1]))
    response = client.post(
        url("committee", "add"),
        {
            "compound": compound.pk,
            "kind": "owners",
            "set_size": 5,
            "elected_on": "2024-03-01",
            "registration_reason": PRE_SYSTEM,
            "members_text": _members_text(owners),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    committee = Committee.objects.get(compound=compound)
    term = committee.terms.get()
    assert term.members.count() == 5
    assert term.members.get(position=Position.CHAIR).party_registered_in_community
    assert (
        ModelLogEntry.objects.filter(action="committees.committee.register_existing").count() == 1
    )


def test_create_form_shows_service_refusal_and_writes_nothing(client, tree):
    compound = tree.compounds[1]
    owners = owners_in(compound, 6)
    client.force_login(officer("community_staff", tree.communities[1]))
    before = (
        Committee.objects.count(),
        Term.objects.count(),
        CommitteeMember.objects.count(),
        ModelLogEntry.objects.count(),
    )
    response = client.post(
        url("committee", "add"),
        {
            "compound": compound.pk,
            "kind": "owners",
            "set_size": 6,
            "elected_on": "2024-03-01",
            "registration_reason": PRE_SYSTEM,
            "members_text": _members_text(owners),
        },
    )
    assert response.status_code == 200
    assert str(svc.MSG_OWNERS_SIZE) in response.content.decode()
    after = (
        Committee.objects.count(),
        Term.objects.count(),
        CommitteeMember.objects.count(),
        ModelLogEntry.objects.count(),
    )
    assert before == after


def test_create_form_refuses_compound_outside_jurisdiction(client, tree):
    compound = tree.compounds[2]
    owners = owners_in(compound, 5)
    client.force_login(officer("community_staff", tree.communities[0]))
    response = client.post(
        url("committee", "add"),
        {
            "compound": compound.pk,
            "kind": "owners",
            "set_size": 5,
            "elected_on": "2024-03-01",
            "registration_reason": PRE_SYSTEM,
            "members_text": _members_text(owners),
        },
    )
    assert response.status_code == 200  # the compound is not a valid choice
    assert not Committee.objects.filter(compound=compound).exists()


def test_term_edit_records_filing_through_service(client, tree):
    committee = form_committee(tree)
    term = committee.terms.get()
    client.force_login(officer("community_staff", tree.communities[0]))
    response = client.post(
        url("term", "edit", term.pk),
        {
            "first_meeting_on": "2024-03-06",
            "filed_on": "2024-03-28",
            "filing_reference": "开化备〔2024〕9号",
            "handed_over_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    term.refresh_from_db()
    assert (term.first_meeting_on, term.filed_on) == (date(2024, 3, 6), date(2024, 3, 28))
    actions = set(ModelLogEntry.objects.values_list("action", flat=True))
    assert {"committees.term.file", "committees.term.first_meeting"} <= actions


def test_member_edit_records_leaving(client, tree):
    committee = form_committee(tree)
    member = committee.terms.get().members.order_by("pk").last()
    client.force_login(officer("community_staff", tree.communities[0]))
    response = client.post(
        url("committeemember", "edit", member.pk),
        {
            "party_status": "none",
            "party_registered_in_community": "",
            "cross_appointment": "",
            "left_on": "2024-06-01",
            "leave_reason": "resigned",
            "handed_over_on": "",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    member.refresh_from_db()
    assert member.left_on == date(2024, 6, 1)
    assert ModelLogEntry.objects.filter(action="committees.member.leave").count() == 1


def test_edit_post_to_other_jurisdiction_changes_nothing(client, world):
    client.force_login(grantee("street_staff", world["tree"]))
    term = world["other"]["term"]
    response = client.post(url("term", "edit", term.pk), {"first_meeting_on": "2024-03-06"})
    assert response.status_code == 404
    term.refresh_from_db()
    assert term.first_meeting_on is None


def test_seal_form_before_filing_refused_and_writes_nothing(client, tree):
    """DOMAIN 3.3 through the admin: the refusal shows on the form."""
    committee = form_committee(tree)
    chair = committee.terms.get().members.get(position=Position.CHAIR)
    client.force_login(officer("street_staff", tree.streets[0]))
    before = ModelLogEntry.objects.count()
    response = client.post(
        url("seal", "add"),
        {
            "committee": committee.pk,
            "name": "业主委员会印章",
            "made_on": "2024-03-10",
            "keeper": chair.pk,
        },
    )
    assert response.status_code == 200
    assert str(svc.MSG_SEAL_BEFORE_FILING) in response.content.decode()
    assert not committee.seals.exists()
    assert ModelLogEntry.objects.count() == before


def test_party_branch_form_picks_joint_rule(client, tree):
    """E9 through the admin: 2 formal + 1 probationary cannot have their own branch."""
    committee = form_committee(tree, formal=2, probationary=1)
    client.force_login(officer("community_staff", tree.communities[0]))
    data = {
        "kind": "committee",
        "compound": committee.compound_id,
        "committee": committee.pk,
        "name": "阳光花园业委会党支部",
        "secretary": "王建国",
        "founded_on": "2024-04-01",
    }
    response = client.post(url("partybranch", "add"), data)
    assert response.status_code == 200
    assert "不能单独成立党支部" in response.content.decode()
    response = client.post(
        url("partybranch", "add"), {**data, "kind": "joint", "name": "开化第1社区联合党支部"}
    )
    assert response.status_code == 302
    assert committee.party_branches.get().kind == "joint"


def test_term_add_form_elects_next_term(client, tree):
    committee = form_committee(tree)
    owners = owners_in(committee.compound, 9)[2:]
    election = hold_election(
        committee.compound, owners, actor=street_officer(tree), held_on=date(2029, 2, 20)
    )
    client.force_login(officer("community_staff", tree.communities[0]))
    response = client.post(
        url("term", "add"),
        {
            "committee": committee.pk,
            "election": election.pk,
            "starts_on": "2029-03-01",
            "ends_on": "",
            "set_size": "",
            "members_text": _members_text(owners),
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    assert list(committee.terms.values_list("number", flat=True).order_by("number")) == [1, 2]


def test_member_form_rolls_back_party_change_when_leaving_is_refused(client, tree):
    committee = form_committee(tree)
    member = committee.terms.get().members.order_by("pk").last()
    client.force_login(officer("community_staff", tree.communities[0]))
    response = client.post(
        url("committeemember", "edit", member.pk),
        {
            "party_status": "formal",
            "party_registered_in_community": "on",
            "cross_appointment": "",
            "left_on": "2020-01-01",
            "leave_reason": "resigned",
            "handed_over_on": "",
        },
    )
    assert response.status_code == 200
    assert str(svc.MSG_LEAVE_BEFORE_START) in response.content.decode()
    member.refresh_from_db()
    assert (member.party_status, member.left_on) == ("none", None)
