"""Review deadlines (calendar days from the day after submission, moved off rest days,
DOMAIN 1.10), the community's queue and the overdue listing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone

from committees.deadlines import WorkCalendar
from disclosures.filings import selectors, services
from disclosures.filings.models import FilingRules
from disclosures.filings.rules import filing_rules_for
from tests.filings.helpers import draft, submitted

pytestmark = pytest.mark.django_db


def test_domain_1_10_review_deadline_counts_from_the_next_day(world):
    rules = filing_rules_for(world.tree.compounds[0])
    # Submitted Thursday 2025-03-20: 7 days → Thursday 03-27, a working day.
    assert rules.review_due_on(date(2025, 3, 20), work_calendar=WorkCalendar()) == date(2025, 3, 27)


def test_domain_1_10_review_deadline_on_a_rest_day_moves_on(tree, world):
    FilingRules.objects.create(region=tree.province, review_days=10)
    rules = filing_rules_for(tree.compounds[0])
    # 2025-03-20 + 10 = 2025-03-30, a Sunday → Monday 03-31.
    assert rules.review_due_on(date(2025, 3, 20), work_calendar=WorkCalendar()) == date(2025, 3, 31)
    # 2025-09-24 + 7 = 10-01, National Day (rest until 10-08) → Thursday 10-09.
    calendar = WorkCalendar.load()
    assert FilingRules.objects.get().review_days == 10
    assert filing_rules_for(tree.compounds[0]).review_due_on(
        date(2025, 9, 21), work_calendar=calendar
    ) == date(2025, 10, 9)


def test_submission_sets_the_review_deadline(world):
    filing = submitted(world)
    rules = filing_rules_for(world.tree.compounds[0])
    assert filing.review_due_on == rules.review_due_on(timezone.localdate())
    assert filing.review_due_on >= timezone.localdate() + timedelta(days=7)


def test_queue_lists_nearest_deadline_first_and_only_own_jurisdiction(world):
    late = submitted(world, title="先提交")
    services_later = submitted(world, title="后提交")
    other = draft(world, committee=world.other_committee, actor=world.other_member)
    services.filing_submit(filing=other, actor=world.other_member)
    late.review_due_on = late.review_due_on - timedelta(days=3)
    type(late).objects.filter(pk=late.pk).update(review_due_on=late.review_due_on)
    queue = list(selectors.filing_review_queue(user=world.community))
    assert queue == [late, services_later]
    assert list(selectors.filing_review_queue(user=world.other_community)) == [other]


def test_overdue_listing(world):
    filing = submitted(world)
    due = filing.review_due_on
    assert list(selectors.filings_review_overdue(user=world.community, today=due)) == []
    after = due + timedelta(days=1)
    assert list(selectors.filings_review_overdue(user=world.community, today=after)) == [filing]
    assert list(selectors.filings_review_overdue(user=world.other_community, today=after)) == []
    services.filing_approve(filing=filing, actor=world.community)
    assert list(selectors.filings_review_overdue(user=world.community, today=after)) == []
    review = filing.reviews.get()
    assert review.due_on == due
