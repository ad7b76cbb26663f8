"""Public files of published notices, and the way from a compound to its notice board."""

from __future__ import annotations

import mimetypes
import posixpath

from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect

from .selectors.public import notice_board_for


def attachment_serve(request, *, notice, attachment_pk: int):
    if not notice.live or notice.expired:
        raise Http404
    attachment = next((a for a in notice.attachments.all() if a.pk == attachment_pk), None)
    if attachment is None:
        raise Http404
    document = attachment.document
    name = posixpath.basename(document.file.name)
    content_type = mimetypes.guess_type(name)[0] or "application/octet-stream"
    response = FileResponse(
        document.file.open("rb"), content_type=content_type, as_attachment=False, filename=name
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


def notice_board_redirect(request: HttpRequest, pk: int) -> HttpResponse:
    """``/notices/compound/<id>/``: the compound's notice board (a Wagtail page whose
    address follows its slug), so the compound page can link by id at no query."""
    board = notice_board_for(compound_pk=pk)
    if board is None:
        raise Http404
    return redirect(board.url)
