"""The compound page's data is read with the plain ORM and kept only while the registry
generation and the day stay the same (cms.fragments): what the cache returns is what the
ORM returns, a change shows at once, and nothing outlives its day."""

import datetime

import pytest
from django.utils import timezone

from cms import fragments
from cms.models import compound_page_data
from estates import services
from estates.models import Compound
from tests.cms.builders import make_full_compound

pytestmark = pytest.mark.django_db


@pytest.fixture
def compound(tree, portal, settings):
    settings.PORTAL_CACHE_SECONDS = 0  # the whole-page cache off: only the data cache
    return make_full_compound(region=tree.communities[0], name="阳光花园小区", grids=1)


def _summary(data):
    c = data["compound"]
    return (
        c.name,
        c.building_count,
        c.unit_count,
        c.total_area,
        [r.name for r in data["breadcrumbs"]],
        [(grid.code, [(m.name, m.phone) for m in members]) for grid, members in data["grids"]],
        data["committee_public"],
        data["candidates"],
    )


def test_cached_data_is_what_the_orm_reads(compound):
    cached = fragments.portal_data(
        f"compound:{compound.pk}", lambda: compound_page_data(compound.pk)
    )
    again = fragments.portal_data(f"compound:{compound.pk}", lambda: pytest.fail("not cached"))
    assert _summary(again) == _summary(cached) == _summary(compound_page_data(compound.pk))


def test_a_change_through_the_services_shows_at_once(client, compound):
    url = f"/c/{compound.pk}/"
    assert "3栋" not in client.get(url).text
    client.get(url)  # warm
    services.building_create(compound=compound, name="3栋", floors=6)
    cached = fragments.portal_data(
        f"compound:{compound.pk}", lambda: compound_page_data(compound.pk)
    )
    assert cached["compound"].building_count == 3
    assert _summary(cached) == _summary(compound_page_data(compound.pk))


def test_a_rename_is_visible_on_the_next_request(client, compound):
    url = f"/c/{compound.pk}/"
    assert "阳光花园小区" in client.get(url).text
    renamed = Compound.objects.get(pk=compound.pk)
    renamed.name = "阳光新城小区"
    renamed.save()
    html = client.get(url).text
    assert "阳光新城小区" in html


def test_keys_change_with_the_day(compound, monkeypatch):
    built = []

    def build():
        built.append(1)
        return compound_page_data(compound.pk)

    fragments.portal_data("compound:x", build)
    fragments.portal_data("compound:x", build)
    assert len(built) == 1
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    monkeypatch.setattr(fragments.timezone, "localdate", lambda: tomorrow)
    fragments.portal_data("compound:x", build)
    assert len(built) == 2


def test_unknown_compounds_are_not_stored(client, compound, monkeypatch):
    stored = []
    real_set = fragments.cache.set
    monkeypatch.setattr(
        fragments.cache, "set", lambda *a, **k: stored.append(a[0]) or real_set(*a, **k)
    )
    for pk in (999_991, 999_992, 10**25):
        assert client.get(f"/c/{pk}/").status_code == 404
    assert [k for k in stored if k.startswith("portal:data:")] == []
    assert client.get(f"/c/{compound.pk}/").status_code == 200
    assert len([k for k in stored if k.startswith("portal:data:")]) == 1


def test_switched_off_reads_every_time(compound, settings):
    settings.PORTAL_DATA_CACHE_SECONDS = 0
    built = []
    for _ in range(2):
        fragments.portal_data("compound:y", lambda: built.append(1) or {"x": 1})
    assert len(built) == 2
