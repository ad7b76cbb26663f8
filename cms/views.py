"""Plain Django views outside the page tree."""

from django.http import HttpRequest, HttpResponse


def bench_bare(request: HttpRequest) -> HttpResponse:
    """The benchmark's baseline: no database, no template, no session."""
    return HttpResponse(b"ok", content_type="text/plain")
