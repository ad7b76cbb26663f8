"""The database task backend (django-tasks-db) for ``TASKS_BACKEND=database``.

Our tasks are Django's (``django.tasks``) and wait in the database for ``db_worker``.
Wagtail's own (search index and reference index updates) are written for the
``django_tasks`` backport, whose task objects the database worker refuses to load; they
are run at once, inside the request, as with no task backend: a page is searchable as
soon as it is published."""

from __future__ import annotations

from django.tasks import Task
from django_tasks_db.backend import DatabaseBackend as _DatabaseBackend


class DatabaseBackend(_DatabaseBackend):
    def __init__(self, alias: str, params: dict) -> None:
        super().__init__(alias, params)
        self._immediate = None

    def _run_now(self, task, args, kwargs):
        if self._immediate is None:
            from django_tasks.backends.immediate import ImmediateBackend

            self._immediate = ImmediateBackend(self.alias, {"QUEUES": list(self.queues)})
        return self._immediate.enqueue(task, args, kwargs)

    def enqueue(self, task, args, kwargs):
        if not isinstance(task, Task):
            return self._run_now(task, args, kwargs)
        return super().enqueue(task, args, kwargs)

    async def aenqueue(self, task, args, kwargs):
        if not isinstance(task, Task):
            return await self._immediate_aenqueue(task, args, kwargs)
        return await super().aenqueue(task, args, kwargs)

    async def _immediate_aenqueue(self, task, args, kwargs):
        from asgiref.sync import sync_to_async

        return await sync_to_async(self._run_now)(task, args, kwargs)
