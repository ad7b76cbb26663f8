"""``manage.py db_worker``: django-tasks-db's worker, recording a heartbeat (common.ops.heartbeat)
that /readyz reads and that lets tasks left running by a dead worker be failed and run
again. Same options as django-tasks-db's command."""

from __future__ import annotations

import os

from django.utils.autoreload import DJANGO_AUTORELOAD_ENV
from django_tasks_db.management.commands import db_worker

from common.ops.heartbeat import Heartbeat


class Command(db_worker.Command):
    help = "Run the database task worker, with a heartbeat"

    def handle(self, *args, **options):
        if options.get("reload") and not options.get("batch"):
            if os.environ.get(DJANGO_AUTORELOAD_ENV) != "true":
                # The reloader's parent process runs no tasks: no heartbeat.
                return super().handle(*args, **options)
        heartbeat = Heartbeat(worker_id=options["worker_id"])
        heartbeat.start()
        try:
            return super().handle(*args, **options)
        finally:
            heartbeat.stop()
