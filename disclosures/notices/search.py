"""Chinese words for search: both PostgreSQL and SQLite treat a run of CJK characters as a
single token, so text is segmented (rjieba) before it is stored and before querying
(STACK.md §6).

A notice's words (title, body and attachment text) are segmented once, when it is first
published (its content is frozen from then on), into ``NoticePage.search_words``. On
PostgreSQL a GIN index over ``to_tsvector('simple', search_words)`` serves the public
search; on SQLite each word is matched with ``icontains`` (demo-sized data)."""

from __future__ import annotations

from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchQuery, SearchVector
from django.db import connection
from django.db.models import QuerySet

SEARCH_CONFIG = "simple"
SEARCH_INDEX_NAME = "notices_search_words_gin"


def zh_segment(text: str) -> str:
    import rjieba

    return " ".join(w for w in rjieba.cut_for_search(text or "") if w.strip())


def notice_search_words(notice) -> str:
    """What search finds a notice by: its title, body and attachment text, segmented."""
    from .text import attachment_places, notice_plain_text

    attachments = " ".join(text for _place, text in attachment_places(notice))
    return zh_segment(f"{notice.title} {notice_plain_text(notice)} {attachments}")


def search_vector() -> SearchVector:
    """The indexed expression; a query uses the very same one so the planner can use the
    index."""
    return SearchVector("search_words", config=SEARCH_CONFIG)


def search_index() -> GinIndex:
    return GinIndex(search_vector(), name=SEARCH_INDEX_NAME)


def filter_words(notices: QuerySet, words: list[str]) -> QuerySet:
    """Notices holding every one of ``words`` (already segmented)."""
    if connection.vendor == "postgresql":
        return notices.alias(search_vector=search_vector()).filter(
            search_vector=SearchQuery(" ".join(words), config=SEARCH_CONFIG, search_type="plain")
        )
    for word in words:
        notices = notices.filter(search_words__icontains=word)
    return notices
