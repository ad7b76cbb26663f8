"""The vetting report PDF (WeasyPrint, "Noto Sans CJK SC" embedded): per election, the
candidates × departments with each result and reason category (DOMAIN §9). Internal: the
caller must hold the findings permission and the election must be in their jurisdiction.

The report names its issuing body, carries a 经办 / 审核 / 盖章 block for the paper copy,
shows ID numbers masked only, and is marked 未完成 on every page while any department has
still to answer for a candidate who has not withdrawn."""

from __future__ import annotations

from urllib.parse import quote

from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from common.access import authorise
from common.jurisdiction import VIEW
from common.validators import mask_id_number
from estates.choices import RegionLevel
from estates.models import Owner

from ..choices import CandidateStatus, ReviewStatus
from ..models import Election
from .selectors.reviews import ReviewMatrix, review_matrix
from .workflows import VIEW_FINDINGS


def issuing_body(election: Election) -> str:
    """The election's own 发布单位 if set, else the street (街道办事处) of its compound."""
    if election.issued_by:
        return election.issued_by
    region = election.compound.region
    while region is not None and region.level != RegionLevel.STREET:
        region = region.parent
    return region.name if region is not None else ""


def is_unfinished(matrix: ReviewMatrix) -> bool:
    """True while a department review of a candidate still in the running is pending."""
    for row in matrix.rows:
        if row.candidate.status == CandidateStatus.WITHDRAWN:
            continue
        if any(cell is not None and cell.status == ReviewStatus.PENDING for cell in row.cells):
            return True
        if any(review.status == ReviewStatus.PENDING for review in row.automatic):
            return True
    return False


def report_filename(election: Election) -> str:
    """资格联审报告-<小区>-第<n>届.pdf"""
    return _("资格联审报告-%(compound)s-第%(term)s届.pdf") % {
        "compound": election.compound.name,
        "term": election.term_number,
    }


def content_disposition(filename: str, *, fallback: str, disposition: str = "inline") -> str:
    """The header with an ASCII fallback and the Chinese name as RFC 5987 ``filename*``."""
    return f"{disposition}; filename=\"{fallback}\"; filename*=UTF-8''{quote(filename)}"


def election_vetting_report_pdf(*, election: Election, user) -> bytes:
    """Render the report; refuses users without the permission or jurisdiction."""
    authorise(user, VIEW_FINDINGS, election, level=VIEW)
    from weasyprint import HTML  # imported lazily: 0.6 s (STACK §4)

    matrix = review_matrix(election=election, user=user)
    id_numbers = dict(
        Owner.objects.filter(pk__in={row.candidate.owner_id for row in matrix.rows}).values_list(
            "pk", "id_number"
        )
    )
    rows = [
        {"row": row, "id_masked": mask_id_number(id_numbers.get(row.candidate.owner_id, ""))}
        for row in matrix.rows
    ]
    html = render_to_string(
        "committees/pdf/vetting_report.html",
        {
            "matrix": matrix,
            "rows": rows,
            "election": election,
            "issuing_body": issuing_body(election),
            "unfinished": is_unfinished(matrix),
            "generated_on": timezone.localdate(),
        },
    )
    return HTML(string=html, base_url=".").write_pdf()
