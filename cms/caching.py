"""Whole-page caching for the public portal.

Anonymous visitors get the rendered HTML from Django's cache without touching the
database: the lookup happens in :class:`PortalCacheMiddleware`, before Wagtail's site
and page routing. Keys carry a registry *generation* that cms.signals bumps whenever
a registry row changes, so a change drops every cached page at once (counts on region
pages depend on many rows, so per-object keys would miss cases). A TTL bounds staleness
when several processes each hold a local-memory cache.

The CSRF token of the language switch form differs per visitor, so pages are cached with
a placeholder that is replaced on the way out.
"""

from __future__ import annotations

import hashlib
import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token

GENERATION_KEY = "portal:generation"
CSRF_PLACEHOLDER = "__PORTAL_CSRF_TOKEN__"
CACHE_HEADER = "X-Portal-Cache"
# Only these query parameters make distinct pages; other ones bypass the cache, so junk
# query strings cannot fill it.
CACHED_PARAMS = frozenset({"q", "page"})
# Paths that are never portal pages (admin, API, files, language switch, benchmarks).
EXCLUDED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/documents/", "/i18n/", "/bench/")


def registry_generation() -> int:
    """The current generation; starts from the clock so an evicted key never repeats."""
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        generation = int(time.time() * 1000)
        cache.add(GENERATION_KEY, generation, timeout=None)
        generation = cache.get(GENERATION_KEY, generation)
    return generation


def registry_changed(**kwargs) -> None:
    """Signal receiver: drop every cached portal page."""
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


def page_cache_key(request: HttpRequest, generation: int) -> str:
    digest = hashlib.sha256(request.get_full_path().encode()).hexdigest()[:32]
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
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


def _with_token(request: HttpRequest, content: bytes) -> bytes:
    if CSRF_PLACEHOLDER.encode() in content:
        content = content.replace(CSRF_PLACEHOLDER.encode(), get_token(request).encode())
    return content


class PortalCacheMiddleware:
    """Serves cached portal pages to anonymous visitors with zero SQL queries.

    Place it after LocaleMiddleware (the language is part of the key) and
    CsrfViewMiddleware (so the token cookie is set on cached responses too).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        cacheable = is_cacheable_request(request)
        key = ""
        if cacheable:
            key = page_cache_key(request, registry_generation())
            content = cache.get(key)
            if content is not None:
                response = HttpResponse(_with_token(request, content))
                response[CACHE_HEADER] = "hit"
                return response
        response = self.get_response(request)
        if not getattr(response, "portal_page", False):
            return response
        if cacheable and response.status_code == 200:
            cache.set(key, response.content, settings.PORTAL_CACHE_SECONDS)
            response[CACHE_HEADER] = "miss"
        response.content = _with_token(request, response.content)
        return response
