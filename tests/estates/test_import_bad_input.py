"""Registry sheets that are malformed or hostile: each is refused with the row named, or
read, and the admin job always ends (done or failed with its message), never half-written."""

from __future__ import annotations

import csv
import io
import zipfile
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from estates import loading, services, tasks
from estates.importing import RegistryFileError, registry_parse
from estates.loading import registry_rows_apply
from estates.models import Building, Compound, ImportJob, Owner, Ownership, Unit
from tests.estates.import_helpers import HEADER, csv_bytes, good_rows, xlsx_bytes
from tests.factories import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def table_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Compound, Building, Unit, Owner, Ownership)}


def with_cell(row: int, column: int, value) -> list[list]:
    rows = good_rows()
    rows[row][column] = value
    return rows


def officer(street):
    user = make_user("kaihua")
    user.user_permissions.add(
        Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    )
    services.role_assign(user=user, role="street_staff", target=street)
    return user


def upload(client, data: bytes, name: str):
    return client.post(reverse("estates_registry_import"), {"file": SimpleUploadedFile(name, data)})


# --- A cell over the CSV field limit ------------------------------------------------------


def test_cell_over_the_csv_field_limit_is_refused_with_its_row(tree):
    huge = "张" * (csv.field_size_limit() + 1)
    with pytest.raises(RegistryFileError) as raised:
        registry_parse(csv_bytes(with_cell(3, 7, huge)), name="登记表.csv")
    assert raised.value.row == 5
    assert "第 5 行" in raised.value.message
    assert str(csv.field_size_limit()) in raised.value.message


def test_an_unpaired_quote_names_the_row_where_it_starts(tree):
    text = csv_bytes(good_rows()).decode("utf-8-sig").splitlines()
    text[2] = text[2].replace("李娜", '"李娜')  # row 3 opens a quote that never closes
    filler = "\n".join(text + ["x" * 1000] * 200)
    with pytest.raises(RegistryFileError) as raised:
        registry_parse(filler.encode(), name="登记表.csv")
    assert raised.value.row == 3 and "第 3 行" in raised.value.message


def test_nul_character_in_a_row_past_the_sniffed_start_names_the_row(tree):
    rows = good_rows() * 2000  # the NUL falls past the first 64 KB the sniffer looks at
    data = csv_bytes(rows) + "开化第1社区,翠湖,1栋,,9\x009,80,,张三,x,\r\n".encode()
    with pytest.raises(RegistryFileError) as raised:
        registry_parse(data, name="登记表.csv")
    assert raised.value.row == len(rows) + 2


# --- Areas that do not fit the field ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("1e30", "过大"),
        ("1E+400", "过大"),
        ("123456789", "过大"),
        ("100000000.00", "过大"),
        ("NaN", "不是数字"),
        ("sNaN", "不是数字"),
        ("inf", "不是数字"),
        ("-Infinity", "不是数字"),
        ("-1e30", "大于 0"),
        ("1e-30", "两位小数"),
        ("1e-999999", "两位小数"),
        ("12.345", "两位小数"),
        ("1.000000000000000000000000000000001", "两位小数"),
    ],
)
def test_area_out_of_the_fields_range_is_refused_with_its_row(tree, value, fragment):
    before = table_counts()
    result = registry_parse(csv_bytes(with_cell(5, 5, value)), name="登记表.csv")
    assert [(e["row"], e["column"]) for e in result.errors] == [(7, "专有部分面积")]
    assert fragment in result.errors[0]["message"]
    assert table_counts() == before


@pytest.mark.parametrize("value", [1e30, 1e300, 123456789.5, -1e30])
def test_numeric_excel_area_out_of_range_is_refused(tree, value):
    result = registry_parse(xlsx_bytes(with_cell(5, 5, value)), name="登记表.xlsx")
    assert [(e["row"], e["column"]) for e in result.errors] == [(7, "专有部分面积")]


def test_largest_area_the_field_holds_is_accepted(tree):
    result = registry_parse(csv_bytes(with_cell(5, 5, "99999999.99")), name="登记表.csv")
    assert result.ok and result.rows[5].area == Decimal("99999999.99")
    registry_rows_apply(result.rows)
    assert Unit.objects.get(room="301").exclusive_area == Decimal("99999999.99")


def test_a_huge_bad_value_is_not_quoted_whole_in_the_message(tree):
    result = registry_parse(csv_bytes(with_cell(5, 6, "估" * 100_000)), name="登记表.csv")
    assert result.errors[0]["column"] == "面积来源"
    assert len(result.errors[0]["message"]) < 200


# --- Encodings ----------------------------------------------------------------------------


def tsv_text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter="\t", lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(rows)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "encode",
    [
        # Excel's "Unicode text": tab-separated UTF-16 LE with a BOM.
        lambda text: b"\xff\xfe" + text.encode("utf-16-le"),
        lambda text: b"\xfe\xff" + text.encode("utf-16-be"),
        lambda text: text.encode("utf-8-sig"),
        lambda text: text.encode("utf-8"),
        lambda text: text.encode("gbk"),
        lambda text: text.encode("gb18030"),
    ],
    ids=["utf-16-le", "utf-16-be", "utf-8-bom", "utf-8", "gbk", "gb18030"],
)
def test_tab_separated_text_in_every_excel_encoding_is_read(tree, encode):
    result = registry_parse(encode(tsv_text(good_rows())), name="登记表.txt")
    assert result.ok, result.errors
    assert len(result.rows) == 6
    assert result.rows[0].compound == "翠湖花园小区" and result.rows[0].owner_name == "张伟"


def test_utf16_upload_imports_through_the_admin(client, tree):
    client.force_login(officer(tree.streets[0]))
    data = b"\xff\xfe" + tsv_text(good_rows()).encode("utf-16-le")
    upload(client, data, "登记表.csv")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.DONE, job.message
    assert Unit.objects.filter(compound__name="翠湖花园小区").count() == 5


def test_excel_unicode_text_saved_as_txt_is_accepted_by_the_admin(client, tree):
    client.force_login(officer(tree.streets[0]))
    data = b"\xff\xfe" + tsv_text(good_rows()).encode("utf-16-le")
    upload(client, data, "登记表.txt")
    assert ImportJob.objects.get().status == ImportJob.Status.DONE


def test_broken_utf16_is_refused_with_a_message(tree):
    data = b"\xff\xfe" + tsv_text(good_rows()).encode("utf-16-le") + b"\x00"  # odd length
    with pytest.raises(RegistryFileError) as raised:
        registry_parse(data, name="登记表.txt")
    assert "编码" in raised.value.message


# --- XLSX formulas ------------------------------------------------------------------------


def xlsx_with_saved_results(data: bytes, result: str) -> bytes:
    """The workbook as Excel would save it: every formula with its computed value."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = content.replace(b"</f><v />", f"</f><v>{result}</v>".encode())
            target.writestr(item, content)
    return out.getvalue()


def test_formula_with_no_saved_value_gets_its_own_message_naming_the_cell(tree):
    rows = with_cell(5, 5, "=F3*2")  # written by a program: no computed value saved
    result = registry_parse(xlsx_bytes(rows), name="登记表.xlsx")
    assert [(e["row"], e["column"]) for e in result.errors] == [(7, "专有部分面积")]
    message = result.errors[0]["message"]
    assert "F7" in message and "公式" in message and "必填" not in message


def test_formula_in_an_optional_column_is_not_read_as_blank(tree):
    rows = with_cell(0, 9, '="139"&"08761001"')
    result = registry_parse(xlsx_bytes(rows), name="登记表.xlsx")
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "联系电话")]
    assert "J2" in result.errors[0]["message"]


def test_row_of_uncomputed_formulas_is_reported_not_skipped(tree):
    rows = good_rows() + [["=A2", "=B2", "=C2", "", "=E2", "=F2", "", "=H2", "=I2", ""]]
    result = registry_parse(xlsx_bytes(rows), name="登记表.xlsx")
    assert {e["row"] for e in result.errors} == {8}
    assert all("公式" in e["message"] for e in result.errors)


def test_formula_with_a_saved_value_is_read(tree):
    data = xlsx_with_saved_results(xlsx_bytes(with_cell(5, 5, "=60+6")), "66")
    result = registry_parse(data, name="登记表.xlsx")
    assert result.ok, result.errors
    assert result.rows[5].area == Decimal("66.00")


def test_damaged_worksheet_xml_is_refused_as_unreadable(tree):
    source = zipfile.ZipFile(io.BytesIO(xlsx_bytes(good_rows())))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename.startswith("xl/worksheets/"):
                content = content[: len(content) // 2]  # cut mid-element
            target.writestr(item, content)
    with pytest.raises(RegistryFileError) as raised:
        registry_parse(out.getvalue(), name="登记表.xlsx")
    assert "无法读取 Excel" in raised.value.message


def test_workbook_that_unpacks_far_beyond_the_limit_is_refused_unread(tree, settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 100_000
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * 3_000_000)  # compresses to ~3 KB
    assert len(out.getvalue()) < settings.REGISTRY_IMPORT_MAX_BYTES
    with pytest.raises(RegistryFileError) as raised:
        registry_parse(out.getvalue(), name="登记表.xlsx")
    assert "解压后过大" in raised.value.message


# --- Years --------------------------------------------------------------------------------


def rows_with_year(years: list) -> tuple[list[list], list[str]]:
    rows = [[*row, year] for row, year in zip(good_rows(), years, strict=True)]
    return rows, [*HEADER, "建成年份"]


def test_year_column_sets_the_new_compounds_year(tree):
    rows, header = rows_with_year(["2008", "", "2008年", "", 2008, ""])
    result = registry_parse(csv_bytes(rows, header=header), name="登记表.csv")
    assert result.ok, result.errors
    registry_rows_apply(result.rows)
    assert Compound.objects.get(name="翠湖花园小区").completed_year == 2008


def test_year_column_updates_an_existing_compound(tree):
    registry_rows_apply(registry_parse(csv_bytes(good_rows()), name="a.csv").rows)
    rows, header = rows_with_year(["2011"] + [""] * 5)
    counts = registry_rows_apply(registry_parse(csv_bytes(rows, header=header), name="a").rows)
    assert counts.compounds_updated == 1
    assert Compound.objects.get(name="翠湖花园小区").completed_year == 2011


@pytest.mark.parametrize(
    ("year", "fragment"),
    [
        ("1850", "1900"),
        (str(timezone.localdate().year + 6), "1900"),
        ("九八年", "年份"),
        ("98", "年份"),
    ],
)
def test_year_out_of_range_is_refused_with_its_row(tree, year, fragment):
    rows, header = rows_with_year(["", "", "", year, "", ""])
    result = registry_parse(csv_bytes(rows, header=header), name="登记表.csv")
    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "建成年份")]
    assert fragment in result.errors[0]["message"]


def test_two_years_for_one_compound_are_refused(tree):
    rows, header = rows_with_year(["2008", "", "", "2009", "", ""])
    result = registry_parse(csv_bytes(rows, header=header), name="登记表.csv")
    assert [(e["row"], e["column"]) for e in result.errors] == [(5, "建成年份")]
    assert "第 2 行" in result.errors[0]["message"]


# --- The admin job always ends ------------------------------------------------------------


def test_field_over_the_limit_ends_the_admin_job_as_failed_with_the_row(client, tree):
    client.force_login(officer(tree.streets[0]))
    huge = "x" * (csv.field_size_limit() + 10)
    response = upload(client, csv_bytes(with_cell(1, 7, huge)), "登记表.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.FAILED
    assert "第 3 行" in job.message and job.finished_at is not None
    page = client.get(response["Location"])
    assert "第 3 行" in page.text and 'http-equiv="refresh"' not in page.text


def test_huge_area_ends_the_admin_job_as_failed_with_the_row(client, tree):
    client.force_login(officer(tree.streets[0]))
    before = table_counts()
    response = upload(client, csv_bytes(with_cell(5, 5, "1e30")), "登记表.csv")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert [(e["row"], e["column"]) for e in job.errors] == [(7, "专有部分面积")]
    assert "未导入" in client.get(response["Location"]).text
    assert table_counts() == before


def test_unexpected_error_while_checking_fails_the_job_with_a_message(client, tree, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(tasks, "registry_parse", broken)
    client.force_login(officer(tree.streets[0]))
    response = upload(client, csv_bytes(good_rows()), "登记表.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert "校验文件时" in job.message and str(job.pk) in job.message
    assert "boom" not in job.message
    assert "校验文件时" in client.get(response["Location"]).text


def test_error_half_way_through_writing_leaves_nothing_behind(client, tree, monkeypatch):
    real_insert = loading.bulk_insert

    def insert_then_fail(model, fields, rows):
        if model is Owner:
            raise RuntimeError("disk full")
        return real_insert(model, fields, rows)

    monkeypatch.setattr(loading, "bulk_insert", insert_then_fail)
    before = table_counts()
    client.force_login(officer(tree.streets[0]))
    upload(client, csv_bytes(good_rows()), "登记表.csv")
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.FAILED
    assert "写入数据库时出错" in job.message
    assert table_counts() == before  # compounds, buildings and units rolled back too


def test_sheet_missing_from_storage_fails_the_job_with_a_message(tree):
    job = ImportJob.objects.create(
        file=SimpleUploadedFile("a.csv", csv_bytes(good_rows())), original_name="a.csv"
    )
    job.file.storage.delete(job.file.name)  # e.g. a worker on another host
    assert tasks.import_job_run(job_id=job.pk) == ImportJob.Status.FAILED
    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED and job.finished_at is not None
    assert "校验文件时" in job.message


def test_job_whose_worker_died_is_failed_when_its_page_is_opened(client, tree, settings):
    settings.REGISTRY_IMPORT_STALL_MINUTES = 30
    user = officer(tree.streets[0])
    stale = ImportJob.objects.create(
        file=SimpleUploadedFile("a.csv", b"x"),
        original_name="a.csv",
        uploaded_by=user,
        status=ImportJob.Status.VALIDATING,
        total_rows=40000,
        processed_rows=2000,
    )
    fresh = ImportJob.objects.create(
        file=SimpleUploadedFile("b.csv", b"x"),
        original_name="b.csv",
        uploaded_by=user,
        status=ImportJob.Status.VALIDATING,
    )
    queued = ImportJob.objects.create(
        file=SimpleUploadedFile("c.csv", b"x"), original_name="c.csv", uploaded_by=user
    )
    long_ago = timezone.now() - timedelta(minutes=31)
    ImportJob.objects.filter(pk__in=[stale.pk, queued.pk]).update(updated_at=long_ago)
    client.force_login(user)
    page = client.get(reverse("estates_registry_import_job", args=[stale.pk]))
    stale.refresh_from_db()
    assert stale.status == ImportJob.Status.FAILED and "30 分钟" in stale.message
    assert "已中断" in page.text and 'http-equiv="refresh"' not in page.text
    assert ImportJob.objects.get(pk=fresh.pk).status == ImportJob.Status.VALIDATING
    assert ImportJob.objects.get(pk=queued.pk).status == ImportJob.Status.PENDING


def test_job_that_cannot_be_queued_fails_at_once(client, tree, monkeypatch):
    from estates.views import importing as views

    class QueueDown:
        def enqueue(self, *args, **kwargs):
            raise ConnectionError("queue down")

    monkeypatch.setattr(views, "registry_import_task", QueueDown())
    client.force_login(officer(tree.streets[0]))
    before = table_counts()
    response = upload(client, csv_bytes(good_rows()), "登记表.csv")
    job = ImportJob.objects.get()
    assert response.status_code == 302
    assert job.status == ImportJob.Status.FAILED and "未能提交" in job.message
    assert table_counts() == before
