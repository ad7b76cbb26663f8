"""The filings back office: the committee drafts through its form, each verb asks for
confirmation and then fires, the community officer's queue shows due dates, and another
jurisdiction's filing answers 404."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse

from disclosures.filings import services
from disclosures.filings.choices import FilingStatus
from disclosures.filings.models import Filing
from tests.filings.helpers import approved, draft, submitted, vote_date

pytestmark = pytest.mark.django_db


def test_member_drafts_through_the_form(client, world):
    client.force_login(world.member)
    url = reverse("filings_filing:draft")
    page = client.get(url)
    assert page.status_code == 200
    assert "起草重大事项报备" in page.content.decode()
    answer = client.post(
        url,
        {
            "committee": world.committee.pk,
            "matter_type": "hire_company",
            "title": "选聘新物业服务企业",
            "proposal": "公开招标选聘，合同期三年。",
            "planned_vote_on": vote_date().isoformat(),
            "scope_kind": "compound",
        },
    )
    filing = Filing.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == reverse("filings_filing:inspect", args=[filing.pk])
    assert filing.street == world.tree.streets[0]


def test_form_shows_service_refusal(client, world):
    client.force_login(world.member)
    answer = client.post(
        reverse("filings_filing:draft"),
        {
            "committee": world.committee.pk,
            "matter_type": "hire_company",
            "title": "选聘",
            "proposal": "x",
            "amount": "100",
            "planned_vote_on": vote_date().isoformat(),
            "scope_kind": "compound",
        },
    )
    assert answer.status_code == 200
    assert "不填写金额" in answer.content.decode()
    assert not Filing.objects.exists()


def test_submit_confirms_then_fires(client, world):
    filing = draft(world)
    client.force_login(world.member)
    url = reverse("filings_filing:action", args=[filing.pk, "submit"])
    confirm = client.get(url)
    assert confirm.status_code == 200
    assert "确认提交报备" in confirm.content.decode()
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT  # a GET changes nothing
    client.post(url)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_community_returns_with_reason_and_committee_sees_it(client, world):
    filing = submitted(world)
    client.force_login(world.community)
    url = reverse("filings_filing:action", args=[filing.pk, "return"])
    answer = client.post(url, {"reason": ""}, follow=True)
    assert "需要填写理由" in answer.content.decode()
    client.post(url, {"reason": "请补充业主意见征询结果。"})
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    client.force_login(world.member)
    page = client.get(reverse("filings_filing:inspect", args=[filing.pk])).content.decode()
    assert "请补充业主意见征询结果。" in page
    assert reverse("filings_filing:revise", args=[filing.pk]) in page


def test_street_accepts_and_inspect_shows_receipt(client, world):
    filing = approved(world)
    client.force_login(world.street)
    client.post(reverse("filings_filing:action", args=[filing.pk, "accept"]))
    filing.refresh_from_db()
    assert filing.status == FilingStatus.ACCEPTED
    page = client.get(reverse("filings_filing:inspect", args=[filing.pk])).content.decode()
    assert filing.receipt_number in page


def test_member_may_not_open_the_approve_screen(client, world):
    filing = submitted(world)
    client.force_login(world.member)
    url = reverse("filings_filing:action", args=[filing.pk, "approve"])
    # Wagtail's admin answers a refusal by sending the user home with a message.
    assert client.get(url).status_code in (302, 403)
    assert client.post(url).status_code in (302, 403)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED


def test_queue_shows_due_dates(client, world):
    filing = submitted(world)
    client.force_login(world.community)
    page = client.get(reverse("filings_queue:index")).content.decode()
    assert filing.title in page
    assert f"{filing.review_due_on:%Y-%m-%d}" in page
    dashboard = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "重大事项报备待办" in dashboard


@pytest.mark.parametrize("role", ["other_member", "other_community", "other_street"])
def test_another_jurisdiction_answers_404(client, world, role):
    filing = submitted(world)
    client.force_login(world.by_role(role))
    assert client.get(reverse("filings_filing:inspect", args=[filing.pk])).status_code == 404
    verb_url = reverse("filings_filing:action", args=[filing.pk, "approve"])
    assert client.get(verb_url).status_code in (403, 404)
    listing = client.get(reverse("filings_filing:index")).content.decode()
    assert filing.title not in listing


def test_listing_and_filters(client, world):
    one = submitted(world, title="电梯大修")
    services.filing_return(filing=one, actor=world.community, reason="补材料")
    draft(world, title="门岗外包方案", matter_type="other", amount=None)
    client.force_login(world.community)
    page = client.get(reverse("filings_filing:index"), {"status": "returned"}).content.decode()
    assert "电梯大修" in page
    assert "门岗外包方案" not in page


def test_reports_action_screens(client, world):
    services.report_schedule_ensure(committee=world.committee, until=date(2024, 4, 30))
    report = world.committee.regular_reports.get()
    client.force_login(world.member)
    url = reverse("filings_regularreport:action", args=[report.pk, "submit"])
    assert client.get(url).status_code == 200
    client.post(url, {"content": "一季度召开业委会会议3次。"})
    report.refresh_from_db()
    assert report.status == "submitted"
    client.force_login(world.community)
    client.post(
        reverse("filings_regularreport:action", args=[report.pk, "approve"]), {"reason": ""}
    )
    report.refresh_from_db()
    assert report.status == "approved"


def test_review_screen_shows_the_compound_and_its_recent_filings(client, world):
    earlier = draft(world, title="门岗外包方案", matter_type="other", amount=None)
    filing = submitted(world)
    draft(world, committee=world.other_committee, actor=world.other_member, title="别处的报备")
    client.force_login(world.community)
    page = client.get(reverse("filings_filing:inspect", args=[filing.pk])).content.decode()
    assert filing.proposal in page
    assert str(world.committee) in page
    assert earlier.title in page
    assert "别处的报备" not in page


def test_inspect_shows_an_empty_text_field_as_none_in_words(client, world):
    filing = submitted(world)
    assert filing.scope_note == ""
    client.force_login(world.member)
    page = client.get(reverse("filings_filing:inspect", args=[filing.pk])).content.decode()
    start = page.index("范围说明")
    following = re.sub(r"<[^>]+>|\s", "", page[start : start + 400])
    assert following.startswith("范围说明无")
