"""governance_stats counts filings, accepted filings, regular reports and overdue ones
per region subtree (DOMAIN 0.5, 11.3)."""

from __future__ import annotations

from datetime import date

import pytest

from disclosures.filings import services
from estates.stats import governance_stats
from tests.filings.helpers import accepted, draft, submitted

pytestmark = pytest.mark.django_db

KEYS = ["filings", "filings_accepted", "regular_reports", "regular_reports_overdue"]


def test_figures_per_subtree(world):
    accepted(world)
    submitted(world)
    draft(world)  # a draft is not yet a filing
    services.report_schedule_ensure(committee=world.committee, until=date(2024, 9, 30))
    first = world.committee.regular_reports.order_by("period_start").first()
    services.report_submit(report=first, actor=world.member, content="一季度工作情况")
    tree = world.tree
    assert governance_stats(tree.streets[0], KEYS) == {
        "filings": 2,
        "filings_accepted": 1,
        "regular_reports": 1,
        "regular_reports_overdue": 2,
    }
    assert governance_stats(tree.streets[1], KEYS) == dict.fromkeys(KEYS, 0)
    assert governance_stats(tree.prefecture, KEYS)["filings"] == 2
