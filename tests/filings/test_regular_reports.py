"""Regular reports to the community party organisation (DOMAIN 11.3): a schedule per
committee (quarterly by default, configurable per region), submitted by the committee,
reviewed by the community, overdue ones listed."""

from __future__ import annotations

from datetime import date
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from common.transitions import InvalidTransition
from disclosures.filings import selectors, services
from disclosures.filings.choices import ReportStatus
from disclosures.filings.models import FilingRules, RegularReport

pytestmark = pytest.mark.django_db


def periods(committee):
    return list(
        committee.regular_reports.order_by("period_start").values_list(
            "period_start", "period_end", "due_on"
        )
    )


def test_domain_11_3_quarterly_by_default(world):
    committee = world.committee  # formed 2024-03-01
    created = services.report_schedule_ensure(committee=committee, until=date(2024, 10, 20))
    assert created == 3
    assert periods(committee) == [
        (date(2024, 1, 1), date(2024, 3, 31), date(2024, 4, 15)),
        (date(2024, 4, 1), date(2024, 6, 30), date(2024, 7, 15)),
        (date(2024, 7, 1), date(2024, 9, 30), date(2024, 10, 15)),
    ]
    # Running again adds nothing; a later day adds the periods since ended.
    assert services.report_schedule_ensure(committee=committee, until=date(2024, 10, 20)) == 0
    assert services.report_schedule_ensure(committee=committee, until=date(2025, 1, 1)) == 1


def test_region_sets_a_monthly_schedule(tree, world):
    FilingRules.objects.create(region=tree.streets[0], report_interval_months=1)
    services.report_schedule_ensure(committee=world.committee, until=date(2024, 5, 31))
    assert [p[0] for p in periods(world.committee)] == [
        date(2024, 3, 1),
        date(2024, 4, 1),
        date(2024, 5, 1),
    ]


def test_submit_review_return_resubmit(world):
    services.report_schedule_ensure(committee=world.committee, until=date(2024, 4, 30))
    report = world.committee.regular_reports.get()
    with pytest.raises(ValidationError, match="报告内容"):
        services.report_submit(report=report, actor=world.member, content=" ")
    services.report_submit(report=report, actor=world.member, content="一季度工作情况……")
    assert report.status == ReportStatus.SUBMITTED
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, actor=world.other_community)
    services.report_return(report=report, actor=world.community, reason="缺少收支情况")
    assert (report.status, report.review_note) == (ReportStatus.RETURNED, "缺少收支情况")
    services.report_submit(report=report, actor=world.member, content="一季度工作及收支情况")
    services.report_approve(report=report, actor=world.community)
    report.refresh_from_db()
    assert report.status == ReportStatus.APPROVED
    with pytest.raises(InvalidTransition):
        services.report_submit(report=report, actor=world.member, content="再交一次")


def test_community_cannot_submit_and_member_cannot_review(world):
    services.report_schedule_ensure(committee=world.committee, until=date(2024, 4, 30))
    report = world.committee.regular_reports.get()
    with pytest.raises(PermissionDenied):
        services.report_submit(report=report, actor=world.community, content="代交")
    services.report_submit(report=report, actor=world.member, content="一季度工作情况")
    with pytest.raises(PermissionDenied):
        services.report_approve(report=report, actor=world.member)


def test_overdue_reports_listed_in_jurisdiction_only(world):
    services.report_schedule_ensure(committee=world.committee, until=date(2024, 7, 31))
    services.report_schedule_ensure(committee=world.other_committee, until=date(2024, 7, 31))
    first, second = world.committee.regular_reports.order_by("period_start")
    services.report_submit(report=first, actor=world.member, content="一季度工作情况")
    overdue = list(selectors.reports_overdue(user=world.community, today=date(2024, 7, 16)))
    assert overdue == [second]
    assert list(selectors.reports_overdue(user=world.community, today=date(2024, 7, 15))) == []
    other = list(selectors.reports_overdue(user=world.other_community, today=date(2024, 7, 16)))
    assert {r.committee_id for r in other} == {world.other_committee.pk}
    assert RegularReport.objects.count() == 4


def test_schedule_command_covers_every_active_committee(world):
    out = StringIO()
    call_command("filings_schedule_reports", "--until", "2024-07-01", stdout=out)
    assert "新生成定期报告 4 份" in out.getvalue()
    assert world.committee.regular_reports.count() == 2
    assert world.other_committee.regular_reports.count() == 2
    out = StringIO()
    call_command("filings_schedule_reports", "--until", "2024-07-01", stdout=out)
    assert "新生成定期报告 0 份" in out.getvalue()
