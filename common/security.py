"""Request-level protections: login throttling and text PostgreSQL cannot hold.

Login throttling (django-axes): failed logins through the admin form and the API's basic
auth are counted per account and per address (``AXES_LOCKOUT_PARAMETERS``); once either
reaches ``AXES_FAILURE_LIMIT`` within the cool-off, logins from it are refused until the
cool-off has passed. Here: the client's address and the lockout answer.

:class:`RejectNulCharactersMiddleware` refuses a NUL character in a request's text.
"""

from __future__ import annotations

import json
import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

LOCKOUT_TEMPLATE = "security/lockout.html"


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the connecting one, or behind ``TRUSTED_PROXY_COUNT``
    proxies that each append to X-Forwarded-For, the one the outermost proxy saw (the
    entries to its left are whatever the client sent, so they are never trusted)."""
    count = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    if count > 0:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR")


def cool_off_minutes(request: HttpRequest | None = None) -> int:
    from axes.helpers import get_cool_off

    cool_off = get_cool_off(request)
    return math.ceil(cool_off.total_seconds() / 60) if cool_off else 0


def lockout_message(minutes: int) -> str:
    if minutes:
        return _("登录失败次数过多，该账号或地址已暂时锁定，请在 %(minutes)s 分钟后再试。") % {
            "minutes": minutes
        }
    return _("登录失败次数过多，该账号或地址已锁定，请联系平台管理员解锁。")


def lockout_response(request: HttpRequest, original_response=None, credentials=None):
    """429 Too Many Requests: JSON for the API, the Chinese lockout page elsewhere."""
    minutes = cool_off_minutes(request)
    message = lockout_message(minutes)
    status = settings.AXES_HTTP_RESPONSE_CODE
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse(
            {"detail": message}, status=status, json_dumps_params={"ensure_ascii": False}
        )
    else:
        response = render(request, LOCKOUT_TEMPLATE, {"message": message}, status=status)
    if minutes:
        response["Retry-After"] = str(minutes * 60)
    return response


MSG_NUL_CHARACTER = gettext_lazy("请求中含有空字符，无法处理。")


def _has_nul(value) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(key) or _has_nul(item) for key, item in value.items())
    if isinstance(value, list):
        return any(_has_nul(item) for item in value)
    return False


def _json_has_nul(body: bytes) -> bool:
    if b"\\u0000" not in body:  # the only way JSON text can carry a NUL
        return False
    try:
        return _has_nul(json.loads(body))
    except ValueError:
        return False  # not JSON after all: the view answers that


class RejectNulCharactersMiddleware:
    """400 for a NUL character in the path, the query string or a JSON body.

    PostgreSQL cannot store or compare text containing NUL, so such a value would end in
    a server error wherever it reaches a query (search boxes, filters, API fields). Django's
    form fields refuse it already; this covers everything else, before any view runs.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if (
            "\x00" in request.path
            or "%00" in request.META.get("QUERY_STRING", "")
            or (request.content_type == "application/json" and _json_has_nul(request.body))
        ):
            message = str(MSG_NUL_CHARACTER)
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"detail": message}, status=400, json_dumps_params={"ensure_ascii": False}
                )
            return HttpResponseBadRequest(message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
