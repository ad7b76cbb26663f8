"""The demo's filings and reports go through the services: every state present, versions
and reviews kept, receipts numbered per street and year, overdue items listed."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.management import call_command
from wagtail.models import ModelLogEntry

from disclosures.filings import selectors
from disclosures.filings.choices import FilingStatus, ReportStatus
from disclosures.filings.demo import seed_filings, seed_reports
from disclosures.filings.models import Filing, RegularReport
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_seed_filings_in_every_state(world):
    admin = make_user("demo-admin", is_superuser=True)
    today = date.today()
    counts = seed_filings(region=world.tree.prefecture, actor=admin, today=today, count=50)
    assert set(counts) == set(FilingStatus.values)
    assert sum(counts.values()) == 50
    assert counts[FilingStatus.ACCEPTED] == 32
    resubmitted = Filing.objects.filter(version=2)
    assert resubmitted.count() == 4
    assert all(f.reviews.count() == 2 for f in resubmitted)
    serials = list(
        Filing.objects.filter(status=FilingStatus.ACCEPTED).values_list(
            "street_id", "receipt_year", "receipt_serial"
        )
    )
    assert len(set(serials)) == len(serials)
    assert selectors.filings_review_overdue(user=world.community, today=today).exists()
    filing = Filing.objects.filter(status=FilingStatus.ACCEPTED, version=1).order_by("pk").first()
    assert ModelLogEntry.objects.for_instance(filing).count() == 4


def test_seed_reports(world):
    admin = make_user("demo-admin", is_superuser=True)
    today = date(2025, 11, 20)
    result = seed_reports(region=world.tree.prefecture, actor=admin, today=today)
    # Two committees, the four quarters ended in the past year (since 2024-11-20: the
    # quarter from 2024-10-01 on, then three more to 2025-09-30).
    assert result["reports"] == 8
    assert RegularReport.objects.exclude(status=ReportStatus.PENDING).count() == result["submitted"]
    assert RegularReport.objects.filter(status=ReportStatus.APPROVED).exists()


def test_seed_demo_adds_filings_and_reports_through_its_hook(capsys):
    call_command("seed_demo", compounds=12)
    assert "重大事项报备" in capsys.readouterr().err
    assert Filing.objects.filter(status=FilingStatus.ACCEPTED).exists()
    assert RegularReport.objects.exists()
    before = Filing.objects.count()
    call_command("seed_demo", compounds=12)
    assert Filing.objects.count() == before
