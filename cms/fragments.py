"""The data behind public pages, kept in Django's cache until the registry changes.

Building the compound page's queries in Django's SQL compiler costs several times more than
running them (docs/benchmarks.md). Rather than compile them once and patch the compiler,
the page's data (the compound with its breadcrumbs and figures, grid staff, committee and
published candidates) is stored under a key that carries the registry generation of
:mod:`cms.caching` and today's date: any change to a watched model moves the generation
(on commit), so the next request builds fresh data with the plain ORM; a new day gives new
keys, so nothing computed from the date outlives it.

The generation is read *before* the data is built: a request racing a change stores what
it read under the generation it started with, which the change's commit has already left
behind. Nothing that is not found is stored, so arbitrary ids cannot fill the cache.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from .caching import registry_generation

_MISSING = object()


def portal_data[T](name: str, build: Callable[[], T | None]) -> T | None:
    """``build()``'s result for this generation and day, from the cache when present."""
    seconds = getattr(settings, "PORTAL_DATA_CACHE_SECONDS", 0)
    if seconds <= 0:
        return build()
    key = f"portal:data:{registry_generation()}:{timezone.localdate().isoformat()}:{name}"
    value = cache.get(key, _MISSING)
    if value is _MISSING:
        value = build()
        if value is not None:
            cache.set(key, value, seconds)
    return value
