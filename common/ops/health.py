"""Readiness of the parts the application depends on, for /readyz and the metrics.

Each check answers ``(ok, detail)``; the detail (an error's class and message, a count)
is shown only to staff and local callers. A part that is not configured (no replica, the
immediate task backend) is not checked."""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils import timezone

from common.db_router import REPLICA, replica_configured, replica_mark_down

# Parts whose failure makes this app server unable to serve: /readyz answers 503.
REQUIRED = frozenset({"database"})


def _database(alias: str) -> tuple[bool, str]:
    started = time.perf_counter()
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        try:
            connections[alias].close()
        except Exception:  # noqa: BLE001 - a broken connection may fail to close
            pass
        return False, f"{type(error).__name__}: {error}".strip()[:300]
    return True, f"{(time.perf_counter() - started) * 1000:.1f} ms"


def check_database() -> tuple[bool, str]:
    return _database(DEFAULT_DB_ALIAS)


def check_replica() -> tuple[bool, str]:
    ok, detail = _database(REPLICA)
    if not ok:
        # Public pages fall back to the primary at once, not at their next failure.
        replica_mark_down()
    return ok, detail


def check_cache() -> tuple[bool, str]:
    ping = getattr(cache, "ping", None)
    try:
        if ping is not None:
            ping()
        else:
            key = "ops:readyz"
            cache.set(key, 1, 10)
            if cache.get(key) != 1:
                return False, "value not kept"
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return False, f"{type(error).__name__}: {error}".strip()[:300]
    return True, settings.CACHES["default"]["BACKEND"].rsplit(".", 1)[-1]


def uses_worker() -> bool:
    return "TASKS" in dir(settings) and any(
        "DatabaseBackend" in backend.get("BACKEND", "") for backend in settings.TASKS.values()
    )


def workers_alive(*, now=None) -> int:
    from .models import WorkerHeartbeat

    now = now or timezone.now()
    stale = timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    return WorkerHeartbeat.objects.filter(seen_at__gte=now - stale).count()


def task_counts() -> dict[str, int]:
    from django.db.models import Count
    from django_tasks_db.models import DBTaskResult

    rows = DBTaskResult.objects.order_by().values("status").annotate(n=Count("id"))
    return {row["status"]: row["n"] for row in rows}


def check_worker() -> tuple[bool, str]:
    try:
        alive = workers_alive()
        waiting = task_counts().get("READY", 0)
    except Exception as error:  # noqa: BLE001 - any failure is the answer
        return False, f"{type(error).__name__}: {error}".strip()[:300]
    return alive > 0, f"{alive} alive, {waiting} waiting"


def readiness() -> dict[str, tuple[bool, str]]:
    """Every configured part, checked now."""
    results = {"database": check_database()}
    if replica_configured():
        results["replica"] = check_replica()
    results["cache"] = check_cache()
    if uses_worker():
        results["worker"] = check_worker()
    return results
