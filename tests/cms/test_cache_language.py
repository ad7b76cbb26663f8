"""Each language has its own cached copy of a page: a reader is served the language they
chose (the language switch's cookie, else their browser's Accept-Language), whichever
language was cached first, and HTTP caches in between are told the page varies by both."""

from __future__ import annotations

import pytest

from cms.caching import CACHE_HEADER
from tests.cms.builders import make_full_compound

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(tree, portal):
    return f"/c/{make_full_compound(region=tree.communities[0], name='双语小区').pk}/"


def lang_of(response) -> str:
    html = response.content.decode()
    return "en" if '<html lang="en">' in html else "zh" if '<html lang="zh-Hans">' in html else "?"


def test_languages_are_cached_apart_however_they_are_chosen(client, url):
    chinese = client.get(url)
    assert chinese[CACHE_HEADER] == "miss" and lang_of(chinese) == "zh"
    assert client.get(url, HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.8")[CACHE_HEADER] == "miss"
    # The switch's cookie and the browser's header name the same copy.
    switched = client.get(f"/lang/en/?next={url}")
    assert switched.status_code == 302 and client.cookies["django_language"].value == "en"
    english = client.get(url)
    assert english[CACHE_HEADER] == "hit" and lang_of(english) == "en"
    assert english["Content-Language"] == "en"
    # The cookie wins over the browser's language, both ways.
    again = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert again[CACHE_HEADER] == "hit" and lang_of(again) == "en"
    client.get("/lang/zh-hans/")
    back = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert back[CACHE_HEADER] == "hit" and lang_of(back) == "zh"
    assert back["Content-Language"] == "zh-hans"


def test_cached_pages_tell_http_caches_they_vary_by_language(client, url):
    for _ in range(2):  # the miss and the hit
        vary = {v.strip().lower() for v in client.get(url)["Vary"].split(",")}
        assert {"accept-language", "cookie"} <= vary
