"""Joint-review figures for a region's subtree (DOMAIN 0.5: "6,000+ candidate vettings
(person-times)"), registered in :data:`estates.stats.STATISTICS`."""

from __future__ import annotations

from estates.models import Region
from estates.stats import statistic

from .choices import CandidateStatus, ReviewSource
from .models import Candidate, CandidateReview


@statistic("candidate_reviews")
def candidate_reviews_count(region: Region) -> int:
    """Department reviews sent (person-times): one per candidate and department."""
    return CandidateReview.objects.filter(
        compound__region_path__startswith=region.path, source=ReviewSource.DEPARTMENT
    ).count()


@statistic("candidates_failed")
def candidates_failed_count(region: Region) -> int:
    return Candidate.objects.filter(
        compound__region_path__startswith=region.path, status=CandidateStatus.FAILED
    ).count()
