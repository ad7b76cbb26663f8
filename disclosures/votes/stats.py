"""Owners' vote figures for a region's subtree (DOMAIN §1), registered in
:data:`estates.stats.STATISTICS`."""

from __future__ import annotations

from estates.models import Region
from estates.stats import statistic

from .choices import Outcome, VoteStatus
from .models import Vote


@statistic("votes")
def votes_count(region: Region) -> int:
    """Votes put to the owners: opened (electorate frozen), whether still open, closed or
    counted; drafts and cancelled votes not counted."""
    return Vote.objects.filter(
        compound__region_path__startswith=region.path,
        status__in=[VoteStatus.OPEN, VoteStatus.CLOSED, VoteStatus.COUNTED],
    ).count()


@statistic("votes_passed")
def votes_passed_count(region: Region) -> int:
    """Counted votes whose result is that the matter passed (DOMAIN 1.3–1.4 met on both
    measures), a result still in its objection window included."""
    return Vote.objects.filter(
        compound__region_path__startswith=region.path,
        status=VoteStatus.COUNTED,
        result__outcome=Outcome.PASSED,
    ).count()
