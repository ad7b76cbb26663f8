"""Superuser-only settings pages in Chinese: Wagtail's site listing heads its port, site
name and root page columns with the fields' translated names (cms.site_admin) instead of
the English field names, on the page and in its results fragment; it stays the
superuser's (a street officer is turned away as before)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from tests.estates.admin_helpers import officer
from tests.factories import make_user

pytestmark = pytest.mark.django_db

ENGLISH = ("Port", "Site name", "Root page")
CHINESE = ("端口号", "站点名称", "根页面")


@pytest.mark.parametrize("name", ["wagtailsites:index", "wagtailsites:index_results"])
def test_site_listing_columns_are_chinese(client, name):
    client.force_login(make_user("root_sites", is_superuser=True, is_staff=True))
    response = client.get(reverse(name))
    assert response.status_code == 200
    html = response.content.decode()
    headings = [
        re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", cell)).strip()
        for cell in re.findall(r"<th\b[^>]*>(.*?)</th>", html, flags=re.S)
    ]
    assert [h for h in headings if h in CHINESE] == list(CHINESE), headings
    assert not [h for h in headings if h in ENGLISH], headings
    assert "localhost" in html  # the rows are still listed


def test_site_listing_stays_the_superusers(client, tree):
    client.force_login(officer("street_staff", tree.streets[0]))
    response = client.get(reverse("wagtailsites:index"))
    assert response.status_code in (302, 403)
    assert "站点名称" not in response.content.decode()
