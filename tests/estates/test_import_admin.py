"""The registry upload in the Wagtail admin: a street officer imports their own street."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from estates import services
from estates.models import Compound, ImportJob, Unit
from tests.estates.import_helpers import csv_bytes, good_rows, xlsx_bytes
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def officer(street, username: str):
    user = make_user(username)
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    services.role_assign(user=user, role="street_staff", target=street)
    return user


def refused(response) -> bool:
    """Wagtail turns PermissionDenied into a redirect to the dashboard with a message."""
    return response.status_code == 403 or (
        response.status_code == 302 and response["Location"] == reverse("wagtailadmin_home")
    )


def upload(client, data: bytes, name: str, **extra):
    return client.post(
        reverse("estates_registry_import"),
        {"file": SimpleUploadedFile(name, data), **extra},
    )


def test_street_officer_uploads_and_sees_the_result(client, tree):
    user = officer(tree.streets[0], "kaihua")
    client.force_login(user)
    page = client.get(reverse("estates_registry_import"))
    assert page.status_code == 200
    assert reverse("estates_registry_import") in client.get(reverse("wagtailadmin_home")).text
    assert "导入登记表" in page.text
    response = upload(client, xlsx_bytes(good_rows()), "登记表.xlsx")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("estates_registry_import_job", args=[job.pk])
    assert job.status == ImportJob.Status.DONE
    assert job.uploaded_by == user
    assert job.total_rows == job.processed_rows == 6
    assert job.counts["units_created"] == 5
    assert not job.file  # the uploaded sheet (ID numbers, phones) is not kept
    assert Unit.objects.filter(compound__name="翠湖花园小区").count() == 5
    detail = client.get(response["Location"])
    assert detail.status_code == 200
    assert "已完成" in detail.text and 'http-equiv="refresh"' not in detail.text


def test_officer_of_another_street_is_refused(client, tree):
    kaihua = officer(tree.streets[0], "kaihua")
    wolong = officer(tree.streets[1], "wolong")
    client.force_login(kaihua)
    upload(client, csv_bytes(good_rows()), "登记表.csv")
    first_job = ImportJob.objects.get()

    client.force_login(wolong)
    response = upload(client, csv_bytes(good_rows()), "登记表.csv")
    job = ImportJob.objects.exclude(pk=first_job.pk).get()
    assert job.status == ImportJob.Status.FAILED
    assert {e["row"] for e in job.errors} == set(range(2, 8))
    detail = client.get(response["Location"])
    assert "不在您的管辖范围内" in detail.text and "未导入" in detail.text
    # Nothing was written by the refused job, and the first job is not theirs to read: it
    # answers as a job that does not exist does.
    assert Compound.objects.filter(name="翠湖花园小区").count() == 1
    theirs = client.get(reverse("estates_registry_import_job", args=[first_job.pk]))
    missing = client.get(reverse("estates_registry_import_job", args=[first_job.pk + 1000]))
    assert theirs.status_code == missing.status_code == 404


def test_running_job_page_refreshes_and_shows_progress(client, tree):
    user = officer(tree.streets[0], "kaihua")
    job = ImportJob.objects.create(
        file=SimpleUploadedFile("a.csv", b"x"),
        original_name="a.csv",
        uploaded_by=user,
        status=ImportJob.Status.VALIDATING,
        total_rows=40000,
        processed_rows=10000,
    )
    client.force_login(user)
    page = client.get(reverse("estates_registry_import_job", args=[job.pk]))
    assert 'http-equiv="refresh"' in page.text
    assert 'value="25"' in page.text and "10000 / 40000" in page.text


def test_only_csv_and_xlsx_within_the_limit_are_accepted(client, tree, settings):
    client.force_login(officer(tree.streets[0], "kaihua"))
    response = upload(client, b"\x89PNG\r\n", "photo.png")
    assert response.status_code == 200 and "只接受" in response.text
    settings.REGISTRY_IMPORT_MAX_BYTES = 100
    response = upload(client, csv_bytes(good_rows()), "登记表.csv")
    assert response.status_code == 200 and "上限" in response.text
    assert not ImportJob.objects.exists()


def test_users_without_the_permission_or_a_jurisdiction_are_refused(client, tree):
    viewer = make_user()
    viewer.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    services.role_assign(user=viewer, role="department_reviewer", target=tree.county)
    client.force_login(viewer)
    assert reverse("estates_registry_import") not in client.get(reverse("wagtailadmin_home")).text
    assert refused(client.get(reverse("estates_registry_import")))
    assert refused(upload(client, csv_bytes(good_rows()), "登记表.csv"))
    assert not ImportJob.objects.exists()


def test_bad_file_upload_shows_the_file_error(client, tree):
    client.force_login(officer(tree.streets[0], "kaihua"))
    response = upload(
        client,
        csv_bytes(
            [r[:8] for r in good_rows()],
            header=["社区", "小区", "楼栋", "单元", "房号", "专有部分面积", "面积来源", "业主姓名"],
        ),
        "登记表.csv",
    )
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "证件号码" in client.get(response["Location"]).text
