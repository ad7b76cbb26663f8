"""Background work: running an uploaded registry import (django.tasks, so a worker can take
it; with Django's default immediate backend it runs at once)."""

from __future__ import annotations

import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.tasks import task
from django.utils import timezone
from django.utils.translation import gettext as _

from .importing import RegistryFileError, registry_parse
from .loading import registry_rows_apply
from .models import ImportJob

logger = logging.getLogger(__name__)
MAX_STORED_ERRORS = 5000


def import_job_run(*, job_id: int) -> str:
    """Validate the job's file (reporting progress on the job row), then write it all or
    nothing. Returns the final status."""
    job = ImportJob.objects.select_related("uploaded_by", "community").get(pk=job_id)
    jobs = ImportJob.objects.filter(pk=job_id)
    jobs.update(status=ImportJob.Status.VALIDATING, processed_rows=0)

    def progress(done: int, total: int) -> None:
        jobs.update(processed_rows=done, total_rows=total)

    def finish(status: str, **fields) -> str:
        jobs.update(status=status, finished_at=timezone.now(), **fields)
        # The sheet holds ID numbers and phones: keep the outcome, not the file.
        sheets_expired_delete()
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
    jobs.update(status=ImportJob.Status.WRITING, total_rows=result.total_rows)
    try:
        with transaction.atomic():
            counts = registry_rows_apply(result.rows)
    except Exception:
        logger.exception("registry import %s failed while writing", job_id)
        return finish(ImportJob.Status.FAILED, message=_("写入数据库时出错，未导入任何数据。"))
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
    ended = ImportJob.objects.filter(
        status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED], finished_at__lte=cutoff
    ).exclude(file="")
    deleted = 0
    for job in ended.only("pk", "file"):
        job.file.delete(save=False)
        ImportJob.objects.filter(pk=job.pk).update(file="")
        deleted += 1
    return deleted


@task
def registry_import_task(job_id: int) -> str:
    return import_job_run(job_id=job_id)
