"""The page-cache generation in the shared Redis cache (CACHE_BACKEND=redis): a change
made through one app server drops the pages another one cached, and Redis going away
serves pages uncached, never a 500."""

from __future__ import annotations

import os
import signal

import pytest
from django.core.cache import cache
from django.core.cache.backends.redis import RedisCache

from cms import caching
from cms.caching import CACHE_HEADER, GENERATION_KEY, registry_generation
from tests.cms.builders import make_full_compound


@pytest.fixture(autouse=True)
def _no_pending_moves():
    caching._pending_moves.clear()
    yield
    caching._pending_moves.clear()


def other_app_server(redis_cache) -> RedisCache:
    """A second app server's view of the same Redis (its own client and connections)."""
    return RedisCache(redis_cache.url, {"KEY_PREFIX": "test"})


@pytest.mark.django_db
def test_generation_lives_in_redis_and_a_change_moves_it_for_every_server(
    redis_cache, tree, portal, client
):
    compound = make_full_compound(region=tree.communities[0], name="共享小区")
    url = f"/c/{compound.pk}/"
    assert client.get(url)[CACHE_HEADER] == "miss"
    assert client.get(url)[CACHE_HEADER] == "hit"
    other = other_app_server(redis_cache)
    before = other.get(GENERATION_KEY)
    assert before == registry_generation()

    compound.name = "共享新苑"
    compound.save()

    # The other server reads the moved generation at its next request: its key for the
    # page is a new one, so the page cached before the change is not replayed.
    assert other.get(GENERATION_KEY) > before
    response = client.get(url)
    assert response[CACHE_HEADER] == "miss"
    assert "共享新苑" in response.content.decode()


@pytest.mark.django_db
def test_redis_down_serves_pages_uncached(redis_cache, tree, portal, client):
    compound = make_full_compound(region=tree.communities[0], name="断线小区")
    url = f"/c/{compound.pk}/"
    client.get(url)
    redis_cache.stop()
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "断线小区" in response.content.decode()
        assert response.get(CACHE_HEADER) != "hit"
    # A change while Redis is away still succeeds.
    compound.name = "断线新苑"
    compound.save()
    assert "断线新苑" in client.get(url).content.decode()


@pytest.mark.django_db
def test_a_move_lost_while_redis_hangs_is_made_once_it_answers(redis_cache, tree, portal, client):
    compound = make_full_compound(region=tree.communities[0], name="暂停小区")
    url = f"/c/{compound.pk}/"
    client.get(url)
    assert client.get(url)[CACHE_HEADER] == "hit"
    before = registry_generation()
    os.kill(redis_cache.proc.pid, signal.SIGSTOP)
    try:
        compound.name = "暂停新苑"
        compound.save()  # the generation cannot be moved: Redis does not answer
    finally:
        os.kill(redis_cache.proc.pid, signal.SIGCONT)
    # Redis kept the old generation and the old page; the first read moves it on.
    assert registry_generation() > before
    response = client.get(url)
    assert response[CACHE_HEADER] == "miss"
    assert "暂停新苑" in response.content.decode()


@pytest.mark.django_db
def test_readyz_names_the_cache_when_redis_is_down(redis_cache, client):
    assert client.get("/readyz").json()["status"] == "ok"
    redis_cache.stop()
    response = client.get("/readyz", REMOTE_ADDR="203.0.113.9")
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "failing": ["cache"]}
    assert cache.get("anything") is None
