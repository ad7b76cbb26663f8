"""``python manage.py tally_vote VOTE_ID --format json|text``."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from disclosures.votes import services
from tests.votes.helpers import confirm_all, draft_vote, open_vote

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("tally_vote", *args, stdout=out)
    return out.getvalue()


def test_json_and_text_give_the_exact_figures(world):
    vote = open_vote(world)
    services.ballot_enter(
        vote=vote, actor=world.member, building="1栋", entrance="1单元", room="101", choice="同意"
    )
    confirm_all(world, vote)
    data = json.loads(run(str(vote.pk), "--format", "json"))
    assert data["vote"] == vote.pk and data["status"] == "open"
    assert data["participating"] == {"heads": 1, "units": 1, "area": "89.50"}
    heads = {c["key"]: c for c in data["checks"]}["quorum_heads"]
    assert heads["fraction"] == f"1/{vote.electorate_heads}"
    assert not heads["met"] and heads["shortfall_text"].startswith("还差")
    assert data["outcome"] == "no_quorum"
    text = run(str(vote.pk))
    assert "参与表决 1 人，89.50 ㎡" in text
    assert "表决结果：" in text


def test_unknown_and_unopened_votes_are_refused(world):
    with pytest.raises(CommandError):
        run("999999")
    with pytest.raises(CommandError):
        run(str(draft_vote(world).pk))
