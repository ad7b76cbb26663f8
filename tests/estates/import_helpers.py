"""Sample registry sheets for the import tests (real-looking 文山 data, valid check digits)."""

from __future__ import annotations

import csv
import io

from tests.factories import valid_credit_code, valid_id_number

HEADER = [
    "社区",
    "小区",
    "楼栋",
    "单元",
    "房号",
    "专有部分面积",
    "面积来源",
    "业主姓名",
    "证件号码",
    "联系电话",
]
HEADER_EN = [
    "community",
    "compound",
    "building",
    "entrance",
    "room",
    "area_m2",
    "area_source",
    "owner_name",
    "id_number",
    "phone",
]

ZHANG = valid_id_number(501, birth="19750312")
LI = valid_id_number(502, birth="19780825")
WANG = valid_id_number(503, birth="19900101")
DEVELOPER = valid_credit_code(8801)


def good_rows(community: str = "开化第1社区") -> list[list[str]]:
    """Six rows: a co-owned unit, one owner with two units, two unsold developer units."""
    c, name = community, "翠湖花园小区"
    return [
        [c, name, "1栋", "1单元", "101", "89.50", "产权登记", "张伟", ZHANG, "13908761001"],
        [c, name, "1栋", "1单元", "101", "89.50", "产权登记", "李娜", LI, "13908761002"],
        [c, name, "1栋", "1单元", "102", "120", "实测", "张伟", ZHANG, "13908761001"],
        [
            c,
            name,
            "2栋",
            "1单元",
            "201",
            "95.3",
            "合同",
            "文山翠湖房地产开发有限公司",
            DEVELOPER,
            "0876-2123456",
        ],
        [
            c,
            name,
            "2栋",
            "1单元",
            "202",
            "95.3",
            "合同",
            "文山翠湖房地产开发有限公司",
            DEVELOPER,
            "",
        ],
        [c, name, "2栋", "2单元", "301", "66", "产权登记", "王芳", WANG, ""],
    ]


def csv_bytes(
    rows: list[list[str]], header: list[str] = HEADER, encoding: str = "utf-8-sig"
) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode(encoding)


def xlsx_bytes(rows: list[list], header: list[str] = HEADER) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "登记表"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
