"""The filing and report rules in force in a compound: a region's :class:`FilingRules`
applies to it and everything under it (the deepest wins), the defaults elsewhere."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from committees.deadlines import WorkCalendar, add_months
from estates.models import Compound

from .choices import MatterType
from .models import FilingRules


@dataclass(frozen=True)
class Rules:
    notice_days: int = 15  # DOMAIN 11.2: default N = 15
    large_fund_amount: Decimal = Decimal("100000.00")  # DOMAIN 0.5 "large" funds; local
    review_days: int = 7  # local practice (L)
    report_interval_months: int = 3  # DOMAIN 11.3: quarterly by default
    report_grace_days: int = 15

    @classmethod
    def from_profile(cls, profile: FilingRules) -> Rules:
        return cls(**{f: getattr(profile, f) for f in cls.__dataclass_fields__})

    def earliest_vote_on(self, accepted_on: date) -> date:
        """DOMAIN 11.2: the street receives the filing at least N days before the vote;
        calendar days, the day of receipt excluded (DOMAIN 1.10)."""
        return accepted_on + timedelta(days=self.notice_days)

    def review_due_on(self, submitted_on: date, *, work_calendar: WorkCalendar | None = None):
        """The community's review deadline: calendar days from the day after submission,
        moved off a rest day (DOMAIN 1.10)."""
        return (work_calendar or WorkCalendar.load()).due_date(submitted_on, self.review_days)

    def is_large_fund_use(self, amount: Decimal | None) -> bool:
        return amount is not None and amount >= self.large_fund_amount

    def filing_required(self, matter_type: str, amount: Decimal | None = None) -> bool:
        """Whether a vote on this matter needs an accepted filing first (DOMAIN 11.2):
        every listed matter does; a maintenance-fund use only from the local "large"
        amount on (DOMAIN 0.5)."""
        if matter_type == MatterType.USE_FUND:
            return self.is_large_fund_use(amount)
        return True

    def report_periods(self, start: date, until: date) -> list[tuple[date, date, date]]:
        """(period start, period end, due date) of every period of a schedule starting on
        ``start`` that has ended by ``until``."""
        periods = []
        period_start = start
        while True:
            next_start = add_months(period_start, self.report_interval_months)
            period_end = next_start - timedelta(days=1)
            if period_end > until:
                return periods
            periods.append(
                (period_start, period_end, period_end + timedelta(days=self.report_grace_days))
            )
            period_start = next_start


DEFAULT_RULES = Rules()


class RuleBook:
    """Every region's rules loaded once (one query); the deepest region's rules win."""

    def __init__(self, profiles: list[tuple[str, Rules]]):
        self.profiles = sorted(profiles, key=lambda item: len(item[0]), reverse=True)

    @classmethod
    def load(cls) -> RuleBook:
        return cls([(p.region_path, Rules.from_profile(p)) for p in FilingRules.objects.all()])

    def for_path(self, region_path: str) -> Rules:
        for path, rules in self.profiles:
            if region_path.startswith(path):
                return rules
        return DEFAULT_RULES


def filing_rules_for(compound: Compound) -> Rules:
    return RuleBook.load().for_path(compound.region_path)
