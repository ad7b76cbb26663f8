"""Login throttling (django-axes): the client's address and the lockout answer.

Failed logins through the admin form and the API's basic auth are counted per account
and per address (``AXES_LOCKOUT_PARAMETERS``); once either reaches ``AXES_FAILURE_LIMIT``
within the cool-off, logins from it are refused until the cool-off has passed.
"""

from __future__ import annotations

import math

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

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
