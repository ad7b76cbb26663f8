"""The task worker's heartbeat: a thread of ``db_worker`` rewrites the worker's row every
``WORKER_HEARTBEAT_SECONDS``; /readyz and the import pages read it. The thread also fails
the tasks left *running* by a worker that died (killed, host lost), so they show as failed
and staff can run them again, instead of running for ever."""

from __future__ import annotations

import logging
import os
import socket
import threading
from datetime import timedelta

from django.conf import settings
from django.db import close_old_connections, connection
from django.utils import timezone

from .models import WorkerHeartbeat

logger = logging.getLogger(__name__)


class WorkerLost(Exception):
    """The worker running the task stopped without finishing it."""


def heartbeat_write(*, worker_id: str, started_at) -> None:
    now = timezone.now()
    WorkerHeartbeat.objects.update_or_create(
        worker_id=worker_id,
        defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "seen_at": now,
        },
        create_defaults={
            "hostname": socket.gethostname()[:255],
            "pid": os.getpid(),
            "seen_at": now,
            "started_at": started_at,
        },
    )


def live_worker_ids(*, now=None) -> set[str]:
    now = now or timezone.now()
    stale = timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    return set(
        WorkerHeartbeat.objects.filter(seen_at__gte=now - stale).values_list("worker_id", flat=True)
    )


def tasks_orphaned_fail(*, now=None) -> int:
    """Fail the tasks marked running whose worker has no fresh heartbeat (and started
    longer ago than the stale limit). Returns how many."""
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    stale = timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    alive = live_worker_ids(now=now)
    failed = 0
    for result in DBTaskResult.objects.running().filter(started_at__lt=now - stale):
        if result.worker_ids and result.worker_ids[-1] in alive:
            continue
        result.set_failed(WorkerLost(f"worker {(result.worker_ids or ['?'])[-1]} stopped"))
        logger.warning("task %s failed: its worker stopped", result.id)
        failed += 1
    return failed


def heartbeats_stale_delete(*, now=None) -> int:
    """Rows of workers gone for a day are forgotten."""
    now = now or timezone.now()
    return WorkerHeartbeat.objects.filter(seen_at__lt=now - timedelta(days=1)).delete()[0]


class Heartbeat(threading.Thread):
    """Runs beside the worker loop in the same process; dies with it."""

    def __init__(self, *, worker_id: str):
        super().__init__(name="worker-heartbeat", daemon=True)
        self.worker_id = worker_id
        self.started_at = timezone.now()
        self._stop_event = threading.Event()

    def beat(self) -> None:
        heartbeat_write(worker_id=self.worker_id, started_at=self.started_at)
        tasks_orphaned_fail()

    def run(self) -> None:
        while True:
            try:
                self.beat()
            except Exception:  # the database is restarting: beat again next time
                logger.warning("worker heartbeat not recorded", exc_info=True)
                connection.close()
            finally:
                close_old_connections()
            if self._stop_event.wait(settings.WORKER_HEARTBEAT_SECONDS):
                break
        connection.close()

    def stop(self) -> None:
        """Stop beating and forget this worker (a clean stop is not a dead worker)."""
        self._stop_event.set()
        self.join(timeout=5)
        try:
            WorkerHeartbeat.objects.filter(worker_id=self.worker_id).delete()
        except Exception:
            logger.warning("worker heartbeat not removed", exc_info=True)
