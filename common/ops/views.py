"""/healthz, /readyz and /metrics.

``/healthz`` answers 200 while the process serves requests (it touches nothing else).
``/readyz`` checks the database, the read replica, the cache and the task worker's
heartbeat: ``ok``; ``degraded`` (200: the replica, cache or worker is down, and the app
serves without it: pages from the primary, uncached, tasks waiting); or ``fail`` (503:
the database is down). Anyone sees the status and the names of the failing parts; staff
(superusers) and local callers (``OPS_LOCAL_ADDRESSES``) see each check's detail.
``/metrics`` (Prometheus) is for staff and local callers only."""

from __future__ import annotations

from importlib import import_module

from django.conf import settings
from django.contrib.auth import get_user
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from common.security import client_ip

from . import metrics
from .health import REQUIRED, readiness


def _user(request: HttpRequest):
    """The signed-in user (these views run before the session middleware); anonymous
    when there is no session or the database cannot say."""
    if not hasattr(request, "session"):
        engine = import_module(settings.SESSION_ENGINE)
        request.session = engine.SessionStore(request.COOKIES.get(settings.SESSION_COOKIE_NAME))
    try:
        return get_user(request)
    except DatabaseError:
        return None


def trusted_caller(request: HttpRequest) -> bool:
    """A local address (after the trusted proxies) or a signed-in superuser."""
    if client_ip(request) in settings.OPS_LOCAL_ADDRESSES:
        return True
    if settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return False
    user = _user(request)
    return bool(user is not None and user.is_authenticated and user.is_superuser)


@never_cache
@require_safe
def healthz(request: HttpRequest) -> HttpResponse:
    return JsonResponse({"status": "ok"})


@never_cache
@require_safe
def readyz(request: HttpRequest) -> HttpResponse:
    results = readiness()
    failing = sorted(name for name, (ok, _detail) in results.items() if not ok)
    if REQUIRED & set(failing):
        status, code = "fail", 503
    elif failing:
        status, code = "degraded", 200
    else:
        status, code = "ok", 200
    body = {"status": status, "failing": failing}
    if trusted_caller(request):
        body["checks"] = {
            name: {"ok": ok, "detail": detail} for name, (ok, detail) in results.items()
        }
    return JsonResponse(body, status=code)


@never_cache
@require_safe
def metrics_view(request: HttpRequest) -> HttpResponse:
    if not trusted_caller(request):
        return HttpResponse(status=403)
    return metrics.exposition()


# Served by common.ops.middleware.OpsEndpointsMiddleware, ahead of the rest of the stack.
ENDPOINTS = {"/healthz": healthz, "/readyz": readyz, "/metrics": metrics_view}
