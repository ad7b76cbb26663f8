"""Filings on the admin home (common.dashboard): the community officer sees the filings
to review with the nearest deadline, the street officer those to receive, the committee
its returned filings; each scoped, each linking to its list, constant queries."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from disclosures.filings import services
from tests.filings.helpers import approved, submitted

pytestmark = pytest.mark.django_db
HOME = "/admin/"


def card(client, user, key: str) -> str:
    client.force_login(user)
    page = client.get(HOME).content.decode()
    match = re.search(rf'data-duty="{re.escape(key)}">(.*?)</li>', page, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip() if match else ""


def test_community_officer_sees_filings_to_review_with_deadline(client, world):
    filing = submitted(world)
    text = card(client, world.community, "filings.to_review")
    assert text.startswith("1 待审核的重大事项报备")
    assert f"最早{filing.review_due_on:%m-%d}到期" in text
    # Another community's officer has nothing of it.
    assert card(client, world.other_community, "filings.to_review").startswith("0 ")
    # A committee member does not review filings.
    assert card(client, world.member, "filings.to_review") == ""


def test_street_officer_sees_filings_to_receive_and_the_link(client, world):
    approved(world)
    assert card(client, world.street, "filings.to_accept").startswith("1 待接收的报备")
    client.force_login(world.street)
    assert f'href="{reverse("filings_queue:index")}"' in client.get(HOME).content.decode()
    assert card(client, world.other_street, "filings.to_accept").startswith("0 ")


def test_committee_sees_its_returned_filings(client, world):
    filing = submitted(world)
    services.filing_return(filing=filing, actor=world.community, reason="请补充电梯维修报价单。")
    assert card(client, world.member, "filings.returned").startswith("1 被退回待修改的报备")
    assert card(client, world.other_member, "filings.returned").startswith("0 ")


def test_community_dashboard_query_count_is_constant(client, world):
    client.force_login(world.community)
    client.get(HOME)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(HOME).status_code == 200
        return len(ctx.captured_queries)

    submitted(world)
    small = count()
    for i in range(4):
        submitted(world, title=f"第{i}项共有部分收益支出")
    assert count() == small
