"""The Wagtail site serving each host, with its root page, kept per process.

On every request Wagtail looks up the site for the host (one query) and loads the specific
instance of its root page (a second), though both change only when an editor edits a site
or a page. :class:`SiteMiddleware` hands Wagtail the site from a process-local table
instead (``Site.find_for_request`` honours ``request._wagtail_site``). The table is keyed
by the portal generation, which cms.signals moves on any site or page change, so every
worker process sees an edit at its next request, as with the page cache. The site's footer
settings (cms.site_settings) come with it, from the same query, so the footer costs none.
"""

from __future__ import annotations

import copy
import threading

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Case, IntegerField, Q, When
from django.http import HttpRequest, HttpResponse
from django.http.request import split_domain_port
from wagtail.models import Site
from wagtail.models.sites import (
    MATCH_DEFAULT,
    MATCH_HOSTNAME,
    MATCH_HOSTNAME_DEFAULT,
    MATCH_HOSTNAME_PORT,
)

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


def _site_for_hostname(hostname: str, port: int) -> Site | None:
    """Wagtail's ``get_site_for_hostname`` (same matching rules), with the site's
    settings joined to it."""
    sites = list(
        Site.objects.annotate(
            match=Case(
                When(hostname=hostname, port=port, then=MATCH_HOSTNAME_PORT),
                When(hostname=hostname, is_default_site=True, then=MATCH_HOSTNAME_DEFAULT),
                When(is_default_site=True, then=MATCH_DEFAULT),
                default=MATCH_HOSTNAME,
                output_field=IntegerField(),
            )
        )
        .filter(Q(hostname=hostname) | Q(is_default_site=True))
        .order_by("match")
        .select_related("root_page", "portalsettings")
    )
    if not sites:
        return None
    if len(sites) == 1 or sites[0].match in (MATCH_HOSTNAME_PORT, MATCH_HOSTNAME_DEFAULT):
        return sites[0]
    if sites[0].match == MATCH_DEFAULT:
        return sites[len(sites) == 2]
    return None


def _load(request: HttpRequest) -> Site | None:
    from .site_settings import PortalSettings

    site = _site_for_hostname(split_domain_port(request._get_raw_host())[0], request.get_port())
    if site is not None:
        site.root_page = site.root_page.specific
        try:
            site.portal_settings = site.portalsettings
        except ObjectDoesNotExist:
            site.portal_settings = PortalSettings()
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
