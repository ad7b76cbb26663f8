"""Public PDFs: a published notice, and a compound's notice-board poster (A4 or A3).
Drafts, scheduled and withdrawn notices answer 404 like a missing one. Each PDF is
rendered once per registry generation and day (public_cache): publishing, a correction or
an expiry drops it at once."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import get_script_prefix
from django.views.decorators.http import require_GET

from .pdf import POSTER_SIZES, compound_poster_pdf, notice_pdf
from .public_cache import pdf_cache_name, poster_cache_name, public_bytes
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
    def build() -> bytes | None:
        notice = notice_for_pdf(pk=pk)
        return None if notice is None else notice_pdf(notice=notice)

    content = public_bytes(pdf_cache_name(pk), build)
    if content is None:
        raise Http404
    return pdf_response(content, f"notice-{pk}.pdf")


@require_GET
def poster_pdf_view(request, pk: int) -> HttpResponse:
    size = request.GET.get("size", "A4").upper()
    if size not in POSTER_SIZES:
        raise Http404

    def build() -> bytes | None:
        compound = compound_for_public(pk=pk)
        if compound is None:
            return None
        return compound_poster_pdf(
            compound=compound, url=compound_page_url(request, compound.pk), size=size
        )

    content = public_bytes(poster_cache_name(request, pk, size), build)
    if content is None:
        raise Http404
    return pdf_response(content, f"notice-board-{pk}-{size}.pdf")
