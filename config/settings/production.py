import os

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403

DEBUG = False
if not SECRET_KEY:  # noqa: F405
    raise ImproperlyConfigured("SECRET_KEY must be set in the environment")
if not ALLOWED_HOSTS:  # noqa: F405
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment")
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = os.environ.get("HTTPS", "1") == "1"

# Session and CSRF cookies: HTTPS only (above), never read by scripts (the admin and the
# API docs take the CSRF token from the page), not sent on cross-site subrequests.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"


def _flag(name: str, default: str) -> bool:
    return os.environ.get(name, default).strip().lower() in {"1", "true", "yes", "on"}


# HTTPS redirect and HSTS, on by default. Behind a TLS-terminating proxy that redirects
# plain HTTP and sends Strict-Transport-Security itself, set SECURE_SSL_REDIRECT=0 and
# SECURE_HSTS_SECONDS=0: the deploy check then no longer asks Django to do it.
SECURE_SSL_REDIRECT = _flag("SECURE_SSL_REDIRECT", "1")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", str(365 * 24 * 3600)))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _flag("SECURE_HSTS_INCLUDE_SUBDOMAINS", "1")
# Submitting the domain to the browsers' preload list is the domain owner's decision.
SECURE_HSTS_PRELOAD = _flag("SECURE_HSTS_PRELOAD", "0")
SILENCED_SYSTEM_CHECKS = [
    *globals().get("SILENCED_SYSTEM_CHECKS", []),
    *([] if SECURE_SSL_REDIRECT else ["security.W008"]),
    *([] if SECURE_HSTS_SECONDS else ["security.W004"]),
    *([] if SECURE_HSTS_PRELOAD or not SECURE_HSTS_SECONDS else ["security.W021"]),
]

# Background tasks go to the database worker unless TASKS_BACKEND says otherwise.
TASKS_BACKEND = os.environ.get("TASKS_BACKEND", "database")
if (_tasks := tasks_setting(TASKS_BACKEND)) is not None:  # noqa: F405
    TASKS = _tasks
else:
    globals().pop("TASKS", None)
# One log line per request, with its request id.
LOGGING["loggers"]["ops.requests"]["level"] = os.environ.get(  # noqa: F405
    "REQUEST_LOG_LEVEL", "INFO"
)
