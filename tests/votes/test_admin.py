"""The votes back office: start, open, enter paper ballots by keyboard, check, count."""

from datetime import timedelta

import pytest
from django.urls import reverse

from disclosures.votes.models import Ballot, Vote
from tests.votes.helpers import accepted_filing, checker, open_vote, today

pytestmark = pytest.mark.django_db


def url(name: str, *args) -> str:
    return reverse(f"votes_vote:{name}", args=args)


def test_a_committee_member_runs_a_vote_from_the_admin(client, world):
    filing = accepted_filing(world)
    client.force_login(world.member)
    assert client.get(url("index")).status_code == 200
    response = client.post(
        url("start"),
        {
            "filing": filing.pk,
            "title": "",
            "starts_on": today() - timedelta(days=1),
            "ends_on": today() + timedelta(days=7),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    vote = Vote.objects.get()
    assert vote.title == filing.title
    assert client.post(url("action", vote.pk, "open"), {"reason": ""}).status_code == 302
    vote.refresh_from_db()
    assert vote.status == "open"

    page = client.get(url("entry", vote.pk))
    assert page.status_code == 200
    rows = list(vote.electorate.filter(building_name="1栋").order_by("entrance", "room"))
    assert f'name="choice-{rows[0].pk}"' in page.content.decode()

    # A wrong key refuses the whole page, naming the row.
    bad = client.post(
        url("entry", vote.pk),
        {"building": "1栋", f"choice-{rows[0].pk}": "1", f"choice-{rows[1].pk}": "9"},
    )
    assert bad.status_code == 200
    assert "无法识别的表决意见" in bad.content.decode()
    assert not Ballot.objects.exists()

    good = client.post(
        url("entry", vote.pk),
        {"building": "1栋", f"choice-{rows[0].pk}": "1", f"choice-{rows[1].pk}": "2"},
    )
    assert good.status_code == 302
    assert sorted(Ballot.objects.values_list("choice", flat=True)) == ["agree", "oppose"]
    batch = Ballot.objects.first().batch

    inspect = client.get(url("inspect", vote.pk)).content.decode()
    assert "实时参与情况" in inspect and "待第二人复核" in inspect

    # Four eyes: the member who entered cannot check; a second member can.
    client.post(url("batch", vote.pk, batch.pk, "confirm"))
    batch.refresh_from_db()
    assert batch.confirmed_at is None
    client.force_login(checker(world))
    assert client.get(url("batch", vote.pk, batch.pk, "confirm")).status_code == 200
    assert client.post(url("batch", vote.pk, batch.pk, "confirm")).status_code == 302
    batch.refresh_from_db()
    assert batch.confirmed_by == checker(world)
    inspect = client.get(url("inspect", vote.pk)).content.decode()
    assert "参与表决 2 人" in inspect


def test_another_compounds_member_gets_404(client, world):
    vote = open_vote(world)
    client.force_login(world.other_member)
    assert client.get(url("inspect", vote.pk)).status_code == 404
    assert client.get(url("entry", vote.pk)).status_code == 404
    assert vote.pk not in [v.pk for v in client.get(url("index")).context["object_list"]]


def test_staff_following_votes_see_them_but_cannot_enter(client, world):
    vote = open_vote(world)
    client.force_login(world.community)
    assert client.get(url("inspect", vote.pk)).status_code == 200
    # Wagtail answers a refused permission by sending the user back to the dashboard.
    refused = client.get(url("entry", vote.pk))
    assert refused.status_code == 302 and refused.url == reverse("wagtailadmin_home")
