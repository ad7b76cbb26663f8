"""Reading published notices: a compound's board, and Chinese search over public notices
only (drafts, scheduled, expired and corrected versions are never found)."""

from __future__ import annotations

from django.db.models import QuerySet

from estates.models import Compound, Region

from ..models import NoticePage
from ..search import filter_words, zh_segment

SEARCH_MAX_LENGTH = 50


def notices_public() -> QuerySet[NoticePage]:
    """Published, not expired: what anonymous readers may see."""
    return NoticePage.objects.live().filter(expired=False)


def notice_get_public(pk: int) -> NoticePage | None:
    return notices_public().select_related("compound", "item", "fingerprint").filter(pk=pk).first()


def notice_list_public(
    *, compound: Compound, item_code: str | None = None, year: int | None = None
) -> QuerySet[NoticePage]:
    notices = notices_public().filter(compound=compound).select_related("item")
    if item_code:
        notices = notices.filter(item__code=item_code)
    if year:
        notices = notices.filter(issued_on__year=year)
    return notices.order_by("-issued_on", "-first_published_at")


def notice_search(
    q: str, *, region: Region | None = None, compound: Compound | None = None
) -> QuerySet[NoticePage]:
    """Public notices holding every word of ``q``, newest first: a word inside Chinese text
    is found because text and query are both segmented (STACK.md §6). Corrected versions
    stay readable at their own URL but search finds their correction. On PostgreSQL the
    GIN index over ``search_words`` serves the match; slice the result to what is shown."""
    words = zh_segment((q or "").strip()[:SEARCH_MAX_LENGTH]).split()
    notices = notices_public().filter(is_superseded=False)
    if compound is not None:
        notices = notices.filter(compound=compound)
    elif region is not None:
        notices = notices.filter(
            compound__in=list(
                Compound.objects.filter(region_path__startswith=region.path).values_list(
                    "pk", flat=True
                )
            )
        )
    if not words:
        return notices.none()
    # Publication time alone, so PostgreSQL can walk Wagtail's index on it newest first and
    # stop at the first page when a word is common (a tie-breaker would sort every match);
    # for a rare word it starts from the GIN index instead.
    return filter_words(notices, words).order_by("-first_published_at")
