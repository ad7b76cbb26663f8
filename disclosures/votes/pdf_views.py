"""Back-office downloads of the vote PDFs (issue item 8): the result notice, every unit's
ballot sheet (generated in the background; the page says when it is not ready yet), and
one unit's sheet."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.access import fetch, require_role

from . import pdf, publication
from .selectors import votes_visible_to
from .views import INSPECT_URL, VIEW_VOTE, _error_text
from .workflows import MANAGE_VOTE

MSG_PENDING = _("表决票正在后台生成，请稍后再点击“打印全部表决票”。")


def _vote(request: HttpRequest, pk: int):
    return fetch(votes_visible_to(request.user), user=request.user, pk=pk)


def _pdf(content: bytes, name: str) -> HttpResponse:
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{name}"'
    return response


def _back(request: HttpRequest, vote, error: ValidationError):
    messages.error(request, _error_text(error))
    return redirect(reverse(INSPECT_URL, args=[vote.pk]))


def result_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, VIEW_VOTE)
    vote = _vote(request, pk)
    try:
        content = pdf.vote_result_pdf(vote=vote, user=request.user)
    except ValidationError as error:
        return _back(request, vote, error)
    return _pdf(content, f"vote-{vote.pk}-result.pdf")


def ballot_sheets(request: HttpRequest, pk: int) -> HttpResponse:
    require_role(request.user, MANAGE_VOTE)
    vote = _vote(request, pk)
    try:
        name = pdf.ballot_sheets_file(vote=vote, user=request.user)
    except ValidationError as error:
        return _back(request, vote, error)
    if name is None:
        messages.info(request, MSG_PENDING)
        return redirect(reverse(INSPECT_URL, args=[vote.pk]))
    return FileResponse(
        default_storage.open(name, "rb"),
        content_type="application/pdf",
        filename=f"vote-{vote.pk}-ballots.pdf",
    )


def ballot_sheet(request: HttpRequest, pk: int, entry_pk: int) -> HttpResponse:
    require_role(request.user, MANAGE_VOTE)
    vote = _vote(request, pk)
    entry = publication.electorate_entry(vote, entry_pk)
    if entry is None:
        raise Http404
    return _pdf(
        pdf.ballot_sheet_pdf(vote=vote, entry=entry, user=request.user),
        f"vote-{vote.pk}-ballot-{entry.pk}.pdf",
    )
