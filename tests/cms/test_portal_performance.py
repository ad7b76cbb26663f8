"""Query budget and page cache: ≤ 6 queries per page at any data size, 0 on a cache hit,
and the cache follows the registry."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.caching import CACHE_HEADER, registry_changed
from estates import services
from estates.choices import GridRole, RegionLevel
from estates.models import GridStaff
from tests.cms.builders import make_company, make_full_compound

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 6


def queries_for(client, url: str) -> int:
    """SQL queries for an uncached render of url: the page cache is dropped (as any
    registry change does), long-lived lookups such as view restrictions stay warm."""
    client.get(url)
    registry_changed()
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.fixture
def sizes(tree, portal):
    """A small community (2 compounds) and a large one (30 compounds, one of them with
    12 buildings, 120 units and 6 grids of 4 staff), plus a large street and county."""
    small = tree.communities[0]
    company = make_company(region=tree.county)
    small_compound = make_full_compound(region=small, name="小型小区", property_company=company)
    large_street = services.region_create(
        code="532601003", name="新平街道", level=RegionLevel.STREET, parent=tree.county
    )
    communities = [
        services.region_create(
            code=f"532601003{i:03d}",
            name=f"新平第{i}社区",
            level=RegionLevel.COMMUNITY,
            parent=large_street,
        )
        for i in range(1, 13)
    ]
    large = communities[0]
    big = make_full_compound(
        region=large,
        name="大型小区",
        buildings=12,
        units_per_building=10,
        grids=6,
        staff_per_grid=4,
        property_company=company,
        is_red_property=True,
    )
    for i in range(29):
        services.compound_create(region=large, name=f"新平{i:02d}号小区", address=f"新平路{i}号")
    for community in communities[1:]:
        services.compound_create(region=community, name=f"{community.name}家园")
    return {
        "compound": (f"/c/{small_compound.pk}/", f"/c/{big.pk}/"),
        "community": (f"/r/{small.code}/", f"/r/{large.code}/"),
        "street": (f"/r/{tree.streets[0].code}/", f"/r/{large_street.code}/"),
        "search": ("/search/?q=小型", "/search/?q=小区"),
    }


@pytest.mark.parametrize("kind", ["compound", "community", "street", "search"])
def test_query_count_is_constant_and_within_budget(client, sizes, kind):
    small_url, large_url = sizes[kind]
    small, large = queries_for(client, small_url), queries_for(client, large_url)
    assert small == large, (kind, small, large)
    assert large <= QUERY_BUDGET


def test_home_page_within_budget(client, sizes, django_assert_max_num_queries):
    cache.clear()
    with django_assert_max_num_queries(QUERY_BUDGET):
        assert client.get("/").status_code == 200


@pytest.mark.parametrize("kind", ["compound", "community", "street", "search"])
def test_cached_hit_does_no_queries(client, sizes, kind, django_assert_num_queries):
    url = sizes[kind][1]
    cache.clear()
    assert client.get(url)[CACHE_HEADER] == "miss"
    with django_assert_num_queries(0):
        response = client.get(url)
    assert response.status_code == 200
    assert response[CACHE_HEADER] == "hit"
    assert "Content-Security-Policy" in response  # headers still added on hits


@pytest.fixture
def compound(tree, portal):
    return make_full_compound(
        region=tree.communities[0], name="翠湖小区", area=Decimal("100.00"), grids=1
    )


def cached_html(client, url: str) -> str:
    client.get(url)
    response = client.get(url)
    assert response[CACHE_HEADER] == "hit"
    return response.content.decode()


def fresh_html(client, url: str) -> str:
    response = client.get(url)
    assert response[CACHE_HEADER] == "miss", "registry change did not drop the cache"
    return response.content.decode()


def test_compound_edit_drops_cached_pages(client, tree, compound):
    url = f"/c/{compound.pk}/"
    community_url = f"/r/{tree.communities[0].code}/"
    cached_html(client, url)
    cached_html(client, community_url)
    compound.name = "翠湖新苑"
    compound.save()
    assert "翠湖新苑" in fresh_html(client, url)
    assert "翠湖新苑" in fresh_html(client, community_url)


def test_grid_staff_and_units_drop_cached_pages(client, compound):
    url = f"/c/{compound.pk}/"
    cached_html(client, url)
    grid = compound.buildings.first().grids.first()
    services.grid_staff_add(grid=grid, role=GridRole.VANGUARD, name="新来的", phone="13700000000")
    assert "新来的" in fresh_html(client, url)
    cached_html(client, url)
    GridStaff.objects.filter(name="新来的").delete()
    assert "新来的" not in fresh_html(client, url)
    cached_html(client, url)
    services.unit_create(
        building=compound.buildings.first(), room="999", exclusive_area=Decimal("50.00")
    )
    assert '<span class="nowrap">5\u00a0套</span>' in fresh_html(client, url)  # 2 × 2 + 1 units


def test_company_and_region_changes_drop_cached_pages(client, tree, compound):
    url = f"/c/{compound.pk}/"
    company = make_company(region=tree.county, name="旧名物业")
    compound.property_company = company
    compound.save()
    cached_html(client, url)
    company.name = "新名物业"
    company.save()
    assert "新名物业" in fresh_html(client, url)
    cached_html(client, url)
    community = tree.communities[0]
    community.name = "开化新社区"
    community.save()
    assert "开化新社区" in fresh_html(client, url)


def test_signed_in_users_are_not_served_cached_pages(client, tree, compound):
    from tests.factories import make_user

    url = f"/c/{compound.pk}/"
    cached_html(client, url)
    client.force_login(make_user())
    response = client.get(url)
    assert CACHE_HEADER not in response
    assert response.status_code == 200


def test_unknown_query_parameters_bypass_the_cache(client, compound):
    url = f"/c/{compound.pk}/?utm_source=wechat"
    client.get(url)
    response = client.get(url)
    assert response.status_code == 200
    assert CACHE_HEADER not in response


def test_generation_file_is_shared_by_processes(client, compound, settings, tmp_path):
    """Workers of one host share the generation through a file's mtime: a change made by
    one process drops the pages another process holds in its local memory."""
    settings.PORTAL_GENERATION_FILE = str(tmp_path / "portal-generation")
    from cms.caching import registry_generation

    first = registry_generation()
    url = f"/c/{compound.pk}/"
    assert client.get(url)[CACHE_HEADER] == "miss"
    assert client.get(url)[CACHE_HEADER] == "hit"
    # Another process's save touches the file; this process sees it at its next request.
    registry_changed()
    assert registry_generation() > first
    assert client.get(url)[CACHE_HEADER] == "miss"
