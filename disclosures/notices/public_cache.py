"""Caching of the public notice site (issue 10, item 7), through the portal's own
mechanism (cms.caching, cms.fragments): Django's cache under keys that carry the registry
generation.

Notices are Wagtail pages, which cms.signals watches: publishing a notice (its fingerprint
is written in the same save), publishing a correction, and an expiry or withdrawal (Wagtail
unpublishes the page, which saves it) all move the generation, so every stored page, feed
and PDF is dropped at once. Keys carry the day too, as the notice period's 公示中 / 已结束
and a poster's list depend on it.

- Notice boards, notice pages and the Atom feeds are whole pages: anonymous readers get the
  stored response from ``PortalCacheMiddleware`` at no query (:func:`mark_public`).
- With the page cache off, or for signed-in readers, the data behind a board (its notice
  list) and a notice page (the notice routed by its slug, with its item, fingerprint,
  corrected notice and attachments) are kept the same way (:func:`board_notices`,
  :func:`routed_notice`), as the portal keeps its compound pages' data (cms.fragments).
- PDFs (a notice, a notice-board poster) take a WeasyPrint render each: their bytes are kept
  for every reader, signed in or not (:func:`public_bytes`). A PDF prints the compound's
  chain head "at the moment of printing": a cached copy was printed under the current
  generation, and any new notice in the chain moves it, so the head it prints is still the
  head.

Only public content is stored: the builders read through ``notices_public`` (published,
not expired), pages under a view restriction are never marked, and nothing that is not
found is stored, so made-up ids cannot fill the cache.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation
from wagtail.models import PageViewRestriction

from cms.caching import cached_view_restrictions, mark_portal_response
from cms.fragments import portal_data

PDF_PREFIX = "notices:pdf"
POSTER_PREFIX = "notices:poster"


def public_bytes(name: str, build: Callable[[], bytes | None]) -> bytes | None:
    """``build()``'s bytes for this generation, day and language, from the cache when
    present; None (not found) is never stored."""
    return portal_data(f"{name}:{translation.get_language()}", build)


def pdf_cache_name(pk: int) -> str:
    return f"{PDF_PREFIX}:{pk}"


def poster_cache_name(request: HttpRequest, pk: int, size: str) -> str:
    """The poster's QR code carries the request's host (validated by ALLOWED_HOSTS)."""
    host = hashlib.sha256(request.get_host().encode()).hexdigest()[:16]
    return f"{POSTER_PREFIX}:{pk}:{size}:{host}"


def board_notices(board, *, board_url: str, compound_url: str) -> list:
    """Everything on a board (its notices, the stages of the compound's votes and the
    candidate notice: selectors.board), newest first, unfiltered: the filter by kind and
    year and the page are applied to this list, so they need no place in the key."""
    from .selectors.board import board_entries

    return portal_data(
        f"notices:board:{board.pk}:{board_url}",
        lambda: board_entries(
            compound=board.compound, board_url=board_url, compound_url=compound_url
        ),
    )


def routed_notice(board, slug: str):
    """The live notice under ``board`` with this slug, or None (a draft, scheduled,
    expired or withdrawn notice is not live: nothing of it is stored)."""
    from .models import NoticePage

    def build():
        return (
            NoticePage.objects.live()
            .select_related("item", "fingerprint", "corrects")
            .prefetch_related("attachments")
            .filter(
                path__range=board._get_children_path_interval(board.path),
                depth=board.depth + 1,
                slug=slug,
            )
            .first()
        )

    return portal_data(f"notices:notice:{board.pk}:{slug}", build)


def mark_public(page, request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """Let anonymous readers be served ``page``'s response from the page cache, under the
    page's own address (no query parameters), unless a view restriction covers it."""
    if response.status_code == 200 and not page.get_view_restrictions():
        mark_portal_response(response, path=page.get_url(request))
    return response


class PublicPageMixin:
    """For the notice pages: their view restrictions (on the page or an ancestor) in one
    query, kept per process until a restriction changes (cms.caching), instead of
    Wagtail's two queries on every request."""

    def get_view_restrictions(self):
        if self.alias_of_id:
            return super().get_view_restrictions()  # the source page's restrictions
        prefixes = [
            self.path[:end] for end in range(self.steplen, len(self.path) + 1, self.steplen)
        ]
        return cached_view_restrictions(
            self, lambda: PageViewRestriction.objects.filter(page__path__in=prefixes)
        )
