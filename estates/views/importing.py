"""Admin upload of a registry sheet and the job page showing its progress and errors."""

from __future__ import annotations

import logging
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from common.jurisdiction import MANAGE, jurisdiction_of, scope_queryset

from ..choices import RegionLevel
from ..importing import COLUMN_LABELS
from ..models import ImportJob, Region
from ..selectors import import_job_get
from ..tasks import (
    MSG_NOT_QUEUED,
    MSG_NOT_RETRYABLE,
    import_job_fail,
    import_job_retry,
    import_job_task,
    import_jobs_stalled_fail,
    registry_import_task,
    sheets_expired_delete_logged,
)

# .txt and .tsv: what Excel names "Unicode text" and other tab-separated saves.
ALLOWED_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx"}
MSG_SUFFIX = _("只接受 .csv、.txt（Unicode 文本）或 .xlsx 文件。")
MSG_SIZE = _("文件超过 %(limit)s MB 的上限。")

logger = logging.getLogger(__name__)


def can_import(user) -> bool:
    """Registry clerks: may add units and manage some jurisdiction (street or community)."""
    return (
        user.is_authenticated
        and user.has_perm("estates.add_unit")
        and not jurisdiction_of(user, MANAGE).is_empty
    )


class ImportForm(forms.Form):
    file = forms.FileField(label=_("登记表文件（.csv、.txt 或 .xlsx）"))
    community = forms.ModelChoiceField(
        label=_("社区（表中没有“社区”列时必选）"),
        queryset=Region.objects.none(),
        required=False,
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = scope_queryset(
            Region.objects.filter(level=RegionLevel.COMMUNITY), user, MANAGE
        ).order_by("path")

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError(MSG_SUFFIX)
        limit = settings.REGISTRY_IMPORT_MAX_BYTES
        if upload.size > limit:
            raise forms.ValidationError(MSG_SIZE % {"limit": f"{limit / 1024 / 1024:g}"})
        return upload


def import_upload(request):
    if not can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        job = ImportJob.objects.create(
            file=upload,
            original_name=Path(upload.name).name[:255],
            community=form.cleaned_data["community"],
            uploaded_by=request.user,
        )
        try:
            registry_import_task.enqueue(job.pk)
        except Exception as error:  # the task queue is down: the job must not wait for ever
            logger.exception("registry import %s could not be queued", job.pk)
            import_job_fail(job_id=job.pk, message=str(MSG_NOT_QUEUED), retryable=True, error=error)
        return redirect("estates_registry_import_job", pk=job.pk)
    import_jobs_stalled_fail()
    # Sheets past their retention go even when no import has ended since (common.files).
    sheets_expired_delete_logged()
    jobs = ImportJob.objects.filter(uploaded_by=request.user)[:10]
    return TemplateResponse(
        request,
        "estates/admin/import_upload.html",
        {
            "form": form,
            "jobs": jobs,
            "columns": [str(label) for label in COLUMN_LABELS.values()],
            "page_title": _("导入登记表"),
            "header_icon": "upload",
        },
    )


def import_job_detail(request, pk: int):
    if not can_import(request.user):
        raise PermissionDenied
    job = import_job_get(user=request.user, pk=pk)
    if job.is_running and import_jobs_stalled_fail():
        job.refresh_from_db()
    return TemplateResponse(
        request,
        "estates/admin/import_job.html",
        {
            "job": job,
            "queue": _queue_state(job),
            "page_title": _("登记表导入：%(name)s") % {"name": job.original_name},
            "header_icon": "upload",
        },
    )


def _queue_state(job: ImportJob) -> dict | None:
    """For a job waiting on the database task backend: how many tasks are ahead of it and
    whether a worker is running to take them (the page says so while it waits)."""
    if job.status != ImportJob.Status.PENDING:
        return None
    result = import_job_task(job.pk)
    if result is None or result.status != "READY":
        return None
    from django_tasks_db.models import DBTaskResult

    from common.ops.health import workers_alive

    ahead = (
        DBTaskResult.objects.ready()
        .filter(queue_name=result.queue_name, enqueued_at__lt=result.enqueued_at)
        .count()
    )
    return {"ahead": ahead, "workers": workers_alive()}


@require_POST
def import_job_retry_view(request, pk: int):
    """Run again a job that failed for a fault (its worker died, the database went away)."""
    if not can_import(request.user):
        raise PermissionDenied
    job = import_job_get(user=request.user, pk=pk)
    if not import_job_retry(job=job, user=request.user):
        messages.error(request, MSG_NOT_RETRYABLE)
    return redirect("estates_registry_import_job", pk=job.pk)
