"""The public search reads the words segmented at publication (issue 10 §6/§7; STACK.md
§6): title, body and attachment text; on PostgreSQL through the GIN index over them."""

import pytest
from django.db import connection

from disclosures.notices.models import NoticePage
from disclosures.notices.search import SEARCH_INDEX_NAME
from disclosures.notices.selectors.notices import notice_search

from .conftest import draft, make_document, publish


def _pdf(text: str) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=f"<p>{text}</p>").write_pdf()


def test_publication_writes_the_words_of_title_body_and_attachments(world):
    document = make_document(title="决算表", content=_pdf("三号楼电梯大修费用"), name="a.pdf")
    notice = draft(world, title="专项维修资金使用公示", attachments=[("决算表", document)])
    assert NoticePage.objects.get(pk=notice.pk).search_words == ""  # drafts: not searchable
    publish(world, notice)
    words = NoticePage.objects.get(pk=notice.pk).search_words.split()
    assert {"维修", "资金", "公示", "电梯", "大修"} <= set(words)
    assert [n.pk for n in notice_search("电梯大修")] == [notice.pk]


def test_results_are_newest_first(world):
    first = publish(world, draft(world, title="维修资金公示一"))
    second = publish(world, draft(world, title="维修资金公示二"))
    assert [n.pk for n in notice_search("维修资金")] == [second.pk, first.pk]


def test_postgresql_serves_the_search_from_the_gin_index(world):
    if connection.vendor != "postgresql":
        pytest.skip("the GIN index exists on PostgreSQL only")
    from bench.notices import bulk_notices

    publish(world, draft(world, title="三号楼电梯大修公示"))
    bulk_notices(3000, exclude=world["compound"], index=False)  # ends with ANALYZE
    assert NoticePage.objects.count() > 3000
    found = notice_search("电梯大修")
    assert [n.title for n in found[:20]] == ["三号楼电梯大修公示"]
    assert SEARCH_INDEX_NAME in found[:20].explain()


def test_the_migration_fills_the_words_of_notices_published_before_it(world):
    import importlib

    from django.db.migrations.loader import MigrationLoader

    notice = publish(world, draft(world, title="专项维修资金使用公示"))
    NoticePage.objects.filter(pk=notice.pk).update(search_words="")
    assert list(notice_search("维修资金")) == []
    migration = importlib.import_module("disclosures.notices.migrations.0004_search_words")
    state = MigrationLoader(connection).project_state(("notices", "0004_search_words"))
    migration.backfill(state.apps, None)
    assert [n.pk for n in notice_search("维修资金")] == [notice.pk]
