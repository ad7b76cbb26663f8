"""A published notice as a PDF and a compound's notice-board poster (issue 10, items 3
and 5), rendered by WeasyPrint with "Noto Sans CJK SC" embedded so the text stays
extractable (STACK §4).

Notice PDFs are PDF/A-3b (``pdf_variant="pdf/a-3b"``; the XMP metadata declares
``pdfaid:part=3``, ``conformance=B``). Both print the compound's chain head at the moment
of printing, beside the notice's own fingerprint, so a paper copy on the board witnesses
the chain: a later silent rewrite cannot match what was printed. The poster carries a QR
code (segno, inline SVG) to the compound's page on the portal.
"""

from __future__ import annotations

import segno
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.safestring import mark_safe

from estates.models import Compound

from .fingerprints import chain_head
from .models import NoticePage
from .selectors.public import poster_notices

PDF_VARIANT = "pdf/a-3b"
POSTER_SIZES = ("A4", "A3")


def _write(html: str, *, variant: str | None = None) -> bytes:
    from weasyprint import HTML  # imported lazily: 0.6 s (STACK §4)

    options = {"pdf_variant": variant} if variant else {}
    return HTML(string=html, base_url=".").write_pdf(**options)


def notice_pdf(*, notice: NoticePage) -> bytes:
    """The notice as published, with its fingerprint and the compound's chain head now.
    The caller passes a public notice (selectors.public.notice_for_pdf): drafts are not
    printed."""
    html = render_to_string(
        "notices/pdf/notice.html",
        {
            "notice": notice,
            "fingerprint": getattr(notice, "fingerprint", None),
            "chain_head": chain_head(notice.compound_id),
            "printed_at": timezone.localtime(),
        },
    )
    return _write(html, variant=PDF_VARIANT)


def qr_svg(url: str, *, scale: int = 4) -> str:
    """The URL as a QR code in inline SVG (no XML declaration, no fixed namespace
    prefix), medium error correction so a creased or sun-faded poster still scans."""
    qr = segno.make(url, error="m", micro=False)
    return qr.svg_inline(scale=scale, border=2, dark="#000", light="#fff")


def compound_poster_pdf(*, compound: Compound, url: str, size: str = "A4") -> bytes:
    """The notice board of a compound: its current notices (公示中 first), a QR code to
    ``url`` (the compound's page) and the chain head at the moment of printing."""
    if size not in POSTER_SIZES:
        size = "A4"
    notices = poster_notices(compound=compound)
    html = render_to_string(
        "notices/pdf/poster.html",
        {
            "compound": compound,
            "notices": notices,
            "today": timezone.localdate(),
            "url": url,
            "qr": mark_safe(qr_svg(url, scale=8 if size == "A3" else 6)),
            "size": size,
            "chain_head": chain_head(compound.pk),
            "printed_at": timezone.localtime(),
        },
    )
    return _write(html)
