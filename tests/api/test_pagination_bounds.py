"""A page number past the end, a malformed page number or a huge page size never ends
in a server error: the API answers 404 past the last page and 422 for a value that is not
a page number at all; the admin listings show the last page."""

import pytest
from django.urls import reverse

from tests.estates.admin_helpers import officer

pytestmark = pytest.mark.django_db

HUGE = "9223372036854775807"
PAST_THE_END = [HUGE, "9223372036854775808", "99999999999999999999999999", "2"]
NOT_A_PAGE = ["abc", "-1", "0", "1e3", ""]


def api_lists(tree) -> list[str]:
    compound = tree.compounds[0]
    return [
        "/api/public/compounds/",
        "/api/registry/compounds/",
        f"/api/registry/compounds/{compound.pk}/units/",
        "/api/registry/owners/",
        "/api/registry/committees/",
    ]


@pytest.fixture
def street_client(client, tree):
    client.force_login(officer("street_staff", tree.streets[0]))
    client.raise_request_exception = False
    return client


@pytest.mark.parametrize("page", PAST_THE_END)
def test_api_page_past_the_end_is_404(street_client, tree, page):
    for url in api_lists(tree):
        response = street_client.get(url, {"page": page})
        assert response.status_code == 404, (url, response.status_code)
        assert response.json() == {"detail": "页码超出范围。"}


@pytest.mark.parametrize("page", NOT_A_PAGE)
def test_api_page_that_is_not_a_number_is_refused(street_client, tree, page):
    for url in api_lists(tree):
        response = street_client.get(url, {"page": page})
        assert response.status_code == 422, (url, page, response.status_code)
        errors = response.json()["detail"]
        assert errors and all(e["loc"][-1] == "page" for e in errors)
        # The message is Chinese and names the parameter: no pydantic English.
        for error in errors:
            assert error["msg"].startswith("查询参数 page："), error
            assert not any(word in error["msg"] for word in ("Input", "should", "valid"))


@pytest.mark.parametrize("size", [HUGE, "99999999999999999999999999"])
def test_api_huge_page_size_is_capped(street_client, tree, size):
    for url in api_lists(tree):
        response = street_client.get(url, {"page_size": size, "page": "1"})
        assert response.status_code == 200, (url, response.content)
        assert len(response.json()["items"]) <= 100


def test_api_out_of_range_value_names_the_bound_in_chinese(street_client):
    response = street_client.get("/api/public/compounds/", {"page": "0"})
    assert response.json()["detail"][0]["msg"] == "查询参数 page：应不小于 1"
    response = street_client.get("/api/public/compounds/", {"page": "abc"})
    assert response.json()["detail"][0]["msg"] == "查询参数 page：应为整数"


def test_api_first_page_of_an_empty_listing_is_empty(street_client, tree):
    response = street_client.get("/api/public/compounds/", {"q": "不存在的小区", "page": "1"})
    assert response.json() == {"items": [], "count": 0}
    assert (
        street_client.get("/api/public/compounds/", {"q": "不存在", "page": "2"}).status_code == 404
    )


def test_api_last_page_is_served(street_client, tree):
    body = street_client.get("/api/public/compounds/", {"page_size": "3", "page": "2"}).json()
    assert body["count"] == 4 and len(body["items"]) == 1
    response = street_client.get("/api/public/compounds/", {"page_size": "3", "page": "3"})
    assert response.status_code == 404


ADMIN_LISTINGS = [
    "estates_region",
    "estates_propertycompany",
    "estates_compound",
    "estates_building",
    "estates_unit",
    "estates_owner",
    "estates_ownership",
    "estates_grid",
    "estates_gridstaff",
    "estates_department",
    "committees_committee",
    "committees_term",
    "committees_committeemember",
    "committees_partybranch",
    "committees_seal",
    "committees_archiverecord",
]


@pytest.mark.urls("tests.estates.admin_urls")
@pytest.mark.parametrize("name", ADMIN_LISTINGS)
def test_admin_listing_page_out_of_range(client, tree, name):
    client.force_login(officer("platform_admin", tree.province))
    client.raise_request_exception = False
    url = reverse(f"{name}:index")
    for page in [*PAST_THE_END, *NOT_A_PAGE]:
        response = client.get(url, {"p": page})
        assert response.status_code in (200, 404), (name, page, response.status_code)
