"""Public reads for the feeds, the notice PDF and the notice-board poster: published,
not expired notices only (no drafts, scheduled or withdrawn versions), each list in a
fixed number of queries whatever its length."""

from __future__ import annotations

import datetime

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone

from estates.models import Compound, Region

from ..models import CompoundNoticesPage, NoticePage
from .notices import notices_public

FEED_SIZE = 50
POSTER_SIZE = 20


def _feed_rows(notices: QuerySet[NoticePage]) -> list[NoticePage]:
    # Corrected versions stay readable at their own URL; the feed carries their correction.
    return list(
        notices.filter(is_superseded=False)
        .select_related("item", "compound", "fingerprint")
        .order_by("-first_published_at", "-pk")[:FEED_SIZE]
    )


def notice_feed_for_compound(*, compound: Compound) -> list[NoticePage]:
    return _feed_rows(notices_public().filter(compound=compound))


def notice_feed_for_region(*, region: Region) -> list[NoticePage]:
    """Notices of every compound in the region's subtree (region paths are prefixes)."""
    return _feed_rows(notices_public().filter(compound__region_path__startswith=region.path))


def compound_for_public(*, pk: int) -> Compound | None:
    return Compound.objects.select_related("region").filter(pk=pk).first()


def region_for_feed(*, code: str) -> Region | None:
    return Region.objects.filter(code=code).first()


def notice_for_pdf(*, pk: int) -> NoticePage | None:
    """A published notice with what its PDF prints, or None (drafts are not public)."""
    return (
        notices_public()
        .select_related("item", "compound", "fingerprint", "corrects")
        .prefetch_related("attachments")
        .filter(pk=pk)
        .first()
    )


def poster_notices(*, compound: Compound, today: datetime.date | None = None) -> list[NoticePage]:
    """The notices a board shows now: those in their notice period (公示中) first, then
    the latest others, newest first; corrected versions give way to their correction."""
    today = today or timezone.localdate()
    rows = list(
        notices_public()
        .filter(compound=compound, is_superseded=False)
        .select_related("item", "fingerprint")
        .order_by("-issued_on", "-first_published_at")[:POSTER_SIZE]
    )
    return sorted(rows, key=lambda n: not n.in_notice_period(today))


def notice_board_flags() -> dict:
    """Annotation for the public compound query (estates.selectors.public_compound_flags):
    whether the compound has a live notice board, so its page links there at no query."""
    return {
        "has_notice_board": Exists(
            CompoundNoticesPage.objects.live().filter(compound=OuterRef("pk"))
        )
    }


def notice_board_for(*, compound_pk: int) -> CompoundNoticesPage | None:
    return CompoundNoticesPage.objects.live().filter(compound__pk=compound_pk).first()
