"""The filing form (重大事项报备表) and the street's filing receipt (报备回执) as PDFs
(WeasyPrint, "Noto Sans CJK SC" embedded, text extractable). The caller must be allowed
to see the filing: both refuse a user outside its jurisdiction."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.access import authorise
from common.jurisdiction import VIEW

from .choices import FilingStatus
from .models import Filing
from .rules import filing_rules_for
from .workflows import VIEW_FILING

MSG_NO_RECEIPT = _("街道接收报备后才有报备回执。")


def _render(template: str, context: dict) -> bytes:
    from weasyprint import HTML  # imported lazily: 0.6 s (STACK §4)

    html = render_to_string(template, {**context, "generated_on": timezone.localdate()})
    return HTML(string=html, base_url=".").write_pdf()


def filing_form_pdf(*, filing: Filing, user) -> bytes:
    """The filing as submitted (its latest version), with the review record."""
    authorise(user, VIEW_FILING, filing, level=VIEW)
    return _render(
        "filings/pdf/filing_form.html",
        {
            "filing": filing,
            "buildings": list(filing.scope_buildings.order_by("name")),
            "documents": list(filing.documents.order_by("pk")),
            "reviews": list(filing.reviews.select_related("version").order_by("reviewed_at")),
        },
    )


def filing_receipt_pdf(*, filing: Filing, user) -> bytes:
    """The street's receipt with its number and the earliest day the vote may open
    (DOMAIN 11.2)."""
    authorise(user, VIEW_FILING, filing, level=VIEW)
    if filing.status != FilingStatus.ACCEPTED:
        raise ValidationError(MSG_NO_RECEIPT, code="no_receipt")
    rules = filing_rules_for(filing.compound)
    return _render(
        "filings/pdf/filing_receipt.html",
        {
            "filing": filing,
            "notice_days": rules.notice_days,
            "earliest_vote_on": rules.earliest_vote_on(filing.accepted_on),
        },
    )
