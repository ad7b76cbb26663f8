"""Filing and regular-report figures for a region's subtree (DOMAIN 0.5: 600+ prior
notifications and filings in 文山州; the committees' regular-report duty), registered in
:data:`estates.stats.STATISTICS`."""

from __future__ import annotations

from django.utils import timezone

from estates.models import Region
from estates.stats import statistic

from .choices import FilingStatus, ReportStatus
from .models import Filing, RegularReport


@statistic("filings")
def filings_count(region: Region) -> int:
    """Filings the committees have submitted (drafts and withdrawn ones not counted)."""
    return (
        Filing.objects.filter(compound__region_path__startswith=region.path)
        .exclude(status__in=[FilingStatus.DRAFT, FilingStatus.WITHDRAWN])
        .count()
    )


@statistic("filings_accepted")
def filings_accepted_count(region: Region) -> int:
    return Filing.objects.filter(
        compound__region_path__startswith=region.path, status=FilingStatus.ACCEPTED
    ).count()


@statistic("regular_reports")
def regular_reports_count(region: Region) -> int:
    """Regular reports the committees have submitted (under review or reviewed)."""
    return RegularReport.objects.filter(
        compound__region_path__startswith=region.path,
        status__in=[ReportStatus.SUBMITTED, ReportStatus.APPROVED],
    ).count()


@statistic("regular_reports_overdue")
def regular_reports_overdue_count(region: Region) -> int:
    return RegularReport.objects.filter(
        compound__region_path__startswith=region.path,
        status__in=[ReportStatus.PENDING, ReportStatus.RETURNED],
        due_on__lt=timezone.localdate(),
    ).count()
