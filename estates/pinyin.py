"""Pinyin for Chinese names: the order readers expect, and search by pinyin.

Chinese readers look for a name in a list by its pinyin (阿 before 白 before 陈), the order of
dictionaries and government directories. Code-point order (what ``ORDER BY name`` gives under
the ``C.UTF-8`` database locale, STACK.md §3) is meaningless to them. PostgreSQL sorts with
its ICU ``zh`` collation; SQLite has no such collation and sorts by a stored sort key
(``name_sort``, "yang guang hua yuan"). Regions and compounds keep the key, and a search
column (``name_pinyin``, "yangguanghuayuan yghy") that lets "yangguang" or "yghy" find
阳光花园, up to date on every save and on every bulk insert (estates.loading).
"""

from __future__ import annotations

import re

from django.db import connection
from django.db.models import F, OrderBy
from django.db.models.functions import Collate

# The ICU collation PostgreSQL ships when built with ICU (Debian's is): pinyin order.
ZH_COLLATION = "zh-x-icu"
SORT_SUFFIX = "_sort"
# A search term typed in pinyin: Latin letters only ("yangguang", "yghy").
PINYIN_TERM = re.compile(r"[a-z]+")


def _syllables(name: str) -> list[str]:
    # pypinyin loads its dictionaries (about 0.4 s) on first use, not at start-up.
    from pypinyin import Style, lazy_pinyin

    # Characters without pinyin (Latin letters, digits) come back as they are, in runs.
    parts = lazy_pinyin(name or "", style=Style.NORMAL, errors="default")
    return [word for part in parts for word in part.lower().split()]


def pinyin_columns(name: str) -> tuple[str, str]:
    """("yang guang hua yuan", "yangguanghuayuan yghy") for 阳光花园.

    The sort key separates syllables with a space, which sorts before every letter, so
    names compare syllable by syllable as in a dictionary (安心 "an xin" before 昂 "ang").
    The search text joins the syllables, then their initials."""
    syllables = _syllables(name)
    sort_key = " ".join(syllables)
    search = "".join(syllables)
    initials = "".join(word[0] for word in syllables)
    return sort_key, f"{search} {initials}" if search else ""


def is_pinyin_term(term: str) -> bool:
    """Whether a search term could be pinyin (letters only, any case)."""
    return bool(PINYIN_TERM.fullmatch(term.lower()))


def pinyin_order(field: str = "name", *, descending: bool = False) -> OrderBy:
    """An ordering by ``field`` (a name, or a name across a relation: "region__name") in
    pinyin order: the ICU ``zh`` collation on PostgreSQL, the stored sort key elsewhere."""
    if connection.vendor == "postgresql":
        expression = Collate(F(field), ZH_COLLATION)
    else:
        expression = F(f"{field}{SORT_SUFFIX}")
    return expression.desc() if descending else expression.asc()
