"""The filing workflow end to end: draft → submitted → approved / returned → accepted
(DOMAIN 11.2), versions kept, reviews recorded, audit entries written."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from wagtail.models import ModelLogEntry

from disclosures.filings import services
from disclosures.filings.choices import FilingStatus, MatterType, ReviewDecision
from tests.filings.helpers import approved, draft, submitted, vote_date

pytestmark = pytest.mark.django_db


def test_full_path_to_street_receipt(world):
    filing = approved(world)
    services.filing_accept(filing=filing, actor=world.street)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.ACCEPTED
    assert filing.accepted_on is not None
    assert filing.receipt_number == f"{world.tree.streets[0].code}-{filing.accepted_on.year}-0001"
    assert filing.street == world.tree.streets[0]
    actions = list(
        ModelLogEntry.objects.for_instance(filing)
        .order_by("timestamp", "pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "wagtail.create",
        "filings.filing.submit",
        "filings.filing.approve",
        "filings.filing.accept",
    ]


def test_returned_filing_resubmitted_keeps_every_version(world):
    filing = submitted(world)
    services.filing_return(filing=filing, actor=world.community, reason="预算缺少第三方报价。")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.RETURNED
    assert filing.return_reason == "预算缺少第三方报价。"
    services.filing_update(filing=filing, actor=world.member, proposal="附三家报价，选最低价。")
    services.filing_submit(filing=filing, actor=world.member)
    filing.refresh_from_db()
    assert filing.version == 2
    versions = list(filing.versions.order_by("number"))
    assert [v.number for v in versions] == [1, 2]
    assert versions[0].proposal == "更换1栋两部电梯曳引机，预算由维修资金列支。"
    assert versions[1].proposal == "附三家报价，选最低价。"
    services.filing_approve(filing=filing, actor=world.community)
    reviews = list(filing.reviews.order_by("reviewed_at").select_related("version"))
    assert [(r.version.number, r.decision) for r in reviews] == [
        (1, ReviewDecision.RETURNED),
        (2, ReviewDecision.APPROVED),
    ]
    assert reviews[0].reason == "预算缺少第三方报价。"


def test_return_requires_reason(world):
    filing = submitted(world)
    with pytest.raises(ValidationError, match="理由"):
        services.filing_return(filing=filing, actor=world.community, reason="  ")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED
    assert not filing.reviews.exists()


def test_only_draft_or_returned_editable(world):
    filing = submitted(world)
    with pytest.raises(ValidationError, match="只有草稿或已退回"):
        services.filing_update(filing=filing, actor=world.member, title="改名")


def test_fund_matter_needs_amount_to_submit(world):
    filing = draft(world, amount=None)
    with pytest.raises(ValidationError, match="须填写金额"):
        services.filing_submit(filing=filing, actor=world.member)
    filing.refresh_from_db()
    assert filing.status == FilingStatus.DRAFT
    assert not filing.versions.exists()


def test_amount_refused_for_matter_without_money(world):
    with pytest.raises(ValidationError):
        draft(world, matter_type=MatterType.HIRE_COMPANY, amount=1)


def test_domain_11_2_vote_date_too_close_refused_at_submission(world):
    filing = draft(world, planned_vote_on=vote_date(10))
    with pytest.raises(ValidationError, match="至少15天"):
        services.filing_submit(filing=filing, actor=world.member)
    services.filing_update(filing=filing, actor=world.member, planned_vote_on=vote_date(15))
    services.filing_submit(filing=filing, actor=world.member)
    assert filing.status == FilingStatus.SUBMITTED
