"""Disclosure figures for a region's subtree (DOMAIN 0.5: 579 of 文山州's 873 compounds
disclose; DOMAIN 5.1, 5.4, 6.6: what each must publish), registered in
:data:`estates.stats.STATISTICS`."""

from __future__ import annotations

from estates.models import Region
from estates.stats import statistic

from .choices import Compliance
from .models import NoticeFingerprint, NoticePage
from .selectors.schedule import region_compliance


@statistic("disclosing_compounds")
def disclosing_compounds_count(region: Region) -> int:
    """Compounds with at least one notice on public display."""
    return (
        NoticePage.objects.live()
        .filter(compound__region_path__startswith=region.path)
        .values("compound_id")
        .distinct()
        .count()
    )


@statistic("disclosures_published")
def disclosures_published_count(region: Region) -> int:
    """Notices ever published, each correction counted as a notice of its own: one link
    of its compound's fingerprint chain each."""
    return NoticeFingerprint.objects.filter(region_path__startswith=region.path).count()


@statistic("disclosures_overdue")
def disclosures_overdue_count(region: Region) -> int:
    """Required disclosures past their due date and not published, over every compound
    of the region and every item of its catalogue (the compliance schedule's alarms)."""
    totals, _rows = region_compliance(region)
    return totals[Compliance.OVERDUE]
