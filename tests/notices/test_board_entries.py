"""A compound's notice board holds, besides its notices, the stages of its owners' votes
as notices; owners filter it by kind and year and page through it, newest first, and a
bad filter or page number never ends in an error (issue 10 §5)."""

import pytest
from django.core.cache import cache

from cms.caching import registry_changed
from disclosures.notices.selectors import board
from disclosures.votes import publication
from tests.filings.helpers import World
from tests.votes.test_publication import counted_vote

from .conftest import draft, publish


@pytest.fixture
def setting(world):
    """A published fund-use notice and a counted vote of the same compound."""
    notice = publish(world, draft(world))
    voters = World(world["tree"])
    vote = counted_vote(voters)
    return notice, vote, voters


def board_html(client, notice, query: str = "") -> str:
    registry_changed()
    cache.clear()
    response = client.get(notice.get_parent().url + query)
    assert response.status_code == 200
    return response.content.decode()


def test_vote_stages_join_the_notices_newest_first(world, client, setting):
    notice, vote, voters = setting
    html = board_html(client, notice)
    assert notice.title in html and vote.title not in html  # nothing published yet

    publication.publish_notice(vote=vote, actor=voters.member)
    publication.publish_preliminary(vote=vote, actor=voters.member)
    html = board_html(client, notice)
    assert f"{vote.title}表决公告" in html and f"{vote.title}初步表决结果" in html
    assert f"/c/{vote.compound_id}/#vote-{vote.pk}-heading" in html
    # Newest first: the preliminary result, published last, comes before the notice.
    assert html.index("初步表决结果") < html.index(notice.title)


def test_filter_by_kind_and_year(world, client, setting):
    notice, vote, voters = setting
    publication.publish_notice(vote=vote, actor=voters.member)
    html = board_html(client, notice, "?kind=vote")
    assert f"{vote.title}表决公告" in html and notice.title not in html
    html = board_html(client, notice, f"?kind={notice.item.code}")
    assert notice.title in html and "表决公告" not in html
    year = notice.issued_on.year
    assert notice.title in board_html(client, notice, f"?year={year}")
    assert "没有符合条件的公示" in board_html(client, notice, f"?year={year - 3}")
    # An unknown kind is ignored rather than refused.
    assert notice.title in board_html(client, notice, "?kind=nonsense")


@pytest.mark.parametrize("page", ["abc", "0", "-1", "9999", "1" * 30])
def test_bad_page_numbers_show_a_page(world, client, setting, page):
    notice, _vote, _voters = setting
    assert notice.title in board_html(client, notice, f"?page={page}")


def test_pages_of_twenty(world, client, portal):
    notices = [publish(world, draft(world, title=f"第{n:02d}号公示")) for n in range(22)]
    html = board_html(client, notices[0])
    assert "第 1 页，共 2 页" in html and 'rel="next"' in html
    assert "第00号公示" not in html  # the oldest two are on page 2
    html = board_html(client, notices[0], "?page=2")
    assert "第00号公示" in html and "第21号公示" not in html


def test_entries_come_from_three_queries(world, setting, django_assert_num_queries):
    notice, vote, voters = setting
    publication.publish_notice(vote=vote, actor=voters.member)
    with django_assert_num_queries(3):
        entries = board.board_entries(
            compound=world["compound"], board_url="/b/", compound_url="/c/1/"
        )
    assert {e.kind for e in entries} == {notice.item.code, board.VOTE_KIND}
