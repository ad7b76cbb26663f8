"""Registry sheet import: parsing, checking, all-or-nothing writes, idempotent re-import."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from estates import services
from estates.choices import AreaSource, OwnerKind
from estates.importing import RegistryFileError, registry_parse
from estates.loading import registry_rows_apply
from estates.models import Building, Compound, Owner, Ownership, Unit
from tests.estates.import_helpers import (
    DEVELOPER,
    HEADER,
    HEADER_EN,
    LI,
    WANG,
    ZHANG,
    csv_bytes,
    good_rows,
    xlsx_bytes,
)
from tests.factories import make_user, valid_id_number

pytestmark = pytest.mark.django_db


def table_counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in (Compound, Building, Unit, Owner, Ownership)}


def import_bytes(data: bytes, name: str = "登记表.csv", **kwargs):
    result = registry_parse(data, name=name, **kwargs)
    assert result.errors == []
    return result, registry_rows_apply(result.rows)


def test_good_csv_creates_co_owners_multi_unit_owner_and_one_developer(tree):
    before = table_counts()
    result, counts = import_bytes(csv_bytes(good_rows()))
    assert result.total_rows == 6
    assert counts.as_dict() == {
        "compounds_created": 1,
        "compounds_updated": 0,
        "buildings_created": 2,
        "units_created": 5,
        "units_updated": 0,
        "owners_created": 4,
        "owners_updated": 0,
        "owner_phones_kept": 0,
        "ownerships_created": 6,
    }
    after = table_counts()
    assert after["Unit"] - before["Unit"] == 5
    compound = Compound.objects.get(name="翠湖花园小区")
    assert compound.region == tree.communities[0]
    assert compound.region_path == tree.communities[0].path
    co_owned = Unit.objects.get(compound=compound, building__name="1栋", room="101")
    assert set(co_owned.ownerships.values_list("owner__id_number", flat=True)) == {ZHANG, LI}
    assert co_owned.exclusive_area == Decimal("89.50")
    assert Owner.objects.get(id_number=ZHANG).ownerships.count() == 2
    surveyed = Unit.objects.get(compound=compound, room="102")
    assert surveyed.area_source == AreaSource.SURVEYED
    developer = Owner.objects.get(id_number=DEVELOPER)
    assert developer.kind == OwnerKind.DEVELOPER
    # DOMAIN 1.6: the developer's unsold units belong to one owner, one head.
    assert developer.ownerships.count() == 2
    assert Unit.objects.get(compound=compound, room="201").area_source == AreaSource.CONTRACT
    heads = Ownership.objects.filter(compound=compound).values("owner").distinct().count()
    assert heads == 4
    assert Owner.objects.get(id_number=WANG).phone == ""


def test_good_xlsx_with_english_headers_and_numbers(tree, tmp_path):
    rows = [
        [
            tree.communities[1].code,
            "金鼎家园",
            "3栋",
            "",
            501,
            102.5,
            "register",
            "陆秀英",
            valid_id_number(611, "19660207"),
            13987612345,
        ],
        [
            tree.communities[1].code,
            "金鼎家园",
            "3栋",
            "",
            502,
            76,
            "surveyed",
            "农光明",
            valid_id_number(612, "19700509"),
            "0876-2151234",
        ],
    ]
    path = tmp_path / "registry.xlsx"
    path.write_bytes(xlsx_bytes(rows, header=HEADER_EN))
    call_command("import_registry", str(path))
    compound = Compound.objects.get(name="金鼎家园")
    assert compound.region == tree.communities[1]
    unit = Unit.objects.get(compound=compound, room="501")
    assert unit.exclusive_area == Decimal("102.50") and unit.entrance == ""
    assert Owner.objects.get(name="陆秀英").phone == "13987612345"
    assert Unit.objects.get(compound=compound, room="502").area_source == AreaSource.SURVEYED


def test_community_option_when_the_sheet_has_no_community_column(tree, tmp_path):
    rows = [r[1:] for r in good_rows()]
    path = tmp_path / "开化第2社区.csv"
    path.write_bytes(csv_bytes(rows, header=HEADER[1:]))
    call_command("import_registry", str(path), community=tree.communities[1].name)
    assert Compound.objects.get(name="翠湖花园小区").region == tree.communities[1]


def test_reimport_same_file_changes_nothing_and_changes_update(tree):
    data = csv_bytes(good_rows())
    import_bytes(data)
    before = table_counts()
    stamp = Owner.objects.get(id_number=ZHANG).updated_at
    _, counts = import_bytes(data)
    assert set(counts.as_dict().values()) == {0}
    assert table_counts() == before
    assert Owner.objects.get(id_number=ZHANG).updated_at == stamp

    rows = good_rows()
    rows[0][5] = rows[1][5] = "90.10"  # corrected area of the co-owned unit
    rows[0][9] = rows[2][9] = "13887650000"  # 张伟's new phone
    _, counts = import_bytes(csv_bytes(rows))
    assert counts.units_updated == 1 and counts.owners_updated == 1
    assert counts.units_created == counts.ownerships_created == 0
    assert table_counts() == before
    assert Unit.objects.get(room="101", compound__name="翠湖花园小区").exclusive_area == Decimal(
        "90.10"
    )
    assert Owner.objects.get(id_number=ZHANG).phone == "13887650000"


def _with(row_index: int, column: int, value: str) -> list[list[str]]:
    rows = good_rows()
    rows[row_index][column] = value
    return rows


BAD_ID = ZHANG[:-1] + ("0" if ZHANG[-1] != "0" else "1")


@pytest.mark.parametrize(
    ("rows", "row", "column", "fragment"),
    [
        (_with(2, 8, BAD_ID), 4, "证件号码", "校验位"),
        (
            _with(3, 8, DEVELOPER[:-1] + ("0" if DEVELOPER[-1] != "0" else "1")),
            5,
            "证件号码",
            "统一社会信用代码",
        ),
        (_with(5, 9, "1234567"), 7, "联系电话", "有效的手机号码"),
        (_with(5, 5, "0"), 7, "专有部分面积", "大于 0"),
        (_with(5, 5, "-12"), 7, "专有部分面积", "大于 0"),
        (_with(5, 5, "八十九"), 7, "专有部分面积", "不是数字"),
        (_with(5, 5, "89.123"), 7, "专有部分面积", "两位小数"),
        (_with(5, 0, "火星社区"), 7, "社区", "找不到社区"),
        (_with(5, 6, "估算"), 7, "面积来源", "无法识别"),
        (_with(2, 7, "张卫"), 4, "业主姓名", "第 2 行"),
        (_with(1, 5, "88.00"), 3, "专有部分面积", "第 2 行"),
        (_with(5, 4, ""), 7, "房号", "必填"),
        (good_rows() + [good_rows()[0]], 8, "证件号码", "重复"),
    ],
)
def test_each_bad_row_is_reported_and_nothing_written(tree, rows, row, column, fragment):
    before = table_counts()
    result = registry_parse(csv_bytes(rows), name="登记表.csv")
    assert [(e["row"], e["column"]) for e in result.errors] == [(row, column)]
    assert fragment in result.errors[0]["message"]
    assert table_counts() == before


def test_command_lists_every_bad_row_and_writes_nothing(tree, tmp_path, capsys):
    rows = good_rows()
    rows[0][8] = BAD_ID
    rows[4][5] = "abc"
    path = tmp_path / "bad.csv"
    path.write_bytes(csv_bytes(rows))
    before = table_counts()
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_registry", str(path))
    err = capsys.readouterr().err
    assert "第2行 [证件号码]" in err and "第6行 [专有部分面积]" in err
    assert table_counts() == before


def test_id_registered_under_another_name_is_refused(tree):
    services.owner_create(name="张伟民", id_number=ZHANG)
    result = registry_parse(csv_bytes(good_rows()), name="a.csv")
    assert [(e["row"], e["column"]) for e in result.errors] == [(2, "业主姓名")]
    assert "张伟民" in result.errors[0]["message"]


def test_id_typed_as_excel_number_is_refused(tree):
    rows = [
        [
            "开化第1社区",
            "翠湖花园小区",
            "1栋",
            "1单元",
            "101",
            89.5,
            "产权登记",
            "张伟",
            int(ZHANG[:-1] + "1"),
            "",
        ]
    ]
    result = registry_parse(xlsx_bytes(rows), name="a.xlsx")
    assert result.errors[0]["column"] == "证件号码"
    assert "文本" in result.errors[0]["message"]


def test_gbk_csv_saved_by_excel_is_read(tree):
    result = registry_parse(csv_bytes(good_rows(), encoding="gb18030"), name="a.csv")
    assert result.ok and result.rows[0].compound == "翠湖花园小区"


PNG = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"


@pytest.mark.parametrize(
    ("data", "name", "fragment"),
    [
        (b"", "a.csv", "文件为空"),
        (csv_bytes([]), "a.csv", "没有数据行"),
        (csv_bytes(good_rows(), header=[*HEADER[:8], "身份证", HEADER[9]]), "a.csv", "身份证"),
        (
            csv_bytes([r[:8] for r in good_rows()], header=HEADER[:8]),
            "a.csv",
            "缺少必需的列：证件号码",
        ),
        (csv_bytes([r[1:] for r in good_rows()], header=HEADER[1:]), "a.csv", "必须指定社区"),
        (PNG, "登记表.xlsx", "不是 CSV 或 Excel"),
        (PNG, "登记表.csv", "不是 CSV 或 Excel"),
        (b"PK\x03\x04not really a zip", "登记表.xlsx", "无法读取 Excel"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64, "登记表.xls", ".xls"),
    ],
)
def test_bad_files_give_a_clear_error(tree, data, name, fragment):
    with pytest.raises(RegistryFileError) as raised:
        registry_parse(data, name=name)
    assert fragment in raised.value.message


def test_too_big_file_is_refused_before_parsing(tree, tmp_path, settings):
    settings.REGISTRY_IMPORT_MAX_BYTES = 200
    path = tmp_path / "big.csv"
    path.write_bytes(csv_bytes(good_rows()))
    with pytest.raises(CommandError, match="文件过大"):
        call_command("import_registry", str(path))
    assert not Compound.objects.filter(name="翠湖花园小区").exists()


def test_scoped_import_refuses_rows_outside_the_users_jurisdiction(tree):
    kaihua_officer = make_user()
    services.role_assign(user=kaihua_officer, role="street_staff", target=tree.streets[0])
    rows = good_rows() + [
        [
            "卧龙第1社区",
            "滨江雅苑",
            "1栋",
            "1单元",
            "101",
            "88",
            "产权登记",
            "韦丽",
            valid_id_number(777, "19850505"),
            "",
        ]
    ]
    result = registry_parse(csv_bytes(rows), name="a.csv", user=kaihua_officer)
    assert [(e["row"], e["column"]) for e in result.errors] == [(8, "社区")]
    assert "管辖范围" in result.errors[0]["message"]
    ok = registry_parse(csv_bytes(good_rows()), name="a.csv", user=kaihua_officer)
    assert ok.ok and len(ok.rows) == 6


def test_command_user_option_scopes_the_import(tree, tmp_path):
    officer = make_user("wolong")
    services.role_assign(user=officer, role="street_staff", target=tree.streets[1])
    path = tmp_path / "a.csv"
    path.write_bytes(csv_bytes(good_rows()))
    with pytest.raises(CommandError):
        call_command("import_registry", str(path), user="wolong")
    assert not Compound.objects.filter(name="翠湖花园小区").exists()


def test_ambiguous_community_name_needs_the_code(tree):
    services.region_create(
        code="532601002009",
        name="开化第1社区",
        level=tree.communities[0].level,
        parent=tree.streets[1],
    )
    result = registry_parse(csv_bytes(good_rows()), name="a.csv")
    assert {e["row"] for e in result.errors} == set(range(2, 8))
    assert "不唯一" in result.errors[0]["message"]
    by_code = registry_parse(csv_bytes(good_rows(tree.communities[0].code)), name="a.csv")
    assert by_code.ok and by_code.rows[0].community_id == tree.communities[0].pk


def test_ids_continue_after_deleted_rows(tree):
    import_bytes(csv_bytes(good_rows()))
    last = Unit.objects.order_by("-pk").first().pk
    Compound.objects.filter(name="翠湖花园小区").delete()
    import_bytes(csv_bytes(good_rows()))
    assert Unit.objects.order_by("pk").filter(compound__name="翠湖花园小区").first().pk > last
