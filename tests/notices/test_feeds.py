"""Atom feeds of published notices per compound and per region (issue 10, item 5):
public content only, in a fixed number of queries."""

import xml.etree.ElementTree as ET

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosures.notices.models import NoticePage

from .conftest import draft, publish

ATOM = "{http://www.w3.org/2005/Atom}"


def _entries(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    feed = ET.fromstring(response.content)
    return feed, feed.findall(f"{ATOM}entry")


def _titles(entries):
    return [e.find(f"{ATOM}title").text for e in entries]


def test_compound_feed_lists_published_notices_and_no_drafts(world, client):
    published = publish(world, draft(world, title="2025年度专项维修资金使用公示"))
    draft(world, title="尚未审核的草稿公示")
    feed, entries = _entries(client, reverse("notices_feed_compound", args=[world["compound"].pk]))
    assert world["compound"].name in feed.find(f"{ATOM}title").text
    assert _titles(entries) == ["2025年度专项维修资金使用公示"]
    entry = entries[0]
    link = entry.find(f"{ATOM}link").get("href")
    assert link.startswith("http://testserver/") and link.endswith(published.url)
    summary = entry.find(f"{ATOM}summary").text
    assert "阳光花园小区业主委员会" in summary
    assert published.fingerprint.content_sha256 in summary
    assert entry.find(f"{ATOM}author/{ATOM}name").text == "阳光花园小区业主委员会"


def test_feeds_leave_out_expired_and_withdrawn_notices(world, client):
    expired = publish(world, draft(world, title="已过期的公示"))
    withdrawn = publish(world, draft(world, title="已撤下的公示"))
    publish(world, draft(world, title="现行公示"))
    NoticePage.objects.filter(pk=expired.pk).update(expired=True)
    NoticePage.objects.filter(pk=withdrawn.pk).update(live=False)
    _, entries = _entries(client, reverse("notices_feed_compound", args=[world["compound"].pk]))
    assert _titles(entries) == ["现行公示"]
    _, entries = _entries(client, reverse("notices_feed_region", args=["532600"]))
    assert _titles(entries) == ["现行公示"]


def test_feed_carries_no_body_text_or_contact(world, client):
    publish(
        world,
        draft(
            world,
            title="议事规则公示",
            contact_name="王主任",
            contact_phone="0876-1234567",
            body=[("text", "<p>正文里的具体内容只在公示页上阅读。</p>")],
        ),
    )
    response = client.get(reverse("notices_feed_compound", args=[world["compound"].pk]))
    text = response.content.decode()
    assert "议事规则公示" in text
    assert "正文里的具体内容" not in text
    assert "王主任" not in text and "1234567" not in text


def test_region_feed_covers_its_subtree_only(world, client):
    publish(world, draft(world, title="开化第1社区的公示"))
    tree = world["tree"]
    _, entries = _entries(client, reverse("notices_feed_region", args=[tree.prefecture.code]))
    assert _titles(entries) == ["开化第1社区的公示"]
    # The other street's subtree has no notices.
    _, entries = _entries(client, reverse("notices_feed_region", args=[tree.streets[1].code]))
    assert entries == []


def test_feed_of_unknown_compound_or_region_is_404(db, client):
    assert client.get(reverse("notices_feed_compound", args=[999999])).status_code == 404
    assert client.get(reverse("notices_feed_region", args=["000000"])).status_code == 404


def _queries(client, url) -> int:
    """Queries of a request once the site's root paths are cached (publishing clears them)."""
    client.get(url)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx)


def test_feed_query_count_does_not_grow_with_its_entries(world, client):
    compound_url = reverse("notices_feed_compound", args=[world["compound"].pk])
    region_url = reverse("notices_feed_region", args=[world["tree"].prefecture.code])
    publish(world, draft(world, title="第一则"))
    one = (_queries(client, compound_url), _queries(client, region_url))
    for n in range(4):
        publish(world, draft(world, title=f"又一则公示{n}"))
    five = (_queries(client, compound_url), _queries(client, region_url))
    assert one == five
    assert max(five) <= 3
