"""The public notice site is cached and the cache follows the notices (issue 10, item 7):
boards, notice pages and feeds come from the page cache, PDFs and posters are rendered once
per registry generation, and publication, correction and expiry drop them at once; drafts
never reach a public cache; each public page stays within the portal's query budget."""

import datetime
import pickle

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import PageViewRestriction

from cms.caching import CACHE_HEADER
from disclosures.notices.fingerprints import chain_head
from disclosures.notices.models import NoticePage
from disclosures.notices.public_cache import PDF_PREFIX, POSTER_PREFIX
from disclosures.notices.services.notices import notice_correct
from tests.cms.test_portal_performance import QUERY_BUDGET, queries_for

from .conftest import draft, make_document, publish
from .test_notice_pdf import _joined, _text

ATOM_TITLE = "<title>{}</title>"


def _stored_keys(prefix: str) -> list[str]:
    return [key for key in cache._cache if prefix in key]  # LocMemCache in tests


def _stored_values() -> list[bytes]:
    """Every cached value, pickled: a draft's title found in one would have leaked."""
    return [bytes(value) for value in cache._cache.values()]


def _feed(world) -> str:
    return reverse("notices_feed_compound", args=[world["compound"].pk])


def _pdf(notice) -> str:
    return reverse("notices_notice_pdf", args=[notice.pk])


def _poster(world) -> str:
    return reverse("notices_poster_pdf", args=[world["compound"].pk])


def _correct(world, original, **changes):
    correction = notice_correct(
        actor=world["drafter"],
        original=original,
        correction_note="更正了支出金额。",
        title="更正：2025年度专项维修资金使用公示",
        **changes,
    )
    return publish(world, correction)


def test_feed_and_pages_are_served_from_the_cache(world, client, django_assert_num_queries):
    notice = publish(world, draft(world))
    for url in (_feed(world), notice.url, notice.get_parent().url):
        assert client.get(url)[CACHE_HEADER] == "miss", url
        with django_assert_num_queries(0):
            response = client.get(url)
        assert response.status_code == 200
        assert response[CACHE_HEADER] == "hit", url


def test_correction_is_visible_at_once_in_feed_pdf_and_page(world, client, tmp_path):
    original = publish(world, draft(world))
    feed, pdf_url = _feed(world), _pdf(original)
    client.get(feed)
    assert client.get(feed)[CACHE_HEADER] == "hit"
    before = _joined(_text(client.get(pdf_url).content, tmp_path))
    assert original.fingerprint.sha256 in before  # the chain head when it was printed
    client.get(original.url)

    correction = _correct(world, original)

    response = client.get(feed)
    assert response[CACHE_HEADER] == "miss"
    text = response.content.decode()
    assert ATOM_TITLE.format(correction.title) in text
    assert ATOM_TITLE.format(original.title) not in text  # the correction replaces it
    # The original's PDF prints the new chain head: the correction's link.
    after = _joined(_text(client.get(pdf_url).content, tmp_path))
    assert chain_head(world["compound"].pk) == correction.fingerprint.sha256
    assert correction.fingerprint.sha256 in after
    assert correction.fingerprint.sha256 not in before
    page = client.get(original.url)
    assert page[CACHE_HEADER] == "miss"
    assert correction.url in page.content.decode()
    assert correction.title in _joined(_text(client.get(_pdf(correction)).content, tmp_path))


def test_second_pdf_request_does_not_render_it_again(world, client, django_assert_num_queries):
    notice = publish(world, draft(world))
    first = client.get(_pdf(notice))
    assert first.status_code == 200
    assert _stored_keys(f"{PDF_PREFIX}:{notice.pk}:")
    with django_assert_num_queries(0):
        second = client.get(_pdf(notice))
    assert second.content == first.content
    poster = client.get(_poster(world), {"size": "A3"})
    assert poster.status_code == 200
    assert _stored_keys(f"{POSTER_PREFIX}:{world['compound'].pk}:A3:")
    with django_assert_num_queries(0):
        assert client.get(_poster(world), {"size": "A3"}).content == poster.content


def test_signed_in_readers_share_the_rendered_pdf(world, client):
    notice = publish(world, draft(world))
    anonymous = client.get(_pdf(notice)).content
    client.force_login(world["officer"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(_pdf(notice)).content == anonymous
    assert not [q for q in ctx.captured_queries if "notices_" in q["sql"]]


def test_expiry_drops_cached_feed_pdf_and_poster(world, client, tmp_path):
    notice = publish(world, draft(world, title="到期撤下的公示"))
    client.get(_feed(world))
    assert client.get(_pdf(notice)).status_code == 200
    assert "到期撤下的公示" in _joined(_text(client.get(_poster(world)).content, tmp_path))
    # Wagtail's scheduled unpublishing, as at the end of the notice period.
    NoticePage.objects.filter(pk=notice.pk).update(
        expire_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    call_command("publish_scheduled", verbosity=0)
    notice.refresh_from_db()
    assert notice.expired and not notice.live
    assert "到期撤下的公示" not in client.get(_feed(world)).content.decode()
    assert client.get(_pdf(notice)).status_code == 404
    assert "到期撤下的公示" not in _joined(_text(client.get(_poster(world)).content, tmp_path))


def test_drafts_and_scheduled_notices_never_reach_a_public_cache(world, client):
    published = publish(world, draft(world, title="已发布的公示"))
    unpublished = draft(world, title="尚未审核的草稿公示")
    scheduled = publish(
        world,
        draft(
            world,
            title="下月开始公示的通知",
            notice_starts_on=timezone.localdate() + datetime.timedelta(days=30),
        ),
    )
    assert not scheduled.live
    board = unpublished.get_parent()
    # The drafter, signed in, reads the public site too: nothing of theirs is stored.
    staff = client.__class__()
    staff.force_login(world["drafter"])
    for reader in (client, staff):
        assert reader.get(_feed(world)).status_code == 200
        assert reader.get(board.url).status_code == 200
        assert reader.get(_poster(world)).status_code == 200
        assert reader.get(_pdf(published)).status_code == 200
        for hidden in (unpublished, scheduled):
            assert reader.get(_pdf(hidden)).status_code == 404
            assert reader.get(f"{board.url}{hidden.slug}/").status_code == 404
    assert _stored_keys(f"{PDF_PREFIX}:{published.pk}:")  # the public one is
    for hidden in (unpublished, scheduled):
        assert not _stored_keys(f"{PDF_PREFIX}:{hidden.pk}:")
        for value in _stored_values():
            assert hidden.title.encode() not in value
            assert pickle.dumps(hidden.title) not in value
    assert "已发布的公示".encode() in b"".join(_stored_values())


def test_a_restricted_board_is_never_stored(world, client):
    """Its pages are never replayed from the page cache: each request passes Wagtail's
    restriction check (the data behind them may be kept; it is served only past it)."""
    notice = publish(world, draft(world))
    board = notice.get_parent()
    PageViewRestriction.objects.create(
        page=board, restriction_type=PageViewRestriction.PASSWORD, password="secret"
    )
    for url in (board.url, notice.url, board.url, notice.url):
        response = client.get(url)
        assert CACHE_HEADER not in response, url
        assert notice.title not in response.content.decode()
    assert not _stored_keys("portal:page:")


@pytest.fixture
def sizes(world):
    """The same addresses with one notice, then with six (attachments and a correction)."""

    def urls(notice):
        return {
            "board": notice.get_parent().url,
            "notice": notice.url,
            "feed_compound": _feed(world),
            "feed_region": reverse("notices_feed_region", args=[world["tree"].prefecture.code]),
            "pdf": _pdf(notice),
            "poster": _poster(world),
        }

    first = publish(world, draft(world, title="第一则公示"))
    small = urls(first)
    for n in range(3):
        publish(world, draft(world, title=f"又一则公示{n}"))
    document = make_document(user=world["drafter"])
    attached = publish(
        world, draft(world, title="附带附件的公示", attachments=[("收支明细", document)])
    )
    correction = _correct(world, attached)
    return small, urls(correction)


@pytest.mark.parametrize(
    "kind", ["board", "notice", "feed_compound", "feed_region", "pdf", "poster"]
)
def test_query_count_is_constant_and_within_budget(client, sizes, kind):
    small, large = sizes
    one, six = queries_for(client, small[kind]), queries_for(client, large[kind])
    assert one == six, (kind, one, six)
    assert six <= QUERY_BUDGET, (kind, six)
