"""A NUL character anywhere a request carries text is refused with a 400 and a Chinese
message before any view runs: PostgreSQL cannot store or compare such text, so it would
otherwise end in a server error (found by the API fuzz run on PostgreSQL)."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "url",
    [
        "/api/public/compounds/?q=%00",
        "/api/public/regions/?parent=53%0026",
        "/api/public/regions/53%0026/",
    ],
)
def test_api_query_or_path_with_nul(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert "空字符" in response.json()["detail"]


def test_api_json_body_with_nul(client, tree):
    response = client.patch(
        "/api/registry/owners/1/", '{"name": "李\\u0000建国"}', content_type="application/json"
    )
    assert response.status_code == 400
    assert "空字符" in response.json()["detail"]


def test_portal_query_with_nul(client):
    response = client.get("/?q=%00")
    assert response.status_code == 400
    assert "空字符" in response.content.decode()


def test_ordinary_requests_pass(client, tree):
    assert client.get("/api/public/compounds/?q=阳光").status_code == 200
    # A JSON body that only mentions the escape in an escaped backslash is not refused.
    response = client.patch(
        "/api/registry/owners/1/", '{"name": "\\\\u0000"}', content_type="application/json"
    )
    assert response.status_code == 401
