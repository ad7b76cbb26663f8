"""The election verbs in the API (/api/registry/): the admin's services and workflow, the
same permissions and transitions: 403 without the role, 404 outside the jurisdiction,
409 with the Chinese message for a verb the state does not allow, 400 for a broken rule,
nothing half-saved (DOMAIN 2.4, 4.1, §9)."""

from __future__ import annotations

import json

import pytest
from wagtail.models import ModelLogEntry

from committees.choices import CandidateStatus, ElectionStatus
from committees.models import Candidate, Election
from tests.committees.election_flow import as_post, notice_data, vet_all
from tests.committees.review_setup import build_vetting, owner_in

pytestmark = pytest.mark.django_db
API = "/api/registry"


@pytest.fixture
def v(tree):
    return build_vetting(tree)


def post(client, path: str, data: dict | None = None):
    return client.post(
        f"{API}{path}", json.dumps(as_post(data or {})), content_type="application/json"
    )


def test_open_nominate_vet_publish_through_the_api(client, tree, v):
    compound = tree.compounds[1]
    client.force_login(v.street_staff)
    response = post(
        client,
        "/elections/",
        {
            "compound_id": compound.pk,
            "kind": "owners",
            "term_number": 1,
            "seats": 5,
            "started_on": "2026-04-01",
        },
    )
    assert response.status_code == 201, response.content
    election_id = response.json()["id"]
    assert response.json()["status"] == "nominating"
    owner = owner_in(compound, "陈志远")
    options = client.get(f"{API}/elections/{election_id}/owners/", {"q": "陈志"}).json()
    assert [o["id"] for o in options] == [owner.pk]
    response = post(
        client,
        f"/elections/{election_id}/candidates/",
        {"owner_id": owner.pk, "position_sought": "chair", "nominated_on": "2026-04-02"},
    )
    assert response.status_code == 201 and response.json()["name"] == "陈志远"
    election = Election.objects.get(pk=election_id)
    assert ModelLogEntry.objects.for_instance(election).filter(
        action="committees.election.open_nominations", user=v.street_staff
    )


def test_publish_through_the_api_saves_the_notice_with_the_transition(client, v):
    vet_all(v)
    client.force_login(v.street_staff)
    response = post(client, f"/elections/{v.election.pk}/publish", notice_data())
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["status"] == "published" and body["issued_by"] == "开化街道党工委"
    assert ModelLogEntry.objects.for_instance(v.election).filter(
        action="committees.election.publish"
    )
    # Again: the state no longer allows it (409, in Chinese).
    again = post(client, f"/elections/{v.election.pk}/publish", notice_data())
    assert again.status_code == 409
    assert again.json()["detail"] == "当前状态为“候选人已公示”，不能执行“公示候选人”。"


def test_a_bad_notice_is_400_and_nothing_is_saved(client, v):
    vet_all(v)
    client.force_login(v.street_staff)
    bad = notice_data(issued_by=" ", objection_until=notice_data()["notice_from"].replace(day=1))
    response = post(client, f"/elections/{v.election.pk}/publish", bad)
    assert response.status_code == 400
    assert "请填写发布单位" in response.json()["detail"]
    assert "异议受理截止日期应在公示期内" in response.json()["detail"]
    v.election.refresh_from_db()
    assert (v.election.status, v.election.notice_from) == (ElectionStatus.VETTING, None)


def test_wrong_state_verbs_are_409(client, v):
    client.force_login(v.street_staff)
    publish = post(client, f"/elections/{v.election.pk}/publish", notice_data())
    assert publish.status_code == 409 and "提名中" in publish.json()["detail"]
    conclude = post(client, f"/elections/{v.election.pk}/conclude")
    assert conclude.status_code == 409 and "作出联审结论" in conclude.json()["detail"]
    vet_all(v)
    nominate = post(
        client,
        f"/elections/{v.election.pk}/candidates/",
        {"owner_id": owner_in(v.election.compound, "吴刚").pk, "nominated_on": "2026-03-05"},
    )
    assert nominate.status_code == 400 and "不在提名阶段" in nominate.json()["detail"]


def test_nominating_another_compounds_owner_or_a_stranger_is_refused(client, tree, v):
    client.force_login(v.street_staff)
    same_street = owner_in(tree.compounds[1], "郑伟")
    response = post(
        client,
        f"/elections/{v.election.pk}/candidates/",
        {"owner_id": same_street.pk, "nominated_on": "2026-03-03"},
    )
    assert response.status_code == 400
    assert response.json()["detail"] == "候选人必须是本小区的业主。"
    stranger = owner_in(tree.compounds[2], "冯敏")
    response = post(
        client,
        f"/elections/{v.election.pk}/candidates/",
        {"owner_id": stranger.pk, "nominated_on": "2026-03-03"},
    )
    assert response.status_code == 404
    assert response.json()["detail"] == "候选人必须是本小区的业主。"
    assert Candidate.objects.filter(election=v.election).count() == 3


def test_cancel_and_withdraw_need_a_reason(client, v):
    client.force_login(v.street_staff)
    candidate = v.candidates[0]
    assert post(client, f"/candidates/{candidate.pk}/withdraw", {"reason": " "}).status_code == 400
    response = post(client, f"/candidates/{candidate.pk}/withdraw", {"reason": "本人申请"})
    assert response.status_code == 200 and response.json()["status"] == "withdrawn"
    candidate.refresh_from_db()
    assert candidate.status == CandidateStatus.WITHDRAWN
    response = post(client, f"/elections/{v.election.pk}/cancel", {"reason": "重新组织"})
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = post(client, f"/elections/{v.election.pk}/cancel", {"reason": "重新组织"})
    assert again.status_code == 409


def test_outside_the_jurisdiction_is_404_and_without_the_role_403(client, v):
    client.force_login(v.other_street_staff)
    assert post(client, f"/elections/{v.election.pk}/cancel", {"reason": "x"}).status_code == 404
    assert client.get(f"{API}/elections/{v.election.pk}/owners/", {"q": "李"}).status_code == 404
    client.force_login(v.police_reviewer)
    response = post(client, f"/elections/{v.election.pk}/cancel", {"reason": "x"})
    assert response.status_code == 403
    v.election.refresh_from_db()
    assert v.election.status == ElectionStatus.NOMINATING
