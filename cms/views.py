"""Plain Django views outside the page tree."""

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def bench_bare(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: no database, no template, no session."""
    return HttpResponse(b"ok", content_type="text/plain")


def language_switch(request: HttpRequest, code: str) -> HttpResponseRedirect:
    """Remember a reader's language in a cookie and go back to the page they were on.
    A plain link (GET) keeps public pages free of per-visitor tokens, so they cache."""
    if code not in dict(settings.LANGUAGES):
        raise Http404
    target = request.GET.get("next", "/")
    if not url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        target = "/"
    response = HttpResponseRedirect(target)
    response.set_cookie(
        settings.LANGUAGE_COOKIE_NAME,
        code,
        max_age=settings.LANGUAGE_COOKIE_AGE,
        samesite="Lax",
        secure=request.is_secure(),
    )
    return response
