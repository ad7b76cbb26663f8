"""cms.sites: public pages get Wagtail's site and root page from a per-process table, and
any change to a site or a page reaches the next request."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from cms.sites import site_for_request
from tests.cms.builders import make_full_compound

pytestmark = pytest.mark.django_db


def _tables(captured) -> str:
    return " ".join(q["sql"] for q in captured)


def test_public_page_does_not_look_up_the_site_again(client, settings, tree, portal):
    settings.PORTAL_CACHE_SECONDS = 0  # render every time
    compound = make_full_compound(region=tree.communities[0], name="站点缓存小区")
    url = f"/c/{compound.pk}/"
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert "站点缓存小区" in response.text
    sql = _tables(ctx.captured_queries)
    assert "wagtailcore_site" not in sql
    assert "cms_portalhomepage" not in sql


def test_new_portal_text_shows_at_the_next_request(client, portal):
    assert client.get("/").status_code == 200
    portal.intro = "欢迎查询本小区公开信息（新版导语）"
    portal.save_revision().publish()
    assert "新版导语" in client.get("/").text


def test_site_change_reaches_the_next_request(client, portal):
    assert client.get("/").status_code == 200
    site = Site.objects.get(is_default_site=True)
    site.is_default_site = False
    site.hostname = "portal.example.cn"
    site.save()
    # "testserver" no longer matches any site: Wagtail has no page to serve.
    assert client.get("/").status_code == 404
    assert client.get("/", HTTP_HOST="portal.example.cn").status_code == 200


def test_each_request_gets_its_own_copies(portal):
    request = RequestFactory().get("/")
    first, second = site_for_request(request), site_for_request(request)
    assert first.root_page.pk == second.root_page.pk == portal.pk
    assert type(first.root_page) is type(portal)  # already the specific page
    first.root_page.title = "只在本次请求中修改"
    assert second.root_page.title != first.root_page.title
    assert site_for_request(request).root_page.title == portal.title


def test_made_up_hosts_do_not_grow_the_table(portal):
    from cms import sites

    factory = RequestFactory()
    for i in range(sites.MAX_HOSTS * 3):
        site = site_for_request(factory.get("/", HTTP_HOST=f"h{i}.example.cn"))
        assert site.root_page.pk == portal.pk  # the default site answers every host
    assert len(sites._table) == sites.MAX_HOSTS


def test_unpublishing_the_portal_reaches_the_next_request(client, portal):
    assert client.get("/").status_code == 200
    portal.unpublish()
    assert client.get("/").status_code == 404


def test_site_and_page_changes_move_the_generation_again_on_commit(
    portal, django_capture_on_commit_callbacks
):
    from cms.caching import registry_generation

    before = registry_generation()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        portal.title = "物业治理公开信息（新）"
        portal.save()
    middle = registry_generation()
    assert middle != before and callbacks
    for callback in callbacks:
        callback()
    assert registry_generation() != middle


def test_other_models_keep_fast_deletes(db):
    """The receivers are connected per site and page model: one for every sender would make
    Django load and signal each row of every cascade delete of every model."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page

    from cms.caching import registry_changed
    from cms.models import PortalHomePage
    from committees.models import ArchiveRecord
    from estates.models import Ownership

    def listens(signal, model) -> bool:
        sync_receivers, _async_receivers = signal._live_receivers(model)
        return registry_changed in sync_receivers

    for signal in (post_save, post_delete):
        assert all(listens(signal, model) for model in (Site, Page, PortalHomePage))
        assert not any(listens(signal, model) for model in (Ownership, ArchiveRecord))


def test_disallowed_hosts_are_refused_before_the_table(client, settings, portal):
    from cms import sites

    settings.ALLOWED_HOSTS = ["portal.example.cn"]
    assert client.get("/", HTTP_HOST="portal.example.cn").status_code == 200
    for i in range(5):
        assert client.get("/", HTTP_HOST=f"junk{i}.example.com").status_code == 400
    assert [host for host, _port in sites._table] == ["portal.example.cn"]


def test_cached_pages_are_kept_per_host(client, settings, portal):
    from cms.caching import CACHE_HEADER

    settings.ALLOWED_HOSTS = ["a.example.cn", "b.example.cn"]
    assert client.get("/", HTTP_HOST="a.example.cn")[CACHE_HEADER] == "miss"
    assert client.get("/", HTTP_HOST="a.example.cn")[CACHE_HEADER] == "hit"
    assert client.get("/", HTTP_HOST="b.example.cn")[CACHE_HEADER] == "miss"
