"""Public API: what the portal shows, as JSON, with constant query counts."""

from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from estates import services
from estates.choices import RegionLevel
from tests.cms.builders import make_company, make_full_compound

pytestmark = pytest.mark.django_db


def test_region_roots_and_children(client, tree):
    roots = client.get("/api/public/regions/").json()
    assert roots == [
        {
            "code": "530000",
            "name": "云南省",
            "short_name": "",
            "level": 1,
            "level_label": "省",
            "compound_count": 4,
        }
    ]
    streets = client.get(f"/api/public/regions/?parent={tree.county.code}").json()
    assert [(s["name"], s["compound_count"]) for s in streets] == [
        ("开化街道", 2),
        ("卧龙街道", 2),
    ]
    assert client.get("/api/public/regions/?parent=000000").json() == []


def test_region_detail(client, tree):
    body = client.get(f"/api/public/regions/{tree.streets[0].code}/").json()
    assert body["name"] == "开化街道"
    assert [a["name"] for a in body["ancestors"]] == ["云南省", "文山壮族苗族自治州", "文山市"]
    assert [c["name"] for c in body["children"]] == ["开化第1社区", "开化第2社区"]
    assert client.get("/api/public/regions/999/").status_code == 404


def test_compound_search_and_region_filter(client, tree):
    body = client.get("/api/public/compounds/?q=阳光").json()
    assert body["count"] == 4
    body = client.get(f"/api/public/compounds/?region={tree.streets[1].code}&q=阳光").json()
    assert [c["name"] for c in body["items"]] == [
        "卧龙第1社区阳光花园小区",
        "卧龙第2社区阳光花园小区",
    ]
    assert body["items"][0]["community"] == {
        "code": tree.communities[2].code,
        "name": "卧龙第1社区",
    }
    assert client.get("/api/public/compounds/?region=000").json() == {"items": [], "count": 0}


def test_compound_detail_has_company_and_grid_staff(client, tree):
    compound = make_full_compound(
        region=tree.communities[0],
        name="翠湖小区",
        area=Decimal("100.25"),
        property_company=make_company(region=tree.county),
        is_red_property=True,
    )
    body = client.get(f"/api/public/compounds/{compound.pk}/").json()
    assert body["is_red_property"] is True
    assert body["building_count"] == 2 and body["unit_count"] == 4
    assert body["total_area"] == "401.00"
    assert body["property_company"]["contact_phone"] == "0876-2123456"
    staff = body["grids"][0]["staff"]
    assert [s["role_label"] for s in staff] == ["网格长", "先锋员", "治安员", "保洁员"]
    assert staff[0]["phone"] == "13808760000"
    assert [b["name"] for b in body["breadcrumbs"]][-2:] == ["开化街道", "开化第1社区"]
    assert client.get("/api/public/compounds/999999/").status_code == 404


def test_openapi_schema_and_docs(client, db):
    schema = client.get("/api/openapi.json").json()
    assert "/api/public/compounds/{compound_id}/" in schema["paths"]
    assert "/api/registry/owners/" in schema["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200
    assert b"cdn.jsdelivr.net" not in docs.content  # served locally, allowed by CSP


def query_count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


def test_public_query_counts_do_not_grow(client, tree):
    small = tree.compounds[0]
    urls = lambda pk, code: [  # noqa: E731
        "/api/public/regions/",
        f"/api/public/regions/?parent={code}",
        f"/api/public/regions/{code}/",
        f"/api/public/compounds/?region={code}",
        "/api/public/compounds/?q=小区",
        f"/api/public/compounds/{pk}/",
    ]
    before = [query_count(client, u) for u in urls(small.pk, tree.streets[0].code)]
    street = services.region_create(
        code="532601005", name="东风街道", level=RegionLevel.STREET, parent=tree.county
    )
    communities = [
        services.region_create(
            code=f"532601005{i:03d}",
            name=f"东风第{i}社区",
            level=RegionLevel.COMMUNITY,
            parent=street,
        )
        for i in range(1, 16)
    ]
    big = make_full_compound(
        region=communities[0], name="东风大型小区", buildings=10, units_per_building=6, grids=5
    )
    for i, community in enumerate(communities):
        services.compound_create(region=community, name=f"东风{i:02d}号小区")
    after = [query_count(client, u) for u in urls(big.pk, street.code)]
    assert before == after, (before, after)
    assert max(after) <= 3
