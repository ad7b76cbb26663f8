"""Whole-page caching for the public portal.

Anonymous visitors get the rendered page, headers included, from Django's cache without
touching the database: :class:`PortalCacheMiddleware` sits first in the middleware stack,
so a hit costs a key lookup and nothing else. Keys carry a registry *generation* that
cms.signals bumps whenever a row shown on public pages changes, so a change drops every
cached page at once (counts on region pages depend on many rows, so per-object keys would
miss cases).

The generation is the modification time of a small file (``PORTAL_GENERATION_FILE``),
shared by every worker process of a host: a process holding its pages in local memory
still sees another process's change at its next request. Without the setting the
generation lives in the cache itself (one process, as in tests).

Public pages carry no per-visitor data (no CSRF token: the language switch is a link),
so one cached copy serves everyone who speaks the same language.
"""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.utils import translation

GENERATION_KEY = "portal:generation"
CACHE_HEADER = "X-Portal-Cache"
# Only these query parameters make distinct pages; other ones bypass the cache, so junk
# query strings cannot fill it.
CACHED_PARAMS = frozenset({"q", "page"})
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


def _generation_file() -> Path | None:
    path = getattr(settings, "PORTAL_GENERATION_FILE", None)
    return Path(path) if path else None


def registry_generation() -> int:
    """The current generation. From the shared file when configured; else from the
    cache, starting from the clock so an evicted key never repeats."""
    path = _generation_file()
    if path is not None:
        try:
            return os.stat(path).st_mtime_ns
        except FileNotFoundError:
            _touch(path)
            return os.stat(path).st_mtime_ns
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = int(time.time() * 1000)
        cache.add(GENERATION_KEY, generation, timeout=None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


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


def registry_changed(**kwargs) -> None:
    """Signal receiver: drop every cached portal page."""
    path = _generation_file()
    if path is not None:
        _touch(path)
        return
    try:
        cache.incr(GENERATION_KEY)
    except ValueError:
        registry_generation()
        try:
            cache.incr(GENERATION_KEY)
        except ValueError:
            pass


RESTRICTIONS_KEY = "portal:view-restrictions:{}"


def cached_view_restrictions(page, load):
    """A page's view restrictions, kept in the cache until a restriction changes
    (cms.signals drops the key): Wagtail would otherwise query them on every request."""
    key = RESTRICTIONS_KEY.format(page.pk)
    restrictions = cache.get(key)
    if restrictions is None:
        restrictions = list(load())
        cache.set(key, restrictions, None)
    return restrictions


def view_restrictions_changed(**kwargs) -> None:
    from wagtail.models import Page

    cache.delete_many(
        [RESTRICTIONS_KEY.format(pk) for pk in Page.objects.values_list("pk", flat=True)]
    )


def mark_portal_response(response: HttpResponse) -> HttpResponse:
    """Flag a portal view's response as cacheable for anonymous visitors."""
    response.portal_page = True
    return response


def page_cache_key(request: HttpRequest, generation: int, language: str) -> str:
    """Host included: each Wagtail site has its own pages under the same paths. The host
    has passed ALLOWED_HOSTS (``get_host`` raises otherwise, a 400)."""
    address = f"{request.get_host()}{request.get_full_path()}"
    digest = hashlib.sha256(address.encode()).hexdigest()[:32]
    return f"portal:page:{generation}:{language}:{digest}"


def is_cacheable_request(request: HttpRequest) -> bool:
    """Anonymous GETs of portal paths; a session cookie may mean a signed-in user."""
    return (
        settings.PORTAL_CACHE_SECONDS > 0
        and request.method in ("GET", "HEAD")
        and not request.path.startswith(EXCLUDED_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and CACHED_PARAMS.issuperset(request.GET.keys())
    )


class PortalCacheMiddleware:
    """Serves cached portal pages to anonymous visitors with zero SQL queries.

    It stands first in MIDDLEWARE: a miss passes through every other middleware, and the
    finished response (security and CSP headers included) is what gets stored and
    replayed. The language is worked out as LocaleMiddleware does (cookie, then
    Accept-Language), since it has not run yet on a hit.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not is_cacheable_request(request):
            return self.get_response(request)
        language = translation.get_language_from_request(request)
        key = page_cache_key(request, registry_generation(), language)
        cached = cache.get(key)
        if cached is not None:
            content, headers = cached
            response = HttpResponse(content, headers=headers)
            response[CACHE_HEADER] = "hit"
            return response
        response = self.get_response(request)
        if getattr(response, "portal_page", False) and response.status_code == 200:
            headers = {k: v for k, v in response.items() if k.lower() not in PRIVATE_HEADERS}
            cache.set(key, (response.content, headers), settings.PORTAL_CACHE_SECONDS)
            response[CACHE_HEADER] = "miss"
        return response
