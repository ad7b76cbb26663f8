"""Background work: running an uploaded registry import (django.tasks, so a worker can take
it; with Django's default immediate backend it runs at once).

A job always ends, done or failed with a message saying what happened: an unexpected
error at any step fails it (nothing is written: the rows go in one transaction), and a
job whose worker died is failed as soon as the worker's heartbeat is gone (common.ops.heartbeat)
or, whatever the backend, once it has shown no progress for
``REGISTRY_IMPORT_STALL_MINUTES``.

A job that failed for a fault rather than its content (worker killed, database restarted,
queue down) keeps its sheet for ``REGISTRY_IMPORT_RETRY_HOURS``, and staff can run it
again (:func:`import_job_retry`): since nothing of it was written, running it again is
the same as running it the first time."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from common.jurisdiction import MANAGE, jurisdiction_of

from .importing import RegistryFileError, registry_parse
from .loading import registry_rows_apply
from .models import ImportJob

logger = logging.getLogger(__name__)
MAX_STORED_ERRORS = 5000
RUNNING = (ImportJob.Status.PENDING, ImportJob.Status.VALIDATING, ImportJob.Status.WRITING)
STARTED = (ImportJob.Status.VALIDATING, ImportJob.Status.WRITING)

MSG_FAILED_START = gettext_lazy(
    "导入未能开始，未导入任何数据。请重新上传；如仍失败，请联系平台管理员（导入编号 %(job)s）。"
)
MSG_FAILED_CHECKING = gettext_lazy(
    "校验文件时发生意外错误，未导入任何数据。请重新上传；如仍失败，请联系平台管理员"
    "（导入编号 %(job)s）。"
)
MSG_FAILED_WRITING = gettext_lazy(
    "写入数据库时出错，未导入任何数据。请重新上传；如仍失败，请联系平台管理员（导入编号 %(job)s）。"
)
MSG_STALLED = gettext_lazy(
    "导入已中断（超过 %(minutes)s 分钟没有进展，处理程序可能已停止），未导入任何数据，请重新上传。"
)
MSG_WORKER_LOST = gettext_lazy(
    "处理导入的后台程序已停止，未导入任何数据。可以重新运行本次导入（导入编号 %(job)s）。"
)
# Appended to a failure caused by a fault: the kind of error, for the platform's staff.
MSG_ERROR_KIND = gettext_lazy("错误类型：%(kind)s。")
MSG_NOT_RETRYABLE = gettext_lazy("这次导入不能重新运行，请重新上传文件。")
MSG_NOT_QUEUED = gettext_lazy("导入任务未能提交到后台处理，未导入任何数据，请稍后重新上传。")
TASK_PATH = "estates.tasks.registry_import_task"
ACTION_IMPORT_RETRY = "estates.registry_import_retry"
LOG_ACTIONS = [(ACTION_IMPORT_RETRY, gettext_lazy("重新运行登记表导入"))]
_FAILED_AT = {
    ImportJob.Status.PENDING: MSG_FAILED_START,
    ImportJob.Status.VALIDATING: MSG_FAILED_CHECKING,
    ImportJob.Status.WRITING: MSG_FAILED_WRITING,
}


def _retry_until(now):
    return now + timedelta(hours=settings.REGISTRY_IMPORT_RETRY_HOURS)


def _with_kind(message, error: BaseException | None) -> str:
    if error is None:
        return str(message)
    return f"{message}{MSG_ERROR_KIND % {'kind': type(error).__name__}}"


def import_job_fail(
    *, job_id: int, message: str, retryable: bool = False, error: BaseException | None = None
) -> bool:
    """End a job that is still running as failed with ``message``; a job that already
    ended keeps its outcome. ``retryable``: it failed for a fault, not its content, and
    keeps its sheet so it can be run again. Returns whether the job was changed."""
    now = timezone.now()
    changed = ImportJob.objects.filter(pk=job_id, status__in=RUNNING).update(
        status=ImportJob.Status.FAILED,
        finished_at=now,
        updated_at=now,
        message=_with_kind(message, error),
        retry_until=_retry_until(now) if retryable else None,
    )
    return bool(changed)


def _task_results():
    """django-tasks-db's results, when the database backend is installed."""
    if not apps.is_installed("django_tasks_db"):
        return None
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=TASK_PATH)


def import_job_task(job_id: int):
    """The latest queued run of the job on the database task backend (None without it)."""
    results = _task_results()
    if results is None:
        return None
    return results.filter(args_kwargs__args__0=job_id).order_by("-enqueued_at").first()


def _workers_lost(jobs, now) -> list[int]:
    """Started jobs whose task is no longer running (its worker died and the task was
    failed, common.ops.heartbeat) or whose worker's heartbeat is gone."""
    if _task_results() is None:
        return []
    from common.ops.heartbeat import live_worker_ids

    stale = timedelta(seconds=settings.WORKER_HEARTBEAT_STALE_SECONDS)
    alive = None
    lost = []
    for job_id in jobs:
        result = import_job_task(job_id)
        if result is None:
            continue  # run by the immediate backend or by hand
        if result.status in ("FAILED", "SUCCESSFUL"):
            lost.append(job_id)
        elif result.status == "RUNNING" and result.started_at < now - stale:
            alive = live_worker_ids(now=now) if alive is None else alive
            if not (result.worker_ids and result.worker_ids[-1] in alive):
                lost.append(job_id)
    return lost


def import_jobs_stalled_fail(*, now=None) -> int:
    """Fail the started jobs whose worker was stopped or killed: at once when the task
    backend can tell (the worker's heartbeat is gone), else once they have shown no
    progress for the stall limit. Queued jobs wait for a worker and are left alone. Both
    kinds can be run again."""
    now = now or timezone.now()
    minutes = settings.REGISTRY_IMPORT_STALL_MINUTES
    started = ImportJob.objects.filter(status__in=STARTED)
    failed = 0
    lost = _workers_lost(list(started.values_list("pk", flat=True)), now)
    for job_id in lost:
        failed += import_job_fail(
            job_id=job_id, message=str(MSG_WORKER_LOST % {"job": job_id}), retryable=True
        )
    failed += started.filter(updated_at__lt=now - timedelta(minutes=minutes)).update(
        status=ImportJob.Status.FAILED,
        finished_at=now,
        updated_at=now,
        message=str(MSG_STALLED % {"minutes": minutes}),
        retry_until=_retry_until(now),
    )
    if failed:
        sheets_expired_delete_logged()
    return failed


def import_job_retry(*, job: ImportJob, user) -> bool:
    """Queue a job that failed for a fault again, from its kept sheet, with an entry in the
    audit log. Returns False (and changes nothing) when it cannot be run again: it did not
    fail, failed for its content, or its sheet is gone."""
    if not job.can_retry:
        return False
    now = timezone.now()
    changed = ImportJob.objects.filter(
        pk=job.pk, status=ImportJob.Status.FAILED, retry_until__gt=now
    ).update(
        status=ImportJob.Status.PENDING,
        processed_rows=0,
        total_rows=0,
        errors=[],
        counts={},
        message="",
        finished_at=None,
        retry_until=None,
        updated_at=now,
    )
    if not changed:
        return False
    log(instance=job, action=ACTION_IMPORT_RETRY, user=user, data={"message": job.message})
    import_job_enqueue(job_id=job.pk)
    return True


def import_job_enqueue(*, job_id: int) -> None:
    """Hand the job to the task backend; a queue that is down fails it (retryable)."""
    try:
        registry_import_task.enqueue(job_id)
    except Exception as error:  # the task queue is down: the job must not wait for ever
        logger.exception("registry import %s could not be queued", job_id)
        import_job_fail(job_id=job_id, message=str(MSG_NOT_QUEUED), retryable=True, error=error)


def import_job_run(*, job_id: int) -> str:
    """Run the job; whatever goes wrong, it ends failed with a message naming the step,
    never left running. Returns the final status."""
    try:
        return _import_job_steps(job_id=job_id)
    except Exception as error:
        logger.exception("registry import %s failed", job_id)
        status = ImportJob.objects.filter(pk=job_id).values_list("status", flat=True).first()
        message = _FAILED_AT.get(status, MSG_FAILED_CHECKING) % {"job": job_id}
        if import_job_fail(job_id=job_id, message=str(message), retryable=True, error=error):
            sheets_expired_delete_logged()
        return ImportJob.Status.FAILED


def sheets_expired_delete_logged() -> None:
    """:func:`sheets_expired_delete` where a failure must not end the caller (an import
    that ended, a page that opens): it is logged, and the next call tries again."""
    try:
        sheets_expired_delete()
    except Exception:
        logger.exception("deleting the sheets of ended registry imports failed")


def _import_job_steps(*, job_id: int) -> str:
    """Validate the job's file (reporting progress on the job row), then write it all or
    nothing. Returns the final status."""
    job = ImportJob.objects.select_related("uploaded_by", "community").get(pk=job_id)
    jobs = ImportJob.objects.filter(pk=job_id)
    jobs.update(status=ImportJob.Status.VALIDATING, processed_rows=0, updated_at=timezone.now())

    def progress(done: int, total: int) -> None:
        # updated_at is the heartbeat import_jobs_stalled_fail reads.
        jobs.update(processed_rows=done, total_rows=total, updated_at=timezone.now())

    def finish(status: str, **fields) -> str:
        jobs.update(status=status, finished_at=timezone.now(), **fields)
        # The sheet holds ID numbers and phones: keep the outcome, not the file. A file
        # that cannot be deleted now is logged and tried again later; the outcome stands.
        sheets_expired_delete_logged()
        return status

    try:
        with job.file.open("rb") as handle:
            data = handle.read()
        result = registry_parse(
            data,
            name=job.original_name,
            community=job.community,
            user=job.uploaded_by,
            progress=progress,
        )
    except RegistryFileError as error:
        return finish(ImportJob.Status.FAILED, message=error.message)
    if not result.ok:
        rows = len({e["row"] for e in result.errors})
        return finish(
            ImportJob.Status.FAILED,
            total_rows=result.total_rows,
            errors=result.errors[:MAX_STORED_ERRORS],
            message=_("%(rows)s 行有错误，共 %(total)s 行，未导入任何数据。")
            % {"rows": rows, "total": result.total_rows},
        )
    jobs.update(
        status=ImportJob.Status.WRITING, total_rows=result.total_rows, updated_at=timezone.now()
    )
    try:
        with transaction.atomic():
            counts = registry_rows_apply(
                result.rows,
                identity_scope=(
                    jurisdiction_of(job.uploaded_by, MANAGE) if job.uploaded_by else None
                ),
            )
    except Exception as error:
        logger.exception("registry import %s failed while writing", job_id)
        now = timezone.now()
        return finish(
            ImportJob.Status.FAILED,
            message=_with_kind(MSG_FAILED_WRITING % {"job": job_id}, error),
            retry_until=_retry_until(now),
        )
    return finish(
        ImportJob.Status.DONE,
        processed_rows=result.total_rows,
        counts=counts.as_dict(),
        message=_("已导入 %(total)s 行。") % {"total": result.total_rows},
    )


def sheets_expired_delete(*, now=None) -> int:
    """Delete the sheets of jobs that ended (done or failed) more than
    ``REGISTRY_SHEET_RETENTION_DAYS`` ago (0: as soon as they end). Returns how many."""
    now = now or timezone.now()
    cutoff = now - timedelta(days=settings.REGISTRY_SHEET_RETENTION_DAYS)
    ended = (
        ImportJob.objects.filter(
            status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED], finished_at__lte=cutoff
        )
        .exclude(file="")
        # Kept to be run again until its retry window closes.
        .exclude(retry_until__gt=now)
    )
    deleted = 0
    for job in ended.only("pk", "file"):
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted


@task
def registry_import_task(job_id: int) -> str:
    return import_job_run(job_id=job_id)
