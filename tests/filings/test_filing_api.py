"""The filings API: the same permissions and transitions as the services; another
jurisdiction's filing answers 404 like a missing one."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from disclosures.filings import services
from disclosures.filings.choices import FilingStatus
from disclosures.filings.models import FilingRules
from tests.filings.helpers import draft, submitted, vote_date

pytestmark = pytest.mark.django_db

BASE = "/api/registry/filings/"


def test_member_drafts_and_submits_through_the_api(client, world):
    client.force_login(world.member)
    answer = client.post(
        BASE,
        {
            "committee_id": world.committee.pk,
            "matter_type": "hire_company",
            "title": "选聘新物业服务企业",
            "proposal": "公开招标选聘，合同期三年。",
            "planned_vote_on": vote_date().isoformat(),
        },
        content_type="application/json",
    )
    assert answer.status_code == 201, answer.content
    body = answer.json()
    assert body["status"] == FilingStatus.DRAFT
    assert body["street"] == world.tree.streets[0].name
    submit = client.post(f"{BASE}{body['id']}/submit")
    assert submit.status_code == 200, submit.content
    assert submit.json()["status"] == FilingStatus.SUBMITTED
    assert [v["number"] for v in submit.json()["versions"]] == [1]


def test_community_queue_and_approve(client, world):
    filing = submitted(world)
    client.force_login(world.community)
    queue = client.get(f"{BASE}queue/").json()
    assert [row["id"] for row in queue] == [filing.pk]
    answer = client.post(f"{BASE}{filing.pk}/approve", {}, content_type="application/json")
    assert answer.status_code == 200
    assert answer.json()["status"] == FilingStatus.APPROVED
    again = client.post(f"{BASE}{filing.pk}/approve", {}, content_type="application/json")
    assert again.status_code == 409
    assert "不能执行" in again.json()["detail"]


def test_return_without_reason_is_400(client, world):
    filing = submitted(world)
    client.force_login(world.community)
    answer = client.post(
        f"{BASE}{filing.pk}/return", {"reason": ""}, content_type="application/json"
    )
    assert answer.status_code == 400
    assert "理由" in answer.json()["detail"]


def test_member_may_not_approve(client, world):
    filing = submitted(world)
    client.force_login(world.member)
    answer = client.post(f"{BASE}{filing.pk}/approve", {}, content_type="application/json")
    assert answer.status_code == 403


@pytest.mark.parametrize("role", ["other_member", "other_community", "other_street"])
def test_another_jurisdiction_answers_404(client, world, role):
    filing = submitted(world)
    client.force_login(world.by_role(role))
    assert client.get(f"{BASE}{filing.pk}/").status_code == 404
    missing = client.get(f"{BASE}{filing.pk + 1000}/")
    assert missing.status_code == 404
    assert client.get(f"{BASE}{filing.pk}/").json() == missing.json()
    assert client.get(BASE).json()["items"] == []


def test_member_cannot_draft_for_another_compound(client, world):
    client.force_login(world.member)
    answer = client.post(
        BASE,
        {
            "committee_id": world.other_committee.pk,
            "matter_type": "other",
            "title": "x",
            "proposal": "y",
            "planned_vote_on": vote_date().isoformat(),
        },
        content_type="application/json",
    )
    assert answer.status_code == 404


def test_street_accepts_and_gets_receipt(client, world):
    filing = draft(world)
    services.filing_submit(filing=filing, actor=world.member)
    services.filing_approve(filing=filing, actor=world.community)
    client.force_login(world.street)
    answer = client.post(f"{BASE}{filing.pk}/accept")
    assert answer.status_code == 200
    assert answer.json()["receipt_number"].startswith(world.tree.streets[0].code)


def test_compound_filter_outside_the_jurisdiction_is_404(client, world):
    submitted(world)
    client.force_login(world.community)
    own = client.get(BASE, {"compound_id": world.tree.compounds[0].pk})
    assert [row["compound_id"] for row in own.json()["items"]] == [world.tree.compounds[0].pk]
    assert client.get(BASE, {"compound_id": world.tree.compounds[2].pk}).status_code == 404


def test_reports_through_the_api(client, world):
    services.report_schedule_ensure(committee=world.committee, until=date(2024, 7, 31))
    first = world.committee.regular_reports.order_by("period_start").first()
    client.force_login(world.member)
    overdue = client.get(f"{BASE}reports/overdue/").json()
    assert len(overdue) == 2
    answer = client.post(
        f"{BASE}reports/{first.pk}/submit",
        {"content": "一季度工作情况"},
        content_type="application/json",
    )
    assert answer.status_code == 200
    assert answer.json()["status"] == "submitted"
    client.force_login(world.other_community)
    assert client.get(f"{BASE}reports/{first.pk}/").status_code == 404
    client.force_login(world.community)
    answer = client.post(
        f"{BASE}reports/{first.pk}/return", {"reason": ""}, content_type="application/json"
    )
    assert answer.status_code == 400
    answer = client.post(
        f"{BASE}reports/{first.pk}/approve", {"reason": "很好"}, content_type="application/json"
    )
    assert answer.json()["status"] == "approved"
    assert answer.json()["review_note"] == "很好"


def test_detail_tells_earliest_vote_day_and_whether_filing_is_required(client, world, tree):
    FilingRules.objects.create(region=tree.county, large_fund_amount=Decimal("50000.00"))
    small = draft(world, amount=Decimal("49999.99"))
    large = draft(world, amount=Decimal("50000.00"))
    client.force_login(world.member)
    assert client.get(f"{BASE}{small.pk}/").json()["filing_required"] is False
    body = client.get(f"{BASE}{large.pk}/").json()
    assert body["filing_required"] is True
    assert body["earliest_vote_on"] is None
    services.filing_submit(filing=large, actor=world.member)
    services.filing_approve(filing=large, actor=world.community)
    services.filing_accept(filing=large, actor=world.street)
    body = client.get(f"{BASE}{large.pk}/").json()
    assert body["earliest_vote_on"] == (large.accepted_on + timedelta(days=15)).isoformat()
