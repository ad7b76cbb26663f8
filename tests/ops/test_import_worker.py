"""Registry imports on the database task worker (TASKS_BACKEND=database): queued by the
upload, shown waiting while no worker runs, run by ``manage.py db_worker`` with progress
on the job row; a worker killed in the middle leaves nothing half-imported, and staff run
the job again from its kept sheet."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse
from django_tasks_db.models import DBTaskResult
from wagtail.models import ModelLogEntry

from common.ops.models import WorkerHeartbeat
from estates.models import Building, Compound, ImportJob, Owner, Ownership, Unit
from tests.estates.import_helpers import csv_bytes
from tests.estates.test_import_admin import officer
from tests.factories import valid_id_number

ROOT = Path(__file__).resolve().parents[2]
DATABASE_TASKS = {"default": {"BACKEND": "common.ops.tasks_backend.DatabaseBackend"}}
STALE_SECONDS = 2


def table_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Compound, Building, Unit, Owner, Ownership)}


def big_sheet(units: int) -> bytes:
    rows = []
    for n in range(units):
        birth = f"19{60 + n // 1000:02d}0101"
        rows.append(
            [
                "开化第1社区",
                "翠湖花园小区",
                f"{n // 100 + 1}栋",
                "1单元",
                f"{n % 100 + 101}",
                "89.50",
                "产权登记",
                f"业主{n}",
                valid_id_number(n, birth=birth),
                "",
            ]
        )
    return csv_bytes(rows)


def database_url() -> str:
    params = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{params['NAME']}"
    user = params["USER"]
    password = f":{params['PASSWORD']}" if params.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{params['HOST']}:{params['PORT']}/{params['NAME']}"


def worker(settings, *args: str) -> subprocess.Popen:
    """``manage.py db_worker`` in its own process, on the test database."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "TASKS_BACKEND": "database",
        "PRIVATE_ROOT": str(settings.PRIVATE_ROOT),
        "WORKER_HEARTBEAT_SECONDS": "0.5",
        "WORKER_HEARTBEAT_STALE_SECONDS": str(STALE_SECONDS),
    }
    command = [sys.executable, "manage.py", "db_worker", "--queue-name", "*"]
    command += ["--no-startup-delay", "--interval", "0.1", "--no-reload", *args]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL)


@pytest.fixture
def queued(settings, tmp_path, tree, client):
    settings.TASKS = DATABASE_TASKS
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.WORKER_HEARTBEAT_STALE_SECONDS = STALE_SECONDS
    client.force_login(officer(tree.streets[0], "clerk"))

    def upload(data: bytes) -> ImportJob:
        response = client.post(
            reverse("estates_registry_import"), {"file": SimpleUploadedFile("登记表.csv", data)}
        )
        assert response.status_code == 302
        return ImportJob.objects.latest("created_at")

    return upload


def wait_for(predicate, seconds: float = 120, step: float = 0.02):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError("timed out")


@pytest.mark.django_db(transaction=True)
def test_an_import_waits_for_the_worker_and_runs_on_it(queued, client, settings):
    before = table_counts()
    job = queued(big_sheet(40))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PENDING
    assert DBTaskResult.objects.get().status == "READY"
    page = client.get(reverse("estates_registry_import_job", args=[job.pk])).text
    assert "后台处理程序目前没有运行" in page
    assert 'http-equiv="refresh"' in page
    assert table_counts() == before

    assert worker(settings, "--batch").wait(120) == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert job.processed_rows == job.total_rows == 40
    assert table_counts()["Unit"] == before["Unit"] + 40
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    # A worker that stopped cleanly is not left counted as alive.
    assert not WorkerHeartbeat.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_a_worker_killed_mid_import_leaves_nothing_and_staff_run_it_again(queued, client, settings):
    before = table_counts()
    job = queued(big_sheet(3000))
    process = worker(settings)
    try:
        # Killed once the rows are being written (one transaction), or failing that while
        # they are being checked.
        wait_for(
            lambda: ImportJob.objects.filter(pk=job.pk, status=ImportJob.Status.WRITING).exists()
        )
        os.kill(process.pid, signal.SIGKILL)
        process.wait(30)
    finally:
        if process.poll() is None:
            process.kill()
    assert table_counts() == before

    # Once the worker's heartbeat is stale, opening the job says what happened.
    time.sleep(STALE_SECONDS + 0.5)
    page = client.get(reverse("estates_registry_import_job", args=[job.pk])).text
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert "后台程序已停止" in job.message and job.can_retry
    assert "重新运行导入" in page
    assert table_counts() == before

    response = client.post(reverse("estates_registry_import_retry", args=[job.pk]))
    assert response.status_code == 302
    job.refresh_from_db()
    assert job.status == ImportJob.Status.PENDING and not job.message
    entry = ModelLogEntry.objects.get(action="estates.registry_import_retry")
    assert entry.object_id == str(job.pk) and entry.user.username == "clerk"
    assert "后台程序已停止" in entry.data["message"]
    assert worker(settings, "--batch").wait(300) == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE, job.message
    assert table_counts()["Unit"] == before["Unit"] + 3000
    # The killed run's task, left running, was failed by the next worker's heartbeat.
    killed, rerun = DBTaskResult.objects.order_by("enqueued_at")
    assert killed.status == "FAILED"
    assert killed.exception_class_path == "common.ops.heartbeat.WorkerLost"
    assert rerun.status == "SUCCESSFUL"
    # The sheet is deleted once the job is done (retention 0), not kept for a retry.
    assert not job.file


@pytest.mark.django_db(transaction=True)
def test_a_job_that_failed_for_its_content_cannot_be_run_again(queued, client, settings):
    job = queued(big_sheet(3).replace(b"89.50", b"-1", 1))
    assert worker(settings, "--batch").wait(120) == 0
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.errors
    assert not job.can_retry
    page = client.get(reverse("estates_registry_import_job", args=[job.pk])).text
    assert "重新运行导入" not in page
    client.post(reverse("estates_registry_import_retry", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert DBTaskResult.objects.count() == 1


@pytest.mark.django_db
def test_wagtail_index_updates_run_at_once_with_the_database_backend(settings, tree):
    """Wagtail's tasks (django_tasks backport) are not loadable by the database worker:
    they run in the request, so a published page is searchable at once."""
    from cms.setup import ensure_portal

    settings.TASKS = DATABASE_TASKS
    portal = ensure_portal()
    portal.title = "物业治理门户更新"
    portal.save_revision().publish()
    assert not DBTaskResult.objects.exists()
    from estates.tasks import registry_import_task

    registry_import_task.enqueue(12345)
    assert DBTaskResult.objects.get().task_path == "estates.tasks.registry_import_task"
