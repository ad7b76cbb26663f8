"""Two app instances (two hosts, each with its own var/ directory) behind one Redis: a
compound renamed through instance A's admin drops the cached page on instance B at once, with
no wait and no per-host file (the page-cache generation lives in the shared cache)."""

from __future__ import annotations

import os
import urllib.parse
import urllib.request
from html.parser import HTMLParser
from http.cookiejar import CookieJar

import pytest

from tests.ops.stack import needs_stack, stack_plan

pytestmark = [
    pytest.mark.stack,
    needs_stack,
    pytest.mark.skipif(
        os.environ.get("STACK_CACHE_BACKEND") != "redis",
        reason="the settings do not take CACHE_BACKEND=redis yet: each host has its own cache",
    ),
]
DEMO_PASSWORD = "wenshan-2026"  # estates.demo.names.DEMO_PASSWORD


class Forms(HTMLParser):
    """Every form on a page with the values a browser would send unchanged."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append({"method": (a.get("method") or "get").lower(), "fields": []})
            return
        if not self.forms:
            return
        fields = self.forms[-1]["fields"]
        name = a.get("name")
        if tag == "input" and name and "disabled" not in a:
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if kind not in {"submit", "button", "file", "image", "reset"}:
                fields.append([name, a.get("value") or ("on" if kind == "checkbox" else "")])
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            fields.append([self._select, a.get("value", "")])
        elif tag == "textarea" and name:
            self._textarea = name
            fields.append([name, ""])

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea and self.forms:
            self.forms[-1]["fields"][-1][1] += data


def post_form(opener, url: str, changes: dict[str, str], must_have: str) -> str:
    """Load the page at ``url``, fill its POST form holding ``must_have`` with its own
    values and ``changes``, submit it; returns the final page's URL."""
    page = opener.open(url).read().decode()
    parser = Forms()
    parser.feed(page)
    form = next(
        f
        for f in parser.forms
        if f["method"] == "post" and any(k == must_have for k, _ in f["fields"])
    )
    fields = [(k, changes.get(k, v)) for k, v in form["fields"]]
    data = urllib.parse.urlencode(fields).encode()
    response = opener.open(urllib.request.Request(url, data=data, method="POST"))
    return response.geturl()


def get(url: str) -> tuple[str, str]:
    """An anonymous visitor's page: its text and whether it came from the page cache."""
    with urllib.request.urlopen(url) as response:
        return response.read().decode(), response.headers.get("X-Portal-Cache", "")


def test_change_through_instance_a_drops_the_cached_page_on_instance_b_at_once():
    plan = stack_plan()
    a, b = os.environ["STACK_APP_A_URL"], os.environ["STACK_APP_B_URL"]
    compound = plan["compounds"][0]
    page_b = f"{b}/c/{compound}/"
    get(page_b)
    cached_text, cached = get(page_b)
    assert cached == "hit"

    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    landed = post_form(
        opener,
        f"{a}/admin/login/",
        {"username": "admin", "password": DEMO_PASSWORD},
        must_have="username",
    )
    assert "/admin/login/" not in landed
    new_name = "两台主机缓存验证小区"
    assert new_name not in cached_text
    landed = post_form(
        opener,
        f"{a}/admin/estates/compound/edit/{compound}/",
        {"name": new_name},
        must_have="name",
    )
    assert "/edit/" not in landed, "the admin refused the edit"

    text, source = get(page_b)
    assert source != "hit"
    assert new_name in text
    text_again, source_again = get(page_b)
    assert new_name in text_again
    assert source_again == "hit"
