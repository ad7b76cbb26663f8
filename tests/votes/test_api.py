"""The votes API: scoped like the rest, through the same services and transitions."""

from __future__ import annotations

from datetime import timedelta
from fractions import Fraction

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from ninja.testing import TestClient

from config.api import api as project_api
from disclosures.votes.models import Ballot
from disclosures.votes.tally import fraction_text
from tests.votes.helpers import accepted_filing, checker, open_vote, today

pytestmark = pytest.mark.django_db


class _VotesApi:
    def __init__(self):
        self.client = TestClient(project_api)

    def get(self, path: str, **kwargs):
        return self.client.get(f"/registry/votes{path}", **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post(f"/registry/votes{path}", **kwargs)


@pytest.fixture
def api():
    return _VotesApi()


def test_a_committee_creates_opens_enters_and_counts(api, world):
    filing = accepted_filing(world)
    payload = {
        "filing_id": filing.pk,
        "starts_on": str(today() - timedelta(days=1)),
        "ends_on": str(today() + timedelta(days=7)),
    }
    created = api.post("/", json=payload, user=world.member)
    assert created.status_code == 201, created.content
    vote_id = created.json()["id"]
    assert created.json()["status"] == "draft"

    opened = api.post(f"/{vote_id}/open", user=world.member)
    assert opened.status_code == 200 and opened.json()["status"] == "open"
    heads = opened.json()["electorate_heads"]

    entered = api.post(
        f"/{vote_id}/ballots/",
        json={"building": "1栋", "entrance": "1单元", "room": "101", "choice": "agree"},
        user=world.member,
    )
    assert entered.status_code == 201, entered.content
    assert entered.json()["entered_by"] == world.member.username

    again = api.post(
        f"/{vote_id}/ballots/",
        json={"building": "1栋", "entrance": "1单元", "room": "101", "choice": "oppose"},
        user=world.member,
    )
    assert again.status_code == 400 and "已有表决票" in again.json()["detail"]

    upload = SimpleUploadedFile(
        "票.csv", "楼栋,单元,房号,表决意见\n1栋,1单元,102,同意\n".encode("gbk")
    )
    imported = api.post(f"/{vote_id}/ballots/import", FILES={"file": upload}, user=world.member)
    assert imported.status_code == 201, imported.content
    assert imported.json() == {"imported": 1}

    # Four eyes: nothing counts until a second member has checked each batch.
    pending = api.get(f"/{vote_id}/result", user=world.community).json()
    assert pending["participating"]["heads"] == 0 and pending["unconfirmed_ballots"] == 2
    batches = api.get(f"/{vote_id}/batches/", user=world.member).json()
    assert [(b["source"], b["ballots"]) for b in batches] == [("entered", 1), ("imported", 1)]
    own = api.post(f"/{vote_id}/batches/{batches[0]['id']}/confirm", user=world.member)
    assert own.status_code == 400
    for batch in batches:
        confirmed = api.post(f"/{vote_id}/batches/{batch['id']}/confirm", user=checker(world))
        assert confirmed.status_code == 200 and confirmed.json()["confirmed_at"]

    live = api.get(f"/{vote_id}/result", user=world.community)
    assert live.status_code == 200
    quorum = {c["key"]: c for c in live.json()["checks"]}["quorum_heads"]
    assert quorum["fraction"] == fraction_text(Fraction(2, heads))
    assert quorum["value"] == "2" and quorum["of"] == str(heads)

    ballots = api.get(f"/{vote_id}/ballots/", user=world.community)
    assert [b["room"] for b in ballots.json()["items"]] == ["101", "102"]

    assert api.post(f"/{vote_id}/count", user=world.member).status_code == 409
    assert api.post(f"/{vote_id}/close", user=world.member).status_code == 200
    counted = api.post(f"/{vote_id}/count", user=world.member)
    assert counted.status_code == 200 and counted.json()["status"] == "counted"
    assert api.get(f"/{vote_id}/result", user=world.member).json()["outcome"] == "no_quorum"


def test_another_jurisdiction_sees_nothing(api, world):
    vote = open_vote(world)
    assert api.get(f"/{vote.pk}/", user=world.other_member).status_code == 404
    assert api.get(f"/{vote.pk}/", user=world.other_street).status_code == 404
    assert api.get("/", user=world.other_street).json()["items"] == []
    assert [v["id"] for v in api.get("/", user=world.street).json()["items"]] == [vote.pk]
    refused = api.post(
        f"/{vote.pk}/ballots/",
        json={"building": "1栋", "room": "101", "choice": "agree"},
        user=world.other_member,
    )
    assert refused.status_code in (403, 404)
    assert not Ballot.objects.exists()


def test_staff_who_follow_votes_cannot_enter_ballots(api, world):
    vote = open_vote(world)
    refused = api.post(
        f"/{vote.pk}/ballots/",
        json={"building": "1栋", "entrance": "1单元", "room": "101", "choice": "agree"},
        user=world.community,
    )
    assert refused.status_code == 403


def test_the_scan_of_a_batch_is_a_document_the_caller_may_read(api, world):
    from django.core.files.base import ContentFile
    from wagtail.documents import get_document_model

    vote = open_vote(world)
    api.post(
        f"/{vote.pk}/ballots/",
        json={"building": "1栋", "entrance": "1单元", "room": "101", "choice": "agree"},
        user=world.member,
    )
    batch = vote.batches.get()
    documents = get_document_model()
    mine = documents.objects.create(
        title="一号楼表决票扫描件",
        file=ContentFile(b"%PDF-1.4", name="scan.pdf"),
        uploaded_by_user=world.member,
    )
    theirs = documents.objects.create(
        title="他人文件",
        file=ContentFile(b"%PDF-1.4", name="other.pdf"),
        uploaded_by_user=world.other_member,
    )
    refused = api.post(
        f"/{vote.pk}/batches/{batch.pk}/scan", json={"document_id": theirs.pk}, user=world.member
    )
    assert refused.status_code == 404
    attached = api.post(
        f"/{vote.pk}/batches/{batch.pk}/scan", json={"document_id": mine.pk}, user=world.member
    )
    assert attached.status_code == 200 and attached.json()["scan_id"] == mine.pk
