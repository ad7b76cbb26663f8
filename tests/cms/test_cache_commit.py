"""The page cache moves on when a change is committed, not only when it is saved: a
request that runs between the save and the commit reads the old rows, and the page it
stores must not be replayed once the change is visible (on SQLite and PostgreSQL, with
the writer and the reader on two connections)."""

from __future__ import annotations

import threading

import pytest
from django.db import connections, transaction

from cms.caching import CACHE_HEADER, registry_generation
from estates.models import Compound
from tests.cms.builders import make_company, make_full_compound

WAIT = 60


def _change_and_hold(pk: int, apply, saved: threading.Event, release: threading.Event, errors):
    """On its own connection: apply the change in a transaction, then wait before commit."""
    try:
        with transaction.atomic():
            apply(Compound.objects.get(pk=pk))
            saved.set()
            assert release.wait(WAIT)
    except Exception as error:  # noqa: BLE001 - reported by the test
        errors.append(error)
        saved.set()
    finally:
        connections.close_all()


def _race(client, url: str, pk: int, apply) -> str:
    """The page as served after a change that another request raced (see module)."""
    saved, release, errors = threading.Event(), threading.Event(), []
    writer = threading.Thread(target=_change_and_hold, args=(pk, apply, saved, release, errors))
    writer.start()
    try:
        assert saved.wait(WAIT)
        # The change is saved (and its signals sent) but not committed: this request
        # reads the old rows and stores them.
        racing = client.get(url)
        assert racing.status_code == 200
    finally:
        release.set()
        writer.join(WAIT)
    assert not errors, errors
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("shared_file", [False, True], ids=["one-process", "generation-file"])
def test_page_rendered_between_save_and_commit_is_not_replayed(
    client, settings, tmp_path, tree, portal, shared_file
):
    if shared_file:
        settings.PORTAL_GENERATION_FILE = str(tmp_path / "portal-generation")
    compound = make_full_compound(region=tree.communities[0], name="翠湖小区")
    url = f"/c/{compound.pk}/"
    community_url = f"/r/{tree.communities[0].code}/"
    for page in (url, community_url):
        client.get(page)
        assert client.get(page)[CACHE_HEADER] == "hit"

    def rename(row):
        row.name = "翠湖新苑"
        row.save()

    html = _race(client, url, compound.pk, rename)
    assert "<title>翠湖新苑" in html
    assert "翠湖新苑" in client.get(community_url).content.decode()


@pytest.mark.django_db
def test_every_watched_change_moves_the_generation_again_on_commit(
    tree, portal, django_capture_on_commit_callbacks
):
    """Rows of each kind the public pages show: the generation current between the save
    and the commit is left behind once the commit's callbacks run."""
    from wagtail.models import PageViewRestriction

    compound = make_full_compound(region=tree.communities[0], name="提交小区")
    building = compound.buildings.first()
    changes = {
        "compound": lambda: Compound.objects.filter(pk=compound.pk).first().save(),
        "region": lambda: tree.communities[0].save(),
        "building": lambda: building.save(),
        "unit": lambda: building.units.first().save(),
        "grid members": lambda: building.grids.first().buildings.remove(building),
        "company": lambda: make_company(region=tree.county, name="提交物业"),
        "restriction": lambda: PageViewRestriction.objects.create(
            page=portal, restriction_type=PageViewRestriction.LOGIN
        ),
        "portal page": lambda: portal.save(),
    }
    for name, change in changes.items():
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            change()
        between = registry_generation()
        assert callbacks, name
        for callback in callbacks:
            callback()
        assert registry_generation() != between, name
