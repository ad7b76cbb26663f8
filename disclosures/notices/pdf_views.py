"""Public PDFs: a published notice, and a compound's notice-board poster (A4 or A3).
Drafts, scheduled and withdrawn notices answer 404 like a missing one."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import get_script_prefix
from django.views.decorators.http import require_GET

from .pdf import POSTER_SIZES, compound_poster_pdf, notice_pdf
from .selectors.public import compound_for_public, notice_for_pdf


def pdf_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def compound_page_url(request, compound_pk: int) -> str:
    """The compound's page on the portal (the default site's root, cms.models)."""
    return request.build_absolute_uri(f"{get_script_prefix()}c/{compound_pk}/")


@require_GET
def notice_pdf_view(request, pk: int) -> HttpResponse:
    notice = notice_for_pdf(pk=pk)
    if notice is None:
        raise Http404
    return pdf_response(notice_pdf(notice=notice), f"notice-{notice.pk}.pdf")


@require_GET
def poster_pdf_view(request, pk: int) -> HttpResponse:
    compound = compound_for_public(pk=pk)
    if compound is None:
        raise Http404
    size = request.GET.get("size", "A4").upper()
    if size not in POSTER_SIZES:
        raise Http404
    content = compound_poster_pdf(
        compound=compound, url=compound_page_url(request, compound.pk), size=size
    )
    return pdf_response(content, f"notice-board-{compound.pk}-{size}.pdf")
