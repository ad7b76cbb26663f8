"""Whole-page caching for the public portal.

Anonymous visitors get the rendered page, headers included, from Django's cache without
touching the database: :class:`PortalCacheMiddleware` sits ahead of every middleware that
does work (only the request id, the ops endpoints and the replica routing come before it,
none of which query), so a hit costs a key lookup and nothing else. Keys carry a registry *generation* that
cms.signals moves whenever a row shown on public pages changes, so a change drops every
cached page at once (counts on region pages depend on many rows, so per-object keys would
miss cases).

The generation moves when the row is saved and again once its transaction commits. The
key of a page is made from the generation read when its request *starts*: a request that
runs between the save and the commit reads the moved generation but the old rows, and the
commit moves the generation past the key it stores them under. Adding, changing or removing
a page view restriction moves it too, and a restricted page is never stored.

The generation is the modification time of a small file (``PORTAL_GENERATION_FILE``),
shared by every worker process of a host: a process holding its pages in local memory
still sees another process's change at its next request. Without the setting the
generation lives in the cache itself: one process (as in tests), or every process of
every host with the shared Redis cache (``CACHE_BACKEND=redis``), where a change made
through one app server drops the pages of all the others at once. A move that finds Redis
away is made again at the process's first read once Redis answers (common.cache), so
pages cached before the change are not replayed after an outage.

Only canonical addresses are stored (the view names its own path and the query parameters
it read, spelled as it reads them), so made-up query strings, page numbers past the end or
ids with leading zeros cannot fill the cache. Public pages carry no per-visitor data (no
CSRF token: the language switch is a link), so one cached copy serves everyone who speaks
the same language; each language has its own copy.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, transaction
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers

from common.cache import CacheUnavailable

GENERATION_KEY = "portal:generation"
# When the generation last moved (the file's mtime says it when there is a file).
CHANGED_AT_KEY = "portal:changed-at"
# View restrictions have their own generation, so that a registry change does not cost the
# next render of every worker a restriction query; a restriction change moves both.
RESTRICTIONS_GENERATION_KEY = "portal:restrictions-generation"
RESTRICTIONS_FILE_SUFFIX = ".restrictions"
CACHE_HEADER = "X-Portal-Cache"
# Only these query parameters make distinct pages, in this order in keys; a request with any
# other one (or one of these twice) bypasses the cache, so junk query strings cannot fill it.
CACHED_PARAMS = ("q", "page")
# Paths that are never portal pages (admin, API, files, language switch, benchmarks).
EXCLUDED_PREFIXES = (
    "/admin/",
    "/api/",
    "/static/",
    "/media/",
    "/documents/",
    "/i18n/",
    "/lang/",
    "/bench/",
)
# Response headers that belong to one visitor and are never replayed from the cache.
PRIVATE_HEADERS = frozenset({"set-cookie", CACHE_HEADER.lower()})


def _generation_file(suffix: str = "") -> Path | None:
    path = getattr(settings, "PORTAL_GENERATION_FILE", None)
    return Path(f"{path}{suffix}") if path else None


# Generations (cache keys) this process could not move because the cache was away.
_pending_moves: set[str] = set()


def _read_generation(path: Path | None, key: str) -> int:
    """From the shared file when configured; else from the cache, starting from the clock
    so an evicted key never repeats."""
    if path is not None:
        try:
            return os.stat(path).st_mtime_ns
        except FileNotFoundError:
            _touch(path)
            return os.stat(path).st_mtime_ns
    if key in _pending_moves:
        _pending_moves.discard(key)
        _move_generation(None, key)  # marks it pending again if the cache is still away
    generation = cache.get(key)
    if generation is None:
        generation = int(time.time() * 1000)
        cache.add(key, generation, timeout=None)
        generation = cache.get(key, generation)
    return generation


def _move_generation(path: Path | None, key: str) -> None:
    if path is not None:
        _touch(path)
        return
    try:
        try:
            cache.incr(key)
        except ValueError:
            _read_generation(None, key)
            try:
                cache.incr(key)
            except ValueError:
                pass
    except CacheUnavailable:
        _pending_moves.add(key)
    else:
        _pending_moves.discard(key)


def registry_generation() -> int:
    """The current generation of the portal's pages."""
    return _read_generation(_generation_file(), GENERATION_KEY)


def restrictions_generation() -> int:
    """The current generation of the portal's view restrictions."""
    return _read_generation(_generation_file(RESTRICTIONS_FILE_SUFFIX), RESTRICTIONS_GENERATION_KEY)


def _touch(path: Path) -> None:
    """Move the file's mtime strictly forward, even within one clock tick."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        previous = os.stat(path).st_mtime_ns
    except FileNotFoundError:
        path.touch()
        previous = 0
    stamp = max(time.time_ns(), previous + 1)
    os.utime(path, ns=(stamp, stamp))


def bump_generation() -> None:
    """Move the generation on: every cached portal page (and every table keyed by the
    generation) is dropped, in every worker process of the host."""
    path = _generation_file()
    _move_generation(path, GENERATION_KEY)
    if path is None:
        cache.set(CHANGED_AT_KEY, time.time(), timeout=None)


def replica_fresh() -> bool:
    """Whether the last registry change is older than ``REPLICA_MAX_LAG_SECONDS``, so a
    page read from the read replica shows it (common.db_router): until then, public
    pages are read from the primary and never stored from a replica that lags."""
    path = _generation_file()
    if path is not None:
        try:
            changed_at = os.stat(path).st_mtime
        except FileNotFoundError:
            return True
    else:
        changed_at = cache.get(CHANGED_AT_KEY)
        if changed_at is None:
            return True
    return time.time() - changed_at >= settings.REPLICA_MAX_LAG_SECONDS


def bump_restrictions_generation() -> None:
    """Move both generations on: each worker reloads its restrictions, and no page
    rendered before the change is replayed."""
    _move_generation(_generation_file(RESTRICTIONS_FILE_SUFFIX), RESTRICTIONS_GENERATION_KEY)
    bump_generation()


def _now_and_on_commit(bump, using: str) -> None:
    """Move now (this connection already reads the change) and again once the change is
    committed, when other connections read it: a request that ran in between stored the
    old rows under the generation of the first move, which the second leaves behind."""
    bump()
    if transaction.get_connection(using).in_atomic_block:
        transaction.on_commit(bump, using=using)


def registry_changed(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Signal receiver for a change to a row public pages show: drop every cached page."""
    _now_and_on_commit(bump_generation, using)


def view_restrictions_changed(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Signal receiver for a page view restriction added, changed or removed."""
    _now_and_on_commit(bump_restrictions_generation, using)


# The view restrictions of portal pages, per process, for one restrictions generation:
# Wagtail would otherwise query them on every request.
_restrictions: tuple[int | None, dict[int, list]] = (None, {})


def cached_view_restrictions(page, load) -> list:
    """``load()``'s restrictions of page, loaded once per generation and process."""
    global _restrictions
    generation = restrictions_generation()
    table_generation, table = _restrictions
    if table_generation != generation:
        # A new table rather than clearing the old: a request still filling the old one
        # (read before the move) cannot put what it read into the new one.
        table = {}
        _restrictions = (generation, table)
    restrictions = table.get(page.pk)
    if restrictions is None:
        restrictions = list(load())
        table[page.pk] = restrictions
    return restrictions


def mark_portal_response(
    response: HttpResponse, *, path: str, params: dict[str, str] | None = None
) -> HttpResponse:
    """Flag a portal view's response as cacheable for anonymous visitors under its
    canonical address: ``path`` and the query ``params`` the view read, as it read them.
    A request spelled any other way is served but not stored."""
    response.portal_page = True
    response.portal_address = (path, params or {})
    return response


def canonical_query(request: HttpRequest) -> dict[str, str] | None:
    """The request's cacheable query parameters, or None when it has any other (or one
    given twice): such a request is served without the cache."""
    query = request.GET
    if not query:
        return {}
    params = {}
    for name, values in query.lists():
        if name not in CACHED_PARAMS or len(values) != 1:
            return None
        params[name] = values[0]
    return params


def page_cache_key(
    request: HttpRequest, generation: int, language: str, params: dict[str, str]
) -> str:
    """Host included: each Wagtail site has its own pages under the same paths. The host
    has passed ALLOWED_HOSTS (``get_host`` raises otherwise, a 400). The query is spelled
    one way whatever the order or escaping of the request's."""
    query = urlencode([(name, params[name]) for name in CACHED_PARAMS if name in params])
    address = f"{request.get_host()}{request.path}?{query}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"portal:page:{generation}:{language}:{digest}"


def is_cacheable_request(request: HttpRequest) -> bool:
    """Anonymous GETs of portal paths; a session cookie may mean a signed-in user."""
    return (
        settings.PORTAL_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(EXCLUDED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
    )


class PortalCacheMiddleware:
    """Serves cached portal pages to anonymous visitors with zero SQL queries.

    It stands ahead of the working middleware: a miss passes through all of them, and the
    finished response (security and CSP headers included) is what gets stored and
    replayed. The language is worked out as LocaleMiddleware does (cookie, then
    Accept-Language), since it has not run yet on a hit; a page is stored only if it was
    rendered in that language.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_cacheable_request(request):
            return self.get_response(request)
        params = canonical_query(request)
        if params is None:
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        # Read before anything is rendered (see the module's docstring).
        key = page_cache_key(request, registry_generation(), language, params)
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
            response[CACHE_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if getattr(response, "portal_page", False):
            # The language comes from a cookie too: an HTTP cache between the reader and
            # the portal must not hand one reader's language to another.
            patch_vary_headers(response, ("Cookie",))
        if (
            getattr(response, "portal_page", False)
            and response.status_code == 200
            and response.portal_address == (request.path, params)
            and response.get("Content-Language") == language
        ):
            headers = {k: v for k, v in response.items() if k.lower() not in PRIVATE_HEADERS}
            cache.set(key, (response.content, headers), settings.PORTAL_CACHE_SECONDS)
            response[CACHE_HEADER] = "miss"
        return response
