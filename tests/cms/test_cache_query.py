"""Made-up addresses cannot fill the page cache: a page is stored only under its canonical
address (its own path, and only the query parameters the view reads, spelled as it reads
them); any other spelling is served, uncached. Equivalent spellings share one entry."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from cms.caching import CACHE_HEADER
from estates import services
from tests.cms.builders import make_full_compound

pytestmark = pytest.mark.django_db


@pytest.fixture
def compound(tree, portal):
    return make_full_compound(region=tree.communities[0], name="翠湖小区")


@pytest.fixture(autouse=True)
def stored(monkeypatch) -> list[str]:
    """The keys of the pages the cache was given to keep (through its public API)."""
    keys: list[str] = []
    real_set = cache.set

    def recording_set(key, *args, **kwargs):
        if key.startswith("portal:page:"):
            keys.append(key)
        return real_set(key, *args, **kwargs)

    monkeypatch.setattr(cache, "set", recording_set)
    return keys


def stored_pages(keys: list[str]) -> int:
    return len(set(keys))


def served_twice(client, url: str):
    first = client.get(url)
    second = client.get(url)
    assert first.status_code == second.status_code == 200, url
    return second


@pytest.mark.parametrize(
    "suffix",
    [
        "?page=2",  # the compound page has no pages
        "?q=翠湖",  # nor a search
        "?utm_source=wechat",
        "?page=1&page=2",
    ],
)
def test_parameters_the_compound_page_does_not_read_are_not_stored(
    client, compound, suffix, stored
):
    response = served_twice(client, f"/c/{compound.pk}/{suffix}")
    assert CACHE_HEADER not in response
    assert stored_pages(stored) == 0


def test_ids_spelled_with_leading_zeros_are_not_stored(client, compound, stored):
    for zeros in range(1, 4):
        response = served_twice(client, f"/c/{'0' * zeros}{compound.pk}/")
        assert "<title>翠湖小区" in response.content.decode()
        assert CACHE_HEADER not in response
    assert stored_pages(stored) == 0


def test_page_numbers_are_stored_only_as_served(client, tree, compound, stored):
    for i in range(3):
        services.compound_create(region=tree.communities[0], name=f"分页{i}号小区")
    url = f"/r/{tree.communities[0].code}/"
    assert served_twice(client, f"{url}?page=1")[CACHE_HEADER] == "hit"
    # Past the end, not a number, below one, padded: the first page is served, unstored.
    for page in ("2", "999999", "abc", "-1", "01"):
        assert CACHE_HEADER not in served_twice(client, f"{url}?page={page}"), page
    assert stored_pages(stored) == 1


def test_searches_are_stored_normalised_and_only_when_they_find_something(client, compound, stored):
    assert served_twice(client, "/search/?q=翠湖")[CACHE_HEADER] == "hit"
    # Another order or escaping of the same query is the same entry.
    escaped = "/search/?q=%e7%bf%a0%e6%b9%96&page=1"
    assert client.get(escaped)[CACHE_HEADER] == "miss"
    assert client.get("/search/?page=1&q=%E7%BF%A0%E6%B9%96")[CACHE_HEADER] == "hit"
    # Spaces the search strips, a second q, and searches that find nothing: unstored.
    for junk in ("?q=%20翠湖%20", "?q=翠湖&q=x", "?q=没有这个小区", "?q=zzzz0001"):
        assert CACHE_HEADER not in served_twice(client, f"/search/{junk}"), junk
    assert stored_pages(stored) == 2


def test_unknown_parameters_bypass_the_cache_everywhere(client, compound):
    for url in ("/", "/search/", f"/r/{compound.region.code}/"):
        response = served_twice(client, f"{url}?fbclid=x")
        assert CACHE_HEADER not in response
        assert served_twice(client, url)[CACHE_HEADER] == "hit"
