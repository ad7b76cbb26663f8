"""Joint-review figures for a region's subtree (DOMAIN 0.5: "6,000+ candidate vettings
(person-times)"), registered in :data:`estates.stats.STATISTICS`."""

from __future__ import annotations

from django.db.models import Exists, OuterRef

from estates.models import Region
from estates.stats import statistic

from ..choices import CandidateStatus, ReviewSource
from ..models import Candidate, CandidateReview


@statistic("candidate_reviews")
def candidate_reviews_count(region: Region) -> int:
    """Candidates put through the joint review, by person-time (DOMAIN 0.5): a person
    standing in two elections counts twice, once per candidacy."""
    sent = CandidateReview.objects.filter(candidate=OuterRef("pk"), source=ReviewSource.DEPARTMENT)
    return Candidate.objects.filter(
        Exists(sent), compound__region_path__startswith=region.path
    ).count()


@statistic("department_reviews")
def department_reviews_count(region: Region) -> int:
    """Answers asked of departments: one per candidate and reviewing department."""
    return CandidateReview.objects.filter(
        compound__region_path__startswith=region.path, source=ReviewSource.DEPARTMENT
    ).count()


@statistic("candidates_failed")
def candidates_failed_count(region: Region) -> int:
    return Candidate.objects.filter(
        compound__region_path__startswith=region.path, status=CandidateStatus.FAILED
    ).count()
