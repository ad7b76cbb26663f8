"""The vetting report PDF (WeasyPrint, "Noto Sans CJK SC" embedded): per election, the
candidates × departments with each result and reason category (DOMAIN §9). Internal: the
caller must hold the findings permission and the election must be in their jurisdiction."""

from __future__ import annotations

from django.template.loader import render_to_string
from django.utils import timezone

from common.access import authorise
from common.jurisdiction import VIEW

from ..models import Election
from .selectors.reviews import review_matrix
from .workflows import VIEW_FINDINGS


def election_vetting_report_pdf(*, election: Election, user) -> bytes:
    """Render the report; refuses users without the permission or jurisdiction."""
    authorise(user, VIEW_FINDINGS, election, level=VIEW)
    from weasyprint import HTML  # imported lazily: 0.6 s (STACK §4)

    html = render_to_string(
        "committees/pdf/vetting_report.html",
        {
            "matrix": review_matrix(election=election, user=user),
            "election": election,
            "generated_on": timezone.localdate(),
        },
    )
    return HTML(string=html, base_url=".").write_pdf()
