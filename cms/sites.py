"""The Wagtail site serving each host, with its root page, kept per process.

On every request Wagtail looks up the site for the host (one query) and loads the specific
instance of its root page (a second), though both change only when an editor edits a site
or a page. :class:`SiteMiddleware` hands Wagtail the site from a process-local table
instead (``Site.find_for_request`` honours ``request._wagtail_site``). The table is keyed
by the portal generation, which cms.signals moves on any site or page change, so every
worker process sees an edit at its next request, as with the page cache.
"""

from __future__ import annotations

import copy
import threading

from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Site

from .caching import EXCLUDED_PREFIXES, registry_generation

# Hosts kept per generation: the Host header is the client's to choose, so the table must
# not grow with every name sent; hosts beyond the first few are looked up each time.
MAX_HOSTS = 32
_lock = threading.Lock()
_table: dict[tuple[str, str], Site | None] = {}
_table_generation: int | None = None
_MISSING = object()


def site_for_request(request: HttpRequest) -> Site | None:
    """The site for this request's host, its root page already the specific page. Each
    call returns fresh copies, so nothing a request sets on them outlives it."""
    global _table_generation
    # get_host() checks ALLOWED_HOSTS (a 400 otherwise, as CommonMiddleware would give
    # next): a disallowed host never takes a place in the table.
    key = (split_domain_port(request.get_host())[0], request.get_port())
    generation = registry_generation()
    with _lock:
        if generation != _table_generation:
            _table.clear()
            _table_generation = generation
        site = _table.get(key, _MISSING)
    if site is _MISSING:
        site = _load(request)
        with _lock:
            if len(_table) < MAX_HOSTS and generation == _table_generation:
                _table[key] = site
    if site is None:
        return None
    fresh = copy.copy(site)
    fresh.root_page = copy.copy(site.root_page)
    return fresh


def forget_sites() -> None:
    """Empty this process's table (tests whose transaction rolled back a site change)."""
    global _table_generation
    with _lock:
        _table.clear()
        _table_generation = None


def _load(request: HttpRequest) -> Site | None:
    site = Site._find_for_request(request)
    if site is not None:
        site.root_page = site.root_page.specific
    return site


class SiteMiddleware:
    """Sets the Wagtail site of a public page request from the per-process table."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # Only the public pages: the admin and the API look the site up when they need it.
        if not request.path.startswith(EXCLUDED_PREFIXES):
            request._wagtail_site = site_for_request(request)
        return self.get_response(request)
