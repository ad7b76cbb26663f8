"""How the JSON API knows who is calling: a Wagtail API token, HTTP basic, or the
browser's session.

A request that carries an ``Authorization`` header is judged on it alone: a script with
a token or a password sends no cookie a third-party page could ride on, so it needs no
CSRF token, and a wrong header is refused (401) even if a session cookie came along. A
request without one falls back to the session, and a write through the session still
needs Django's CSRF token.

Basic auth goes through :func:`django.contrib.auth.authenticate` with the request, so
its failures count towards the login throttle (django-axes) like the admin form's.
"""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja.security import HttpBasicAuth
from ninja.security.session import SessionAuth
from wagtail.api.v3.auth import BearerTokenAuth


class BasicAuth(HttpBasicAuth):
    """HTTP basic auth for scripts; prefer a Wagtail API token (Bearer) for repeated calls,
    since each basic request runs the password hasher."""

    def authenticate(self, request: HttpRequest, username: str, password: str):
        user = authenticate(request, username=username, password=password)
        if user is None or not user.is_active:
            return None
        request.user = user
        return user


class CookieSessionAuth(SessionAuth):
    """The signed-in browser session, with Django's CSRF check on writes; not consulted
    when the request names its own credentials."""

    def __call__(self, request: HttpRequest):
        if request.headers.get("Authorization"):
            return None
        return super().__call__(request)


# Token and basic first, so their writes are not refused for a missing CSRF token.
REGISTRY_AUTH = [BearerTokenAuth(), BasicAuth(), CookieSessionAuth()]
