"""Each publication stage on the compound's public page (issue item 6), within the page's
query budget, and the API of the stages and objections."""

import pytest
from django.core.cache import cache

from cms.caching import registry_changed
from disclosures.votes import publication
from tests.cms.test_portal_performance import QUERY_BUDGET, queries_for
from tests.votes.test_publication import counted_vote, window_over

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(db):
    from cms.setup import ensure_portal

    return ensure_portal()


@pytest.fixture(autouse=True)
def _clear():
    cache.clear()
    yield
    cache.clear()


def page(client, vote) -> str:
    registry_changed()
    response = client.get(f"/c/{vote.compound_id}/")
    assert response.status_code == 200
    return response.content.decode()


def test_each_stage_appears_on_the_compound_page(world, client, portal):
    vote = counted_vote(world)
    assert vote.title not in page(client, vote)
    publication.publish_notice(vote=vote, actor=world.member)
    html = page(client, vote)
    assert "表决公告" in html and vote.title in html and "初步表决结果" not in html
    publication.publish_preliminary(vote=vote, actor=world.member)
    html = page(client, vote)
    assert "初步表决结果" in html and "异议期" in html and f"/votes/{vote.pk}/check/" in html
    assert vote.result["decision"] in html
    window_over(vote)
    publication.publish_final(vote=vote, actor=world.member)
    html = page(client, vote)
    assert "最终表决结果" in html and f"/votes/{vote.pk}/check/" not in html


def test_the_compound_page_stays_within_its_query_budget(world, client, portal):
    vote = counted_vote(world)
    publication.publish_notice(vote=vote, actor=world.member)
    publication.publish_preliminary(vote=vote, actor=world.member)
    publication.objection_lodge(vote=vote, actor=world.member, lodged_by_name="张三", content="x")
    assert queries_for(client, f"/c/{vote.compound_id}/") <= QUERY_BUDGET


class TestApi:
    def test_stages_and_objections_through_the_api(self, world, client):
        vote = counted_vote(world)
        client.force_login(world.member)
        base = f"/api/registry/votes/{vote.pk}"
        response = client.post(f"{base}/publish/preliminary")
        assert response.status_code == 409, response.content
        assert client.post(f"{base}/publish/notice").json()["publication"] == "notice"
        body = client.post(f"{base}/publish/preliminary").json()
        assert body["publication"] == "preliminary" and body["objections_until"]
        response = client.post(
            f"{base}/objections/",
            {"lodged_by_name": "张三", "content": "有异议"},
            content_type="application/json",
        )
        assert response.status_code == 201, response.content
        objection_id = response.json()["id"]
        response = client.post(
            f"{base}/objections/{objection_id}/answer",
            {"answer": "已核对"},
            content_type="application/json",
        )
        assert response.json()["status"] == "answered"
        assert client.get(f"{base}/objections/").json()[0]["answer"] == "已核对"

    def test_another_jurisdiction_gets_404(self, world, client):
        vote = counted_vote(world)
        client.force_login(world.other_member)
        response = client.post(f"/api/registry/votes/{vote.pk}/publish/notice")
        assert response.status_code == 404

    def test_the_public_check_needs_no_login_and_shows_one_unit(self, world, client):
        vote = counted_vote(world, choices=("反对",))
        publication.publish_notice(vote=vote, actor=world.member)
        publication.publish_preliminary(vote=vote, actor=world.member)
        entry = vote.electorate.order_by("pk").first()
        data = {
            "building": entry.building_name,
            "entrance": entry.entrance,
            "room": entry.room,
            "code": entry.check_code,
        }
        url = f"/api/registry/votes/{vote.pk}/check"
        body = client.post(url, data, content_type="application/json").json()
        assert body["found"] and body["choice"] == "反对"
        body = client.post(
            url, {**data, "code": "ZZZZZZZZZZ"}, content_type="application/json"
        ).json()
        assert body == {
            "found": False,
            "message": str(publication.MSG_CHECK_NOT_FOUND),
            "unit": "",
            "choice": "",
        }
