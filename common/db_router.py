"""Reads from the streaming replica (``DATABASE_REPLICA_URL``) where that is safe.

Only *anonymous public reads* go to the replica: a GET or HEAD outside the admin with no
session cookie and no Authorization header (a signed-in user, staff or owner, always has
one of them). Everything else reads the primary: staff and API callers, every write, any
read after a write in the same request, any read inside a transaction.

Replication lag: a public page read from a replica that has not yet replayed a change
would be stored in the page cache under the generation the change moved to (cms.caching),
and replayed until the next change. So for ``REPLICA_MAX_LAG_SECONDS`` after a change
(the freshness checks registered here, cms's among them) public reads go to the primary:
the generation, not the replica, decides what is fresh.

A replica that cannot be reached is left alone for ``REPLICA_RETRY_SECONDS`` and the
primary serves in its place; a request whose replica connection fails midway is run
again on the primary (:class:`ReplicaRoutingMiddleware`), so the visitor sees no error.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, InterfaceError, OperationalError, connections
from django.http import HttpRequest

logger = logging.getLogger(__name__)

REPLICA = "replica"
# Paths never served from the replica even to anonymous callers (their reads decide
# whether to write, or they are not public pages).
PRIMARY_ONLY_PREFIXES = ("/admin/", "/healthz", "/readyz", "/metrics")


@dataclass
class RequestRouting:
    """What the router knows about the request being served (one per request)."""

    public_read: bool
    # Transactions already open on the primary when the request began (tests run inside one).
    atomic_depth: int = 0
    wrote: bool = False
    used_replica: bool = False
    fresh: bool | None = None  # None: not asked yet


_routing: ContextVar[RequestRouting | None] = ContextVar("db_routing", default=None)
_freshness_checks: list[Callable[[], bool]] = []
_health_lock = threading.Lock()
_replica_down_until = 0.0


def register_freshness_check(check: Callable[[], bool]) -> None:
    """``check()`` answers False while a change may not have reached the replica yet."""
    if check not in _freshness_checks:
        _freshness_checks.append(check)


def replica_configured() -> bool:
    return settings.READ_REPLICA and REPLICA in connections.settings


def is_public_read(request: HttpRequest) -> bool:
    return (
        request.method in ("GET", "HEAD")
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
        and not request.path.startswith(PRIMARY_ONLY_PREFIXES)
    )


def replica_mark_down(error: BaseException | None = None) -> None:
    """Leave the replica alone for ``REPLICA_RETRY_SECONDS``; close this thread's
    connection to it so the next try opens a fresh one."""
    global _replica_down_until
    with _health_lock:
        was_up = time.monotonic() >= _replica_down_until
        _replica_down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    if was_up:
        logger.warning("read replica unavailable: %s", type(error).__name__ if error else "-")
    try:
        connections[REPLICA].close()
    except Exception:  # noqa: BLE001 - a broken connection may fail to close; it is dropped
        pass


def replica_available() -> bool:
    """Whether reads may go to the replica now: configured, not recently failed, and a
    connection (this thread's) opens."""
    if not replica_configured() or time.monotonic() < _replica_down_until:
        return False
    try:
        connections[REPLICA].ensure_connection()
    except (OperationalError, InterfaceError) as error:
        replica_mark_down(error)
        return False
    return True


def _fresh(routing: RequestRouting) -> bool:
    if routing.fresh is None:
        routing.fresh = all(check() for check in _freshness_checks)
    return routing.fresh


class ReplicaRouter:
    """Sends anonymous public reads to the replica, everything else to the primary."""

    def db_for_read(self, model, **hints):
        routing = _routing.get()
        if (
            routing is None
            or not routing.public_read
            or routing.wrote
            or not replica_configured()
            or len(connections[DEFAULT_DB_ALIAS].atomic_blocks) > routing.atomic_depth
            or not _fresh(routing)
            or not replica_available()
        ):
            return DEFAULT_DB_ALIAS
        routing.used_replica = True
        return REPLICA

    def db_for_write(self, model, **hints):
        routing = _routing.get()
        if routing is not None:
            routing.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        # The replica holds the same rows as the primary.
        return True

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        # The replica follows the primary's schema through replication.
        return False if db == REPLICA else None


class ReplicaRoutingMiddleware:
    """Decides per request whether its reads may use the replica; runs a public request
    again on the primary when the replica fails in the middle of it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest):
        routing = RequestRouting(
            public_read=is_public_read(request),
            atomic_depth=len(connections[DEFAULT_DB_ALIAS].atomic_blocks),
        )
        token = _routing.set(routing)
        try:
            return self.get_response(request)
        finally:
            _routing.reset(token)

    def process_exception(self, request: HttpRequest, exception: Exception):
        routing = _routing.get()
        if (
            routing is None
            or not routing.used_replica
            or not isinstance(exception, (OperationalError, InterfaceError))
            or request.resolver_match is None
        ):
            return None
        replica_mark_down(exception)
        routing.public_read = False
        match = request.resolver_match
        response = match.func(request, *match.args, **match.kwargs)
        if callable(getattr(response, "render", None)) and not response.is_rendered:
            response = response.render()
        return response


def current_routing() -> RequestRouting | None:
    """The request's routing state (tests and /readyz read it)."""
    return _routing.get()
