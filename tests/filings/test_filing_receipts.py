"""报备回执编号: unique per street and year, issued when the street receives the filing;
a vote may open only N days after that (DOMAIN 11.2)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from disclosures.filings import services
from disclosures.filings.models import Filing, FilingRules
from disclosures.filings.selectors import filing_vote_may_open
from tests.filings.helpers import World, accepted, approved, draft

pytestmark = pytest.mark.django_db


def test_receipts_numbered_in_order_per_street_and_year(world):
    first = accepted(world)
    second = accepted(world)
    street = world.tree.streets[0]
    year = timezone.localdate().year
    assert (first.receipt_serial, second.receipt_serial) == (1, 2)
    assert second.receipt_number == f"{street.code}-{year}-0002"


def test_each_street_counts_its_own_receipts(world):
    own = accepted(world)
    other = draft(world, committee=world.other_committee, actor=world.other_member)
    services.filing_submit(filing=other, actor=world.other_member)
    services.filing_approve(filing=other, actor=world.other_community)
    services.filing_accept(filing=other, actor=world.other_street)
    assert own.receipt_serial == other.receipt_serial == 1
    assert own.receipt_number != other.receipt_number
    assert other.street == world.tree.streets[1]


def test_a_new_year_starts_again_at_one(world):
    old = approved(world)
    services.filing_accept(filing=old, actor=world.street, on=date(2025, 12, 31))
    new = approved(world)
    services.filing_accept(filing=new, actor=world.street, on=date(2026, 1, 2))
    assert (old.receipt_year, old.receipt_serial) == (2025, 1)
    assert (new.receipt_year, new.receipt_serial) == (2026, 1)


def test_database_refuses_a_second_receipt_with_the_same_serial(world):
    first = accepted(world)
    second = approved(world)
    with pytest.raises(IntegrityError), transaction.atomic():
        Filing.objects.filter(pk=second.pk).update(
            receipt_year=first.receipt_year, receipt_serial=first.receipt_serial
        )


def test_domain_11_2_vote_opens_only_notice_days_after_acceptance(world):
    filing = approved(world)
    assert not filing_vote_may_open(filing)
    on = timezone.localdate()
    services.filing_accept(filing=filing, actor=world.street, on=on)
    assert not filing_vote_may_open(filing, on + timedelta(days=14))
    assert filing_vote_may_open(filing, on + timedelta(days=15))


def test_region_rule_changes_the_notice_days(tree):
    FilingRules.objects.create(region=tree.prefecture, notice_days=20)
    world = World(tree)
    filing = approved(world)
    on = timezone.localdate()
    services.filing_accept(filing=filing, actor=world.street, on=on)
    assert not filing_vote_may_open(filing, on + timedelta(days=19))
    assert filing_vote_may_open(filing, on + timedelta(days=20))
