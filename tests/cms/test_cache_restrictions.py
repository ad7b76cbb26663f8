"""A page view restriction added or removed in one worker process reaches every other
worker at its next request: no page cached before it is replayed, no worker keeps the old
restrictions, and a restricted page is never stored for anonymous visitors."""

from __future__ import annotations

import pytest
from wagtail.models import PageViewRestriction

from cms.caching import CACHE_HEADER
from tests.cms.builders import make_full_compound
from tests.cms.cache_workers import run_in_other_worker

# The other worker reads and writes the test database: its rows must be committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def shared(settings, tmp_path):
    settings.PORTAL_GENERATION_FILE = str(tmp_path / "portal-generation")


@pytest.fixture
def compound_url(tree, portal):
    compound = make_full_compound(region=tree.communities[0], name="限制访问小区")
    return f"/c/{compound.pk}/"


def test_restriction_added_in_another_worker_stops_cached_pages(
    client, shared, portal, compound_url
):
    assert client.get(compound_url)[CACHE_HEADER] == "miss"
    assert client.get(compound_url)[CACHE_HEADER] == "hit"
    run_in_other_worker(
        f"""
        from wagtail.models import PageViewRestriction
        PageViewRestriction.objects.create(page_id={portal.pk}, restriction_type="login")
        """
    )
    response = client.get(compound_url)
    assert response.status_code == 302  # to the sign-in page
    assert "限制访问小区" not in response.content.decode()
    assert CACHE_HEADER not in response


def test_restriction_removed_in_another_worker_opens_the_page(client, shared, portal, compound_url):
    PageViewRestriction.objects.create(page=portal, restriction_type="login")
    assert client.get(compound_url).status_code == 302
    run_in_other_worker(
        """
        from wagtail.models import PageViewRestriction
        PageViewRestriction.objects.all().delete()
        """
    )
    response = client.get(compound_url)
    assert response.status_code == 200
    assert "限制访问小区" in response.content.decode()


def test_password_restricted_page_is_never_stored(client, shared, portal, compound_url):
    """The page behind a password is rendered for a visitor who gave it (their session
    remembers it); neither the password form nor the page goes into the shared cache."""
    PageViewRestriction.objects.create(
        page=portal, restriction_type=PageViewRestriction.PASSWORD, password="kaihua-2026"
    )
    for _ in range(2):
        response = client.get(compound_url)
        assert response.status_code == 200 and "限制访问小区" not in response.content.decode()
        assert CACHE_HEADER not in response
