"""Production settings pass Django's deploy check with warnings as failures, and the
session and CSRF cookies are HttpOnly, SameSite and Secure there."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHOW = """
import json, django
django.setup()
from django.conf import settings as s
print(json.dumps({name: getattr(s, name) for name in [
    "SESSION_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY", "SESSION_COOKIE_SAMESITE",
    "CSRF_COOKIE_SECURE", "CSRF_COOKIE_HTTPONLY", "CSRF_COOKIE_SAMESITE",
    "SECURE_SSL_REDIRECT", "SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS",
    "SECURE_PROXY_SSL_HEADER", "DEBUG"]}))
"""


def production_env(**extra: str) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("SECURE_", "DJANGO_", "HTTPS"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="config.settings.production",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="wy.example.cn",
        DATABASE_URL="sqlite://:memory:",
        PYTHONDONTWRITEBYTECODE="1",
    )
    env.update(extra)
    return env


def run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def deploy_check(**extra: str) -> subprocess.CompletedProcess:
    return run(
        ["manage.py", "check", "--deploy", "--fail-level", "WARNING"], production_env(**extra)
    )


def test_deploy_check_passes_with_production_settings():
    result = deploy_check()
    assert result.returncode == 0, result.stdout + result.stderr


def test_cookies_and_https_under_production_settings():
    result = run(["-c", SHOW], production_env())
    assert result.returncode == 0, result.stderr
    shown = json.loads(result.stdout.strip().splitlines()[-1])
    assert shown["DEBUG"] is False
    for cookie in ("SESSION", "CSRF"):
        assert shown[f"{cookie}_COOKIE_SECURE"] is True
        assert shown[f"{cookie}_COOKIE_HTTPONLY"] is True
        assert shown[f"{cookie}_COOKIE_SAMESITE"] in ("Lax", "Strict")
    assert shown["SECURE_SSL_REDIRECT"] is True
    assert shown["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert shown["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert shown["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]


@pytest.mark.parametrize(
    "env",
    [
        # A TLS-terminating proxy that redirects and sends HSTS itself.
        {"SECURE_SSL_REDIRECT": "0", "SECURE_HSTS_SECONDS": "0"},
        # Django does both, with a short HSTS while trying it out, and preloading.
        {"SECURE_HSTS_SECONDS": "3600", "SECURE_HSTS_PRELOAD": "1"},
    ],
)
def test_https_is_configurable_for_a_proxy(env):
    result = deploy_check(**env)
    assert result.returncode == 0, result.stdout + result.stderr
    shown = json.loads(run(["-c", SHOW], production_env(**env)).stdout.strip().splitlines()[-1])
    assert shown["SECURE_SSL_REDIRECT"] is (env.get("SECURE_SSL_REDIRECT") != "0")
    assert shown["SECURE_HSTS_SECONDS"] == int(env["SECURE_HSTS_SECONDS"])
