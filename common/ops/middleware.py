"""Request ids and request metrics, for every response (a cached page too)."""

from __future__ import annotations

import logging
import time

from django.http import HttpRequest, HttpResponse

from . import metrics
from .logs import HEADER, new_request_id, request_id_var

logger = logging.getLogger("ops.requests")


class RequestIdMiddleware:
    """Takes the proxy's ``X-Request-ID`` (or makes one), puts it in every log line
    written for the request and on the response, then logs and counts the request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = new_request_id(request.META.get("HTTP_X_REQUEST_ID"))
        request.request_id = request_id
        token = request_id_var.set(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            seconds = time.perf_counter() - started
            response[HEADER] = request_id
            metrics.request_observe(request, response, seconds)
            if logger.isEnabledFor(logging.INFO):
                logger.info(
                    "%s %s %s",
                    request.method,
                    request.path,
                    response.status_code,
                    extra={
                        "method": request.method,
                        "path": request.path,
                        "status": response.status_code,
                        "duration_ms": round(seconds * 1000, 2),
                    },
                )
            return response
        finally:
            request_id_var.reset(token)


class OpsEndpointsMiddleware:
    """Answers /healthz, /readyz and /metrics before the site, session and page-cache
    machinery runs: they must answer (and say what is wrong) while the database or the
    cache is down, and a health probe must cost nothing."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from .views import ENDPOINTS

        view = ENDPOINTS.get(request.path_info)
        if view is None:
            return self.get_response(request)
        return view(request)
