"""Public notices benchmark (issue 10, item 7), called from bench/run.py after the demo is
seeded, or run alone against a throwaway PostgreSQL:

    scripts/with-postgres .venv/bin/python bench/notices.py

Builds the province's notices, then measures in one run:
- a compound's notice board (list) and a notice page (detail), served by gunicorn and
  loaded by wrk, against the bare Django view on the same server, with the page cache off
  (targets >= 0.10x) and on (>= 0.9x);
- the SQL queries of each public notice address (board, notice, feeds, PDF, poster);
- rendering a notice PDF (target <= 0.5 s) and serving it again from the cache;
- a Chinese search across all public notices, in process (target <= 50 ms).

Setup: ``BENCH_NOTICES`` notices (200,000 by default: province scale), spread over the
notice boards of every compound but the measured one, are bulk-inserted as Wagtail pages
in batches (paths worked out with treebeard's own path arithmetic, the page rows and
their specific rows by COPY) with their segmented search words (``search_words``, as
publication writes them; the public search reads them through a GIN index on
PostgreSQL). ``BENCH_WAGTAIL_INDEX=1`` also indexes them through Wagtail's search backend
(``add_bulk``, as ``update_index`` does), which only the admin's page search reads;
``BENCH_ONLY_SEARCH=1`` measures the search alone. They are plain published pages: no revisions,
workflow or fingerprints, which only the bench may skip. The measured compound's notices
are drafted, reviewed and published through the services, so they carry fingerprints,
revisions and a correction like any other. The setup's time is measured and reported.
"""

from __future__ import annotations

import datetime
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    import django

    django.setup()

from bench.timing import median_seconds, say  # noqa: E402

NOTICES = int(os.environ.get("BENCH_NOTICES", "200000"))
WAGTAIL_INDEX = os.environ.get("BENCH_WAGTAIL_INDEX") == "1"
ONLY_SEARCH = os.environ.get("BENCH_ONLY_SEARCH") == "1"
MEASURED = 12  # notices on the measured board, published through the services
BATCH = 10_000
INDEX_BATCH = 2_000
SEARCH = "维修资金"  # finds 专项维修资金使用情况公示 (a word inside Chinese text)
# (item code, title) pairs the bulk notices cycle through; the year is prefixed.
TITLES = (
    ("fund-use", "年度专项维修资金使用情况公示"),
    ("rules-procedure", "业主大会议事规则公示"),
    ("rules-covenant", "管理规约公示"),
    ("fund-statement", "年度专项维修资金对账公示"),
    ("company-contractors", "电梯、消防设施维保单位公示"),
    ("company-services", "物业服务事项和收费标准公示"),
)


# Setup ---------------------------------------------------------------------------------


def _reserve_ids(table: str, count: int) -> list[int]:
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                [table, count],
            )
            return [row[0] for row in cursor.fetchall()]
        cursor.execute(f'SELECT COALESCE(MAX("id"), 0) FROM "{table}"')
        start = cursor.fetchone()[0] + 1
        return list(range(start, start + count))


def _insert(model, rows: list[dict]) -> None:
    """Rows of the model's own table (a page's specific table holds its own fields only),
    missing fields at their defaults: COPY on PostgreSQL, executemany on SQLite."""
    from django.db import connection

    fields = list(model._meta.local_concrete_fields)
    now = datetime.datetime.now(datetime.UTC)

    def default(field):
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            return now
        return field.get_default()

    defaults = {f.attname: default(f) for f in fields}
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    columns = ", ".join(quote(f.column) for f in fields)
    names = [f.attname for f in fields]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([row.get(n, defaults[n]) for n in names])
        else:
            marks = ", ".join(["%s"] * len(names))
            data = [[row.get(n, defaults[n]) for n in names] for row in rows]
            cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES ({marks})", data)


def _page_row(*, pk, title, slug, path, depth, numchild, content_type, parent_url, locale, now):
    return {
        "id": pk,
        "title": title,
        "draft_title": title,
        "slug": slug,
        "path": path,
        "depth": depth,
        "numchild": numchild,
        "content_type_id": content_type,
        "url_path": f"{parent_url}{slug}/",
        "live": True,
        "has_unpublished_changes": False,
        "first_published_at": now,
        "last_published_at": now,
        "locale_id": locale,
        "translation_key": uuid.uuid4(),
    }


def bulk_notices(total: int, *, exclude, index: bool = True) -> dict:
    """``total`` published notices on the boards of compounds that have none yet (all
    but ``exclude``), inserted in batches; then their search index entries."""
    from django.contrib.contenttypes.models import ContentType
    from django.db import connection, transaction
    from wagtail.models import Locale, Page
    from wagtail.search.backends import get_search_backend

    from cms.caching import bump_generation
    from cms.setup import ensure_portal
    from disclosures.notices.models import CompoundNoticesPage, DisclosureItem, NoticePage
    from disclosures.notices.search import zh_segment
    from estates.models import Compound

    start = time.perf_counter()
    portal = ensure_portal()
    compounds = list(
        Compound.objects.exclude(pk=exclude.pk)
        .filter(notices_page__isnull=True)
        .order_by("pk")
        .values_list("pk", "name")
    )
    if not compounds:
        raise RuntimeError("no compound without a notice board")
    boards = compounds[: min(len(compounds), total)]
    per_board, extra = divmod(total, len(boards))
    items = {i.code: i.pk for i in DisclosureItem.objects.filter(region=None)}
    locale = Locale.get_default().pk
    board_type = ContentType.objects.get_for_model(CompoundNoticesPage).pk
    notice_type = ContentType.objects.get_for_model(NoticePage).pk
    steplen = Page.steplen
    last = portal.get_last_child()
    next_step = Page._str2int(last.path[-steplen:]) + 1 if last else 1
    now = datetime.datetime.now(datetime.UTC)
    today = datetime.date.today()
    board_ids = _reserve_ids(Page._meta.db_table, len(boards))
    notice_ids = _reserve_ids(Page._meta.db_table, total)
    inserted = 0
    with transaction.atomic():
        page_rows, board_rows, notice_page_rows, notice_rows = [], [], [], []

        def flush():
            _insert(Page, page_rows)
            _insert(CompoundNoticesPage, board_rows)
            _insert(NoticePage, notice_rows)
            for rows in (page_rows, board_rows, notice_page_rows, notice_rows):
                rows.clear()

        for b, ((compound_pk, name), board_pk) in enumerate(zip(boards, board_ids, strict=True)):
            count = per_board + (1 if b < extra else 0)
            board_path = Page._get_path(portal.path, portal.depth + 1, next_step + b)
            board_slug = f"notices-{compound_pk}"
            board_url = f"{portal.url_path}{board_slug}/"
            page_rows.append(
                _page_row(
                    pk=board_pk, title=f"{name}信息公示", slug=board_slug, path=board_path,
                    depth=portal.depth + 1, numchild=count, content_type=board_type,
                    parent_url=portal.url_path, locale=locale, now=now,
                )
            )  # fmt: skip
            board_rows.append({"page_ptr_id": board_pk, "compound_id": compound_pk})
            issuer = f"{name}业主委员会"
            for n in range(count):
                pk = notice_ids[inserted]
                inserted += 1
                code, title = TITLES[(b + n) % len(TITLES)]
                year = today.year - 1 - n // len(TITLES)
                title = f"{year}{title}" if code.startswith("fund") else f"{name}{title}"
                issued = today - datetime.timedelta(days=(b * 7 + n * 37) % 700)
                page_rows.append(
                    _page_row(
                        pk=pk, title=title, slug=f"n{pk}",
                        path=Page._get_path(board_path, portal.depth + 2, n + 1),
                        depth=portal.depth + 2, numchild=0, content_type=notice_type,
                        parent_url=board_url, locale=locale, now=now,
                    )
                )  # fmt: skip
                text = f"{issuer}根据业主大会决定，现将{title}有关情况公示如下。"
                body = [{"type": "text", "value": f"<p>{text}</p>", "id": str(uuid.uuid4())}]
                notice_rows.append(
                    {
                        "page_ptr_id": pk,
                        "compound_id": compound_pk,
                        "item_id": items[code],
                        "issuer": issuer,
                        "issued_on": issued,
                        "notice_starts_on": issued,
                        "notice_ends_on": issued + datetime.timedelta(days=6),
                        "objection_until": issued + datetime.timedelta(days=6),
                        "body": json.dumps(body, ensure_ascii=False),
                        "search_words": zh_segment(f"{title} {issuer} {text}"),
                    }
                )
            if len(page_rows) >= BATCH:
                flush()
        flush()
        Page.objects.filter(pk=portal.pk).update(numchild=portal.numchild + len(boards))
    t_insert = time.perf_counter() - start
    start = time.perf_counter()
    backend = get_search_backend()
    for offset in range(0, total if index else 0, INDEX_BATCH):
        chunk = notice_ids[offset : offset + INDEX_BATCH]
        notices = list(NoticePage.objects.filter(pk__in=chunk))
        for notice in notices:
            # The backend reads each search field once per vector it builds (title, body,
            # autocomplete, plain texts): segment each notice's text once.
            text = notice.search_text()
            notice.search_text = lambda text=text: text
        backend.add_bulk(NoticePage, notices)
    t_index = time.perf_counter() - start
    bump_generation()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "notices": inserted,
        "boards": len(boards),
        "insert_s": t_insert,
        "index_s": t_index,
    }


def _users(compound):
    from django.contrib.auth import get_user_model

    from estates.services import role_assign

    users = get_user_model().objects
    made = []
    for name, role, target in (
        ("bench-notice-drafter", "committee_member", compound),
        ("bench-notice-officer", "community_staff", compound.region),
    ):
        user = users.filter(username=name).first()
        if user is None:
            user = users.create_user(username=name, email=f"{name}@example.invalid")
            role_assign(user=user, role=role, target=target)
        made.append(user)
    return made


def measured_board(compound) -> list:
    """``MEASURED`` notices drafted, reviewed and published through the services, the
    last a correction of the first: a board as owners see it."""
    from disclosures.notices.models import DisclosureItem
    from disclosures.notices.services.notices import (
        notice_correct,
        notice_draft,
        notice_review,
        notice_submit,
    )

    drafter, officer = _users(compound)
    item = DisclosureItem.objects.get(region=None, code="fund-use")
    issuer = f"{compound.name}业主委员会"
    rows = [("text", "<p>本年度专项维修资金收支情况如下，请业主监督。</p>")]

    def publish(notice):
        notice_submit(actor=drafter, notice=notice)
        return notice_review(actor=officer, notice=notice, approve=True)

    notices = [
        publish(
            notice_draft(
                actor=drafter,
                compound=compound,
                item=item,
                title=f"{2026 - n // 3}年度专项维修资金使用情况公示（第{n + 1}号）",
                issuer=issuer,
                body=rows,
                document_number=f"业委会〔2026〕{n + 1}号",
            )
        )
        for n in range(MEASURED - 1)
    ]
    correction = notice_correct(
        actor=drafter, original=notices[0], correction_note="更正了第3项支出的金额。"
    )
    notices.append(publish(correction))
    return notices


# Measures ------------------------------------------------------------------------------


def public_paths(compound, notice) -> dict[str, str]:
    from django.urls import reverse

    return {
        "board": notice.get_parent().url,
        "notice": notice.url,
        "feed_compound": reverse("notices_feed_compound", args=[compound.pk]),
        "feed_region": reverse("notices_feed_region", args=[compound.region.code]),
        "pdf": reverse("notices_notice_pdf", args=[notice.pk]),
        "poster": reverse("notices_poster_pdf", args=[compound.pk]),
    }


def query_counts(paths: dict[str, str]) -> dict[str, int]:
    """SQL queries of each address rendered afresh (the cache dropped, as any change does)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from cms.caching import bump_generation

    client, counts = Client(), {}
    for name, path in paths.items():
        client.get(path)
        bump_generation()
        with CaptureQueriesContext(connection) as ctx:
            status = client.get(path).status_code
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
        counts[name] = len(ctx.captured_queries)
    return counts


def throughput(paths: dict[str, str]) -> dict:
    """Each page between two runs of the bare view on the same server, against their mean:
    on a shared machine the bare view's rate moves between runs."""
    from bench.run import Gunicorn, wrk

    figures = {}
    for kind, page_cache in (("uncached", False), ("cached", True)):
        server = Gunicorn(page_cache=page_cache)
        try:
            bare = [wrk(server.url("/bench/bare/"))]
            board = wrk(server.url(paths["board"]))
            bare.append(wrk(server.url("/bench/bare/")))
            notice = wrk(server.url(paths["notice"]))
            bare.append(wrk(server.url("/bench/bare/")))
        finally:
            server.stop()
        figures[kind] = {
            "bare_rps": statistics.mean(bare),
            "bare_runs": bare,
            "board_rps": board,
            "notice_rps": notice,
            "board_ratio": board / statistics.mean(bare[:2]),
            "notice_ratio": notice / statistics.mean(bare[1:]),
        }
    return figures


def pdf_figures(notice, path: str) -> dict:
    from django.test import Client

    from disclosures.notices.pdf import notice_pdf
    from disclosures.notices.selectors.public import notice_for_pdf

    def render():
        notice_pdf(notice=notice_for_pdf(pk=notice.pk))

    render()  # the first render loads WeasyPrint and the fonts
    client = Client()
    client.get(path)
    return {
        "render_s": median_seconds(render, 5),
        "cached_ms": median_seconds(lambda: client.get(path), 20) * 1e3,
    }


def search_figures(region) -> dict:
    from disclosures.notices.selectors.notices import notice_search

    def everywhere():
        return list(notice_search(SEARCH)[:20])

    def in_region():
        return list(notice_search(SEARCH, region=region)[:20])

    found = everywhere()
    if not found:
        raise RuntimeError(f"search for {SEARCH} found nothing")
    everywhere(), in_region()  # warm: rjieba's dictionary, compiled queries
    return {
        "query": SEARCH,
        "found_first_page": len(found),
        "province_ms": median_seconds(everywhere, 7) * 1e3,
        "region_ms": median_seconds(in_region, 7) * 1e3,
    }


def _measured_compound():
    from estates.models import Compound, Region

    wenshan = Region.objects.filter(code="532600").first()
    compounds = Compound.objects.select_related("region").filter(notices_page__isnull=True)
    if wenshan is not None:
        compounds = compounds.filter(region_path__startswith=wenshan.path)
    compound = compounds.order_by("-id").first()
    if compound is None:
        raise RuntimeError("no compound without a notice board: run seed_demo first")
    return compound


def notices_bench(total: int = NOTICES) -> dict:
    from django.db import connection

    compound = _measured_compound()
    start = time.perf_counter()
    notices = measured_board(compound)
    t_measured = time.perf_counter() - start
    setup = bulk_notices(total, exclude=compound, index=WAGTAIL_INDEX)
    setup["measured_publish_s"] = t_measured
    with connection.cursor() as cursor:
        cursor.execute("SELECT COUNT(*) FROM notices_noticepage")
        setup["notices_in_database"] = cursor.fetchone()[0]
    if ONLY_SEARCH:
        return {"setup": setup, "search": search_figures(compound.region.parent)}
    notice = notices[-1]  # the correction: its page names the notice it corrects
    paths = public_paths(compound, notice)
    return {
        "setup": setup,
        "paths": paths,
        "queries": query_counts(paths),
        "throughput": throughput(paths),
        "pdf": pdf_figures(notice, paths["pdf"]),
        "search": search_figures(compound.region.parent),
    }


def report(r: dict) -> None:
    s = r["setup"]
    say(
        f"notices: {s['notices']:,} bulk-inserted on {s['boards']:,} boards in "
        f"{s['insert_s']:.1f} s, Wagtail search index {s['index_s']:.1f} s "
        f"({s['notices_in_database']:,} notices in the database); "
        f"{MEASURED} notices of the measured board through the services "
        f"{s['measured_publish_s']:.1f} s"
    )
    labels = {"uncached": "page cache off", "cached": "page cache on"}
    targets = {"uncached": ">= 0.10x", "cached": ">= 0.9x"}
    for kind, label in labels.items() if "throughput" in r else ():
        f = r["throughput"][kind]
        say(
            f"notice board, {label}: {f['board_rps']:.0f} req/s vs bare Django view "
            f"{f['bare_rps']:.0f} req/s -> {f['board_ratio']:.2f}x (target {targets[kind]})"
        )
        say(
            f"notice page, {label}: {f['notice_rps']:.0f} req/s vs bare Django view "
            f"{f['bare_rps']:.0f} req/s -> {f['notice_ratio']:.2f}x (target {targets[kind]})"
        )
    if "queries" in r:
        report_pages(r)
    q = r["search"]
    say(
        f"search {q['query']} across all public notices {q['province_ms']:.1f} ms, "
        f"in one prefecture {q['region_ms']:.1f} ms, in process (target <= 50 ms)"
    )


def report_pages(r: dict) -> None:
    say(
        "queries per notice address (rendered afresh): "
        + ", ".join(f"{k}={v}" for k, v in r["queries"].items())
        + " (target <= 6)"
    )
    p = r["pdf"]
    say(
        f"notice PDF render {p['render_s']:.2f} s (target <= 0.5 s); "
        f"served again from the cache {p['cached_ms']:.1f} ms"
    )


def seed_registry(limit: int | None) -> None:
    """文山州's registry as ``seed_demo`` writes it (BENCH_SEED_COMPOUNDS: its first N
    compounds only), without the other apps' demo content: the notices are the bench's."""
    from django.db import transaction

    from estates import demo
    from estates.services import roles_sync

    demo.prefecture_seed(demo.wenshan_plan(), limit=limit)
    with transaction.atomic():
        roles_sync()


def main() -> None:
    """Alone: migrate, seed 文山州's registry when the database is empty, then measure."""
    from django.core.management import call_command
    from django.db import connection

    from estates.models import Compound

    say(f"Notices benchmark on {connection.vendor}, {os.cpu_count()} cores, {NOTICES:,} notices")
    call_command("migrate", verbosity=0)
    if not Compound.objects.exists():
        start = time.perf_counter()
        seed_registry(int(os.environ.get("BENCH_SEED_COMPOUNDS", "0")) or None)
        say(f"registry of 文山州 seeded in {time.perf_counter() - start:.1f} s")
    results = notices_bench()
    report(results)
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench-notices.json").write_text(
        json.dumps(results, indent=2, ensure_ascii=False)
    )


if __name__ == "__main__":
    main()
