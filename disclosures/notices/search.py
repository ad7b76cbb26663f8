"""Chinese words for the search index: both backends treat a run of CJK characters as a
single token, so text is segmented (rjieba) before indexing and before querying (STACK.md
§6)."""

from __future__ import annotations


def zh_segment(text: str) -> str:
    import rjieba

    return " ".join(w for w in rjieba.cut_for_search(text or "") if w.strip())
