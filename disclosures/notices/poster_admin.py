"""The notice-board poster in the admin, for the staff and committees who print it: the
same poster as the public one, for a compound inside the user's jurisdiction only; any
other compound answers 404 like a missing one (common.access.fetch)."""

from __future__ import annotations

from django.http import Http404, HttpResponse
from django.urls import path
from django.views.decorators.http import require_GET

from common.access import fetch
from estates.models import Compound

from .pdf import POSTER_SIZES, compound_poster_pdf
from .pdf_views import compound_page_url, pdf_response


@require_GET
def poster_admin_view(request, compound_pk: int) -> HttpResponse:
    compound = fetch(Compound, user=request.user, pk=compound_pk)
    size = request.GET.get("size", "A4").upper()
    if size not in POSTER_SIZES:
        raise Http404
    content = compound_poster_pdf(
        compound=compound, url=compound_page_url(request, compound.pk), size=size
    )
    return pdf_response(content, f"notice-board-{compound.pk}-{size}.pdf")


def register_admin_urls():
    return [
        path("notices/poster/<int:compound_pk>/", poster_admin_view, name="notices_poster_admin"),
    ]
