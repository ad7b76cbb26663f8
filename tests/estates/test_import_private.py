"""A registry sheet (owners' ID numbers and phones) is a private upload: written outside
MEDIA_ROOT, never served under MEDIA_URL, and deleted once its import ends (at once by
default, or after REGISTRY_SHEET_RETENTION_DAYS)."""

from __future__ import annotations

import importlib
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from estates import tasks
from estates.models import ImportJob
from tests.estates.import_helpers import csv_bytes, good_rows, xlsx_bytes
from tests.estates.test_import_admin import officer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def storage_dirs(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.PRIVATE_ROOT = tmp_path / "private"
    return settings


@pytest.fixture
def seen(monkeypatch):
    """Where the sheet was while the import read it."""
    paths: list[Path] = []
    parse = tasks.registry_parse

    def spy(data, **kwargs):
        job = ImportJob.objects.exclude(file="").get()
        paths.append(Path(job.file.path))
        assert job.file.url is None  # no URL to give out
        return parse(data, **kwargs)

    monkeypatch.setattr(tasks, "registry_parse", spy)
    return paths


def upload(client, data: bytes, name: str):
    return client.post(reverse("estates_registry_import"), {"file": SimpleUploadedFile(name, data)})


def files_under(root: Path) -> list[Path]:
    return [p for p in Path(root).rglob("*") if p.is_file()] if Path(root).exists() else []


@pytest.mark.parametrize(
    ("sheet", "name", "status"),
    [
        (xlsx_bytes(good_rows()), "登记表.xlsx", ImportJob.Status.DONE),
        (csv_bytes([r[:8] for r in good_rows()]), "登记表.csv", ImportJob.Status.FAILED),
    ],
)
def test_sheet_is_private_while_read_and_gone_when_the_import_ends(
    client, tree, storage_dirs, seen, sheet, name, status
):
    client.force_login(officer(tree.streets[0], "kaihua"))
    upload(client, sheet, name)
    job = ImportJob.objects.get()
    assert job.status == status
    [path] = seen
    assert path.is_relative_to(storage_dirs.PRIVATE_ROOT)
    assert not path.is_relative_to(storage_dirs.MEDIA_ROOT)
    assert not path.exists() and not job.file
    assert files_under(storage_dirs.PRIVATE_ROOT) == files_under(storage_dirs.MEDIA_ROOT) == []


def test_retention_keeps_the_sheet_for_the_set_days_then_deletes_it(
    client, tree, storage_dirs, seen
):
    storage_dirs.REGISTRY_SHEET_RETENTION_DAYS = 2
    client.force_login(officer(tree.streets[0], "kaihua"))
    upload(client, csv_bytes(good_rows()), "登记表.csv")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE
    [path] = seen
    assert path.is_file() and job.file
    assert tasks.sheets_expired_delete(now=timezone.now() + timedelta(days=1)) == 0
    assert path.is_file()
    assert tasks.sheets_expired_delete(now=timezone.now() + timedelta(days=2, minutes=1)) == 1
    job.refresh_from_db()
    assert not path.exists() and not job.file


def test_a_waiting_sheet_is_not_served_under_media_url(client, tree, storage_dirs):
    """Queued for a worker: the sheet exists, but no public path reaches it."""
    storage_dirs.ROOT_URLCONF = "tests.common.private_files_urls"
    job = ImportJob.objects.create(
        file=SimpleUploadedFile("登记表.csv", csv_bytes(good_rows())),
        original_name="登记表.csv",
        uploaded_by=officer(tree.streets[0], "kaihua"),
    )
    path = Path(job.file.path)
    assert path.is_file() and path.is_relative_to(storage_dirs.PRIVATE_ROOT)
    assert files_under(storage_dirs.MEDIA_ROOT) == []
    assert client.get(f"/media/{job.file.name}").status_code == 404
    client.force_login(officer(tree.streets[1], "wolong"))
    assert client.get(f"/media/{job.file.name}").status_code == 404


def test_upgrade_moves_sheets_and_documents_out_of_media_root(storage_dirs):
    """Files uploaded before the private storage existed leave MEDIA_ROOT on migrate;
    images stay public."""
    migration = importlib.import_module("estates.migrations.0003_private_uploads")
    media, private = Path(storage_dirs.MEDIA_ROOT), Path(storage_dirs.PRIVATE_ROOT)
    moved = ["registry-imports/2026/11/登记表.csv", "documents/roll.pdf"]
    kept = "original_images/gate.png"
    for name in [*moved, kept]:
        (media / name).parent.mkdir(parents=True, exist_ok=True)
        (media / name).write_bytes(name.encode())
    migration.move_private_files(None, None)
    for name in moved:
        assert not (media / name).exists()
        assert (private / name).read_bytes() == name.encode()
    assert (media / kept).read_bytes() == kept.encode()


def test_sheets_past_retention_go_when_the_upload_page_opens(client, tree, storage_dirs, seen):
    """No further import needed: opening the upload page clears sheets past retention."""
    storage_dirs.REGISTRY_SHEET_RETENTION_DAYS = 1
    client.force_login(officer(tree.streets[0], "kaihua"))
    upload(client, csv_bytes(good_rows()), "登记表.csv")
    [path] = seen
    client.get(reverse("estates_registry_import"))
    assert path.is_file()
    ImportJob.objects.update(finished_at=timezone.now() - timedelta(days=1, minutes=1))
    client.get(reverse("estates_registry_import"))
    assert not path.exists() and not ImportJob.objects.get().file


def test_upgrade_run_again_leaves_no_public_copy(storage_dirs):
    """A file the interrupted first run already moved is the same file: its public copy
    goes too. A different file under the same name stops the upgrade, both kept."""
    migration = importlib.import_module("estates.migrations.0003_private_uploads")
    media, private = Path(storage_dirs.MEDIA_ROOT), Path(storage_dirs.PRIVATE_ROOT)
    same, differs = "documents/roll.pdf", "registry-imports/2026/11/登记表.csv"
    for root in (media, private):
        (root / same).parent.mkdir(parents=True, exist_ok=True)
        (root / same).write_bytes(b"roll")
    migration.move_private_files(None, None)
    assert not (media / same).exists()
    assert (private / same).read_bytes() == b"roll"
    for root, content in ((media, b"old sheet"), (private, b"new sheet")):
        (root / differs).parent.mkdir(parents=True, exist_ok=True)
        (root / differs).write_bytes(content)
    with pytest.raises(RuntimeError, match="differ"):
        migration.move_private_files(None, None)
    assert (media / differs).read_bytes() == b"old sheet"
    assert (private / differs).read_bytes() == b"new sheet"


def test_a_sheet_that_cannot_be_deleted_yet_does_not_change_the_outcome(
    client, tree, storage_dirs, monkeypatch
):
    """The import succeeded: a failing delete is logged and tried again later (the next
    end of an import, or opening the upload page), never reported as a failed import."""
    from common.files import PrivateStorage

    job = ImportJob.objects.create(
        file=SimpleUploadedFile("登记表.csv", csv_bytes(good_rows())),
        original_name="登记表.csv",
        uploaded_by=officer(tree.streets[0], "kaihua"),
    )
    path = Path(job.file.path)

    def refuse(self, name):
        raise PermissionError(name)

    with monkeypatch.context() as patched:
        patched.setattr(PrivateStorage, "delete", refuse)
        assert tasks.import_job_run(job_id=job.pk) == ImportJob.Status.DONE
        job.refresh_from_db()
        assert job.status == ImportJob.Status.DONE and path.is_file()
        # Nor does it stop the upload page from opening.
        client.force_login(job.uploaded_by)
        assert client.get(reverse("estates_registry_import")).status_code == 200
        assert path.is_file()
    client.get(reverse("estates_registry_import"))
    assert not path.exists() and not ImportJob.objects.get().file
