"""Committee figures for a region's subtree (DOMAIN 0.4–0.5: 768 业委会, 105 物委会 and the
committee party branches of 文山州), registered in :data:`estates.stats.STATISTICS`."""

from __future__ import annotations

from estates.models import Region
from estates.stats import statistic

from .choices import CommitteeKind
from .models.bodies import Committee, PartyBranch
from .selectors.committees import COMMITTEE_BRANCH_KINDS


def _active(region: Region, kind: str) -> int:
    return Committee.objects.filter(
        compound__region_path__startswith=region.path, is_active=True, kind=kind
    ).count()


@statistic("owners_committees")
def owners_committees_count(region: Region) -> int:
    return _active(region, CommitteeKind.OWNERS)


@statistic("property_management_committees")
def property_management_committees_count(region: Region) -> int:
    return _active(region, CommitteeKind.MANAGEMENT)


@statistic("committee_party_branches")
def committee_party_branches_count(region: Region) -> int:
    """Open branches of a committee or joint branches, linked to an active committee."""
    return PartyBranch.objects.filter(
        compound__region_path__startswith=region.path,
        kind__in=COMMITTEE_BRANCH_KINDS,
        dissolved_on__isnull=True,
        committee__is_active=True,
    ).count()
