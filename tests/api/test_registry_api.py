"""Registry API: authenticated, permission-checked and scoped by jurisdiction."""

import base64

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import APIToken

from common.validators import mask_id_number, mask_phone
from estates import services
from estates.choices import RegionLevel
from tests.cms.builders import make_full_compound, seed_private_owners

pytestmark = pytest.mark.django_db


def ids(response) -> set[int]:
    assert response.status_code == 200, response.content
    return {item["id"] for item in response.json()["items"]}


@pytest.fixture
def street1_officer(tree, as_role, client):
    user = as_role("street_staff", tree.streets[0], "kaihua_officer")
    client.force_login(user)
    return user


class TestAuthentication:
    @pytest.mark.parametrize(
        "url",
        ["/api/registry/compounds/", "/api/registry/compounds/1/", "/api/registry/owners/"],
    )
    def test_anonymous_gets_401(self, client, tree, url):
        assert client.get(url).status_code == 401

    def test_http_basic(self, client, tree, as_role):
        as_role("street_staff", tree.streets[0], "basic_user")
        token = base64.b64encode(b"basic_user:pw-12345678").decode()
        response = client.get("/api/registry/compounds/", HTTP_AUTHORIZATION=f"Basic {token}")
        assert ids(response) == {c.pk for c in tree.compounds[:2]}
        bad = base64.b64encode(b"basic_user:wrong").decode()
        assert (
            client.get("/api/registry/compounds/", HTTP_AUTHORIZATION=f"Basic {bad}").status_code
            == 401
        )

    def test_wagtail_api_token(self, client, tree, as_role):
        user = as_role("street_staff", tree.streets[1])
        _token, plaintext = APIToken.create_token(user=user, name="卧龙街道数据对接")
        response = client.get("/api/registry/compounds/", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
        assert ids(response) == {c.pk for c in tree.compounds[2:]}


class TestJurisdiction:
    def test_street_officer_lists_only_own_street(self, client, tree, street1_officer):
        response = client.get("/api/registry/compounds/")
        assert ids(response) == {tree.compounds[0].pk, tree.compounds[1].pk}
        assert response.json()["count"] == 2

    def test_other_street_compound_is_404(self, client, tree, street1_officer):
        other = tree.compounds[2]
        assert client.get(f"/api/registry/compounds/{other.pk}/").status_code == 404
        assert client.get(f"/api/registry/compounds/{other.pk}/units/").status_code == 404
        own = client.get(f"/api/registry/compounds/{tree.compounds[0].pk}/")
        assert own.status_code == 200
        assert own.json()["unit_count"] == 4
        assert own.json()["total_area"] == "358.00"

    def test_units_of_own_compound(self, client, tree, street1_officer):
        response = client.get(f"/api/registry/compounds/{tree.compounds[0].pk}/units/")
        assert response.status_code == 200
        rooms = [(u["building"], u["entrance"], u["room"]) for u in response.json()["items"]]
        assert rooms[0] == ("1栋", "1单元", "101") and len(rooms) == 4

    def test_street_officer_sees_only_own_owners_in_full(self, client, tree, street1_officer):
        mine = seed_private_owners(tree.compounds[0])
        theirs_compound = make_full_compound(region=tree.communities[2], name="卧龙小区")
        services.owner_create(name="外街道业主", id_number=_id(7001))
        services.ownership_add(
            owner=services.owner_create(name="卧龙业主", id_number=_id(7002)),
            unit=theirs_compound.units.first(),
        )
        response = client.get("/api/registry/owners/")
        names = {o["name"] for o in response.json()["items"]}
        assert {o.name for o in mine} <= names
        assert "卧龙业主" not in names and "外街道业主" not in names
        full = {o["name"]: o for o in response.json()["items"]}["李秀英"]
        assert full["id_number"] == mine[0].id_number  # street staff: view_owner_identity
        assert full["phone"] == "13987654321"

    def test_owner_filter_by_compound(self, client, tree, street1_officer):
        seed_private_owners(tree.compounds[0])
        response = client.get(f"/api/registry/owners/?compound={tree.compounds[0].pk}")
        assert len(response.json()["items"]) == 6  # 4 from the factory + 2 seeded
        # Another street's compound is looked up in the jurisdiction: 404, not an empty list.
        response = client.get(f"/api/registry/owners/?compound={tree.compounds[2].pk}")
        assert response.status_code == 404

    def test_committee_member_sees_only_their_compound(self, client, tree, as_role):
        compound = tree.compounds[1]
        client.force_login(as_role("committee_member", compound))
        assert ids(client.get("/api/registry/compounds/")) == {compound.pk}
        assert client.get(f"/api/registry/compounds/{tree.compounds[0].pk}/").status_code == 404
        owners = client.get("/api/registry/owners/").json()["items"]
        assert len(owners) == 4
        assert client.get("/api/registry/owners/").json()["count"] == 4

    def test_community_staff_get_masked_identity(self, client, tree, as_role):
        owners = seed_private_owners(tree.compounds[0])
        client.force_login(as_role("community_staff", tree.communities[0]))
        items = {o["name"]: o for o in client.get("/api/registry/owners/").json()["items"]}
        assert items["李秀英"]["id_number"] == mask_id_number(owners[0].id_number)
        assert items["李秀英"]["phone"] == mask_phone("13987654321") == "139****4321"
        assert owners[0].id_number not in str(items)

    def test_missing_model_permission_is_403(self, client, tree, as_role):
        client.force_login(as_role("department_reviewer", tree.county))
        assert client.get("/api/registry/owners/").status_code == 403
        assert (
            client.get(f"/api/registry/compounds/{tree.compounds[0].pk}/units/").status_code == 403
        )
        assert ids(client.get("/api/registry/compounds/")) == {c.pk for c in tree.compounds}

    def test_user_without_grant_sees_nothing(self, client, tree):
        from tests.factories import make_user

        client.force_login(make_user())
        assert client.get("/api/registry/compounds/").status_code == 403


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content)
    return len(ctx.captured_queries)


def test_registry_query_counts_do_not_grow(client, tree, street1_officer):
    small = tree.compounds[0]
    urls = lambda pk: [  # noqa: E731
        "/api/registry/compounds/",
        f"/api/registry/compounds/{pk}/",
        f"/api/registry/compounds/{pk}/units/",
        "/api/registry/owners/",
    ]
    before = [query_count(client, u) for u in urls(small.pk)]
    street = tree.streets[0]
    community = services.region_create(
        code=f"{street.code}009", name="开化第9社区", level=RegionLevel.COMMUNITY, parent=street
    )
    big = make_full_compound(
        region=community, name="大型小区", buildings=10, units_per_building=10, grids=4
    )
    for unit in big.units.all()[:40]:
        services.ownership_add(
            owner=services.owner_create(
                name=f"业主{unit.pk}", id_number=_id(unit.pk), phone="13900001111"
            ),
            unit=unit,
        )
    for i in range(25):
        services.compound_create(region=community, name=f"开化{i:02d}号小区")
    after = [query_count(client, u) for u in urls(big.pk)]
    assert before == after, (before, after)
    assert max(after) <= 8  # session, user, 2 × permissions, grants, lookup/count, page


def _id(n: int) -> str:
    from tests.factories import valid_id_number

    return valid_id_number(n, birth="19660606")
