"""One owner, units in two streets: each street sees and manages only its own part.

李两地 holds a unit in 开化街道 (compound 0) and one in 卧龙街道 (compound 2). A 开化 officer
sees the person but not the 卧龙 unit, and cannot change the name, ID number or phone,
which 卧龙 relies on too: only a user whose jurisdiction covers both units can (here the
platform administrator). Registering a known ID number answers as for an unknown one.
"""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from committees.forms import MSG_MEMBER_UNKNOWN, parse_members
from estates import forms, services
from estates.models import Owner, Ownership, Unit
from tests.estates.admin_helpers import officer, url
from tests.factories import valid_id_number

pytestmark = pytest.mark.django_db
admin = pytest.mark.urls("tests.estates.admin_urls")

ELSEWHERE = (
    "该业主在其他辖区也有房产，身份信息只能由覆盖其全部房产的上级"
    "（如县/州工作人员或平台管理员）修改。"
)


def first_unit(compound) -> Unit:
    return Unit.objects.filter(compound=compound).select_related("building").first()


@pytest.fixture
def shared(tree) -> Owner:
    owner = services.owner_create(
        name="李两地", id_number=valid_id_number(901, birth="19770707"), phone="13987650001"
    )
    for compound in (tree.compounds[0], tree.compounds[2]):
        services.ownership_add(owner=owner, unit=first_unit(compound))
    return owner


@pytest.fixture
def kaihua(tree):
    return officer("street_staff", tree.streets[0])


def page(client, address, data=None) -> str:
    response = client.post(address, data) if data is not None else client.get(address)
    assert response.status_code == 200, response.status_code
    return response.content.decode()


class TestSight:
    @admin
    def test_inspect_shows_only_own_units(self, client, tree, shared, kaihua):
        client.force_login(kaihua)
        html = page(client, url("owner", "inspect", shared.pk))
        assert "李两地" in html
        assert tree.compounds[0].name in html
        assert tree.compounds[2].name not in html

    def test_api_detail_shows_only_own_units(self, client, tree, shared, kaihua):
        client.force_login(kaihua)
        body = client.get(f"/api/registry/owners/{shared.pk}/").json()
        assert body["name"] == "李两地"
        assert [h["compound_id"] for h in body["holdings"]] == [tree.compounds[0].pk]
        assert tree.compounds[2].name not in str(body)

    def test_api_detail_of_an_owner_outside_is_404(self, client, tree, kaihua):
        client.force_login(kaihua)
        outsider = Owner.objects.filter(ownerships__compound=tree.compounds[3]).first()
        assert client.get(f"/api/registry/owners/{outsider.pk}/").status_code == 404

    def test_platform_admin_sees_both_units(self, client, tree, shared):
        client.force_login(officer("platform_admin", tree.province))
        body = client.get(f"/api/registry/owners/{shared.pk}/").json()
        assert {h["compound_id"] for h in body["holdings"]} == {
            tree.compounds[0].pk,
            tree.compounds[2].pk,
        }


class TestIdentityChanges:
    @admin
    def test_admin_edit_is_refused_with_who_can(self, client, shared, kaihua):
        client.force_login(kaihua)
        html = page(
            client,
            url("owner", "edit", shared.pk),
            {
                "kind": "person",
                "name": "李改名",
                "id_number": shared.id_number,
                "phone": "13987650001",
            },
        )
        assert ELSEWHERE in html
        assert Owner.objects.get(pk=shared.pk).name == "李两地"

    @admin
    def test_admin_edit_of_the_phone_is_refused_too(self, client, shared, kaihua):
        client.force_login(kaihua)
        html = page(
            client,
            url("owner", "edit", shared.pk),
            {
                "kind": "person",
                "name": "李两地",
                "id_number": shared.id_number,
                "phone": "13900000000",
            },
        )
        assert ELSEWHERE in html
        assert Owner.objects.get(pk=shared.pk).phone == "13987650001"

    def test_api_change_is_refused_with_who_can(self, client, shared, kaihua):
        client.force_login(kaihua)
        response = client.patch(
            f"/api/registry/owners/{shared.pk}/",
            {"name": "李改名"},
            content_type="application/json",
        )
        assert response.status_code == 403
        assert response.json() == {"detail": ELSEWHERE}
        assert Owner.objects.get(pk=shared.pk).name == "李两地"

    def test_service_refuses(self, shared, kaihua):
        with pytest.raises(PermissionDenied) as refused:
            services.owner_update(
                owner=shared, actor=kaihua, id_number=valid_id_number(902, birth="19770707")
            )
        assert str(refused.value) == ELSEWHERE
        assert Owner.objects.get(pk=shared.pk).id_number == shared.id_number

    def test_unchanged_values_are_not_a_change(self, shared, kaihua):
        same = services.owner_update(
            owner=shared, actor=kaihua, name="李两地", phone="139 8765 0001"
        )
        assert same.name == "李两地"

    def test_covering_user_changes_everywhere(self, client, tree, shared):
        admin = officer("platform_admin", tree.province)
        client.force_login(admin)
        response = client.patch(
            f"/api/registry/owners/{shared.pk}/",
            {"name": "李新名", "phone": "13900000000"},
            content_type="application/json",
        )
        assert response.status_code == 200, response.content
        fresh = Owner.objects.get(pk=shared.pk)
        assert (fresh.name, fresh.phone) == ("李新名", "13900000000")

    def test_owner_wholly_in_the_street_is_changed_by_its_officer(self, client, tree, kaihua):
        owner = Owner.objects.filter(ownerships__compound=tree.compounds[0]).first()
        client.force_login(kaihua)
        response = client.patch(
            f"/api/registry/owners/{owner.pk}/", {"name": "王新名"}, content_type="application/json"
        )
        assert response.status_code == 200, response.content
        assert Owner.objects.get(pk=owner.pk).name == "王新名"
        bad = client.patch(
            f"/api/registry/owners/{owner.pk}/",
            {"id_number": "123"},
            content_type="application/json",
        )
        assert bad.status_code == 400

    def test_api_refuses_bad_values_without_a_server_error(self, client, tree, kaihua):
        owner = Owner.objects.filter(ownerships__compound=tree.compounds[0]).first()
        client.force_login(kaihua)
        client.raise_request_exception = False
        for payload in (
            {"name": "王\x00某"},
            {"name": ""},
            {"kind": "alien"},
            {"name": "长" * 200},
        ):
            response = client.patch(
                f"/api/registry/owners/{owner.pk}/", payload, content_type="application/json"
            )
            assert response.status_code == 400, (payload, response.status_code)
        assert Owner.objects.get(pk=owner.pk).name == owner.name

    def test_api_change_needs_change_permission(self, client, tree, shared):
        client.force_login(officer("community_staff", tree.communities[0]))
        response = client.patch(
            f"/api/registry/owners/{shared.pk}/", {"name": "x"}, content_type="application/json"
        )
        assert response.status_code == 403
        assert Owner.objects.get(pk=shared.pk).name == "李两地"


class TestNoExistenceOracle:
    """A known ID number (held in another street) and an unknown one get the same
    answer and the same outcome."""

    def post_owner(self, client, unit, id_number: str, name: str):
        return client.post(
            url("owner", "add"),
            {"kind": "person", "name": name, "id_number": id_number, "unit": unit.pk},
        )

    def test_owner_form_registers_known_and_unknown_alike(self, client, tree, kaihua):
        theirs = Owner.objects.filter(ownerships__compound=tree.compounds[2]).first()
        fresh_number = valid_id_number(903, birth="19770707")
        client.force_login(kaihua)
        units = list(Unit.objects.filter(compound=tree.compounds[1]).order_by("pk")[:2])
        known = self.post_owner(client, units[0], theirs.id_number, theirs.name)
        unknown = self.post_owner(client, units[1], fresh_number, "周新人")
        assert known.status_code == unknown.status_code == 302
        assert known.url == unknown.url
        # Both now hold the unit; the known person stays one person.
        assert Ownership.objects.filter(owner=theirs, unit=units[0]).exists()
        assert Owner.objects.filter(id_number=theirs.id_number).count() == 1
        assert Ownership.objects.filter(owner__id_number=fresh_number, unit=units[1]).exists()
        # The street still sees only its own part of the person.
        body = client.get(f"/api/registry/owners/{theirs.pk}/").json()
        assert [h["compound_id"] for h in body["holdings"]] == [tree.compounds[1].pk]

    @admin
    def test_owner_form_never_says_the_number_exists(self, client, tree, kaihua):
        theirs = Owner.objects.filter(ownerships__compound=tree.compounds[2]).first()
        client.force_login(kaihua)
        html = page(
            client,
            url("owner", "add"),
            {"kind": "person", "name": theirs.name, "id_number": theirs.id_number, "unit": ""},
        )
        assert "已存在" not in html

    @admin
    def test_known_number_under_another_name_is_refused_without_details(self, client, tree, kaihua):
        """A person is one record: the same number under another name is refused, and the
        answer names neither the registered name nor where the person holds units."""
        theirs = Owner.objects.filter(ownerships__compound=tree.compounds[2]).first()
        unit = first_unit(tree.compounds[1])
        client.force_login(kaihua)
        html = page(
            client,
            url("owner", "add"),
            {"kind": "person", "name": "冒名者", "id_number": theirs.id_number, "unit": unit.pk},
        )
        assert str(services.MSG_IDENTITY_MISMATCH) in html
        assert theirs.name not in html and tree.compounds[2].name not in html
        assert not Ownership.objects.filter(unit=unit, owner=theirs).exists()
        assert not Owner.objects.filter(name="冒名者").exists()

    @admin
    def test_ownership_form_answers_alike(self, client, tree, kaihua):
        theirs = Owner.objects.filter(ownerships__compound=tree.compounds[2]).first()
        unit = first_unit(tree.compounds[1])
        client.force_login(kaihua)
        answers = []
        for number in (theirs.id_number, valid_id_number(904, birth="19770707")):
            html = page(
                client,
                url("ownership", "add"),
                {"unit": unit.pk, "is_registered": "on", "owner_id_number": number},
            )
            html = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
            answers.append(html.replace(number, "NUMBER").split("<main", 1)[1])
        assert str(forms.MSG_OWNER_NOT_FOUND).split("“")[0] in answers[0]
        assert answers[0] == answers[1]
        assert not Ownership.objects.filter(owner=theirs, unit=unit).exists()

    def test_committee_member_list_answers_alike(self, tree):
        theirs = Owner.objects.filter(ownerships__compound=tree.compounds[2]).first()
        answers = []
        for number in (theirs.id_number, valid_id_number(905, birth="19770707")):
            with pytest.raises(ValidationError) as refused:
                parse_members(f"王某 {number} 主任 群众", compound=tree.compounds[0])
            answers.append(refused.value.messages)
        assert answers[0] == answers[1] == [str(MSG_MEMBER_UNKNOWN) % {"line": 1}]

    def test_committee_member_list_finds_owners_of_the_compound(self, tree):
        mine = Owner.objects.filter(ownerships__compound=tree.compounds[0]).first()
        specs = parse_members(f"{mine.name} {mine.id_number} 主任 群众", compound=tree.compounds[0])
        assert specs[0].owner == mine
