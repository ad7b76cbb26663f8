"""Reading and checking the registry sheet (登记表) streets keep in Excel: one row per unit
and owner. Parsing is all in memory and writes nothing; estates.loading applies the rows.

A file either passes as a whole or is refused as a whole: every bad row is reported with
its row number as the user sees it in Excel (the header is row 1) and the reason. Sheets
come as XLSX or as CSV/TSV text in UTF-8 (with or without BOM), GBK/GB18030 or UTF-16 with
BOM (Excel's "Unicode text"); no input, however malformed, raises anything but
RegistryFileError.
"""

from __future__ import annotations

import csv
import datetime
import io
import operator
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from common.jurisdiction import MANAGE, jurisdiction_of
from common.validators import (
    ID_CHECK,
    ID_WEIGHTS,
    MOBILE_RE,
    normalize_id_number,
    normalize_phone,
    validate_credit_code,
    validate_id_number,
    validate_phone,
)

from .choices import AreaSource, OwnerKind, RegionLevel
from .loading import rows_where_in
from .models import Owner, Region
from .validators import validate_year

# Canonical column keys and the headers accepted for each (Chinese as streets write them,
# English for exports from other systems).
COLUMNS: dict[str, tuple[str, ...]] = {
    "community": ("社区", "社区名称", "社区编码", "community"),
    "compound": ("小区", "小区名称", "compound"),
    "building": ("楼栋", "楼号", "building"),
    "entrance": ("单元", "entrance"),
    "room": ("房号", "房间号", "room"),
    "area_m2": ("专有部分面积", "面积", "area_m2", "area"),
    "area_source": ("面积来源", "area_source"),
    "owner_name": ("业主姓名", "姓名", "owner_name", "name"),
    "id_number": ("证件号码", "身份证号码", "id_number"),
    "phone": ("联系电话", "电话", "phone"),
    "completed_year": ("建成年份", "建成年代", "竣工年份", "completed_year"),
}
COLUMN_LABELS: dict[str, Any] = {
    "community": _("社区"),
    "compound": _("小区"),
    "building": _("楼栋"),
    "entrance": _("单元"),
    "room": _("房号"),
    "area_m2": _("专有部分面积"),
    "area_source": _("面积来源"),
    "owner_name": _("业主姓名"),
    "id_number": _("证件号码"),
    "phone": _("联系电话"),
    "completed_year": _("建成年份"),
}
REQUIRED = ("compound", "building", "room", "area_m2", "owner_name", "id_number")
# DOMAIN 1.6: register area, else surveyed area, else contract area.
AREA_SOURCES: dict[str, str] = {
    "": AreaSource.REGISTER,
    "产权登记": AreaSource.REGISTER,
    "产权登记面积": AreaSource.REGISTER,
    "登记": AreaSource.REGISTER,
    "register": AreaSource.REGISTER,
    "registered": AreaSource.REGISTER,
    "实测": AreaSource.SURVEYED,
    "实测面积": AreaSource.SURVEYED,
    "surveyed": AreaSource.SURVEYED,
    "survey": AreaSource.SURVEYED,
    "合同": AreaSource.CONTRACT,
    "合同约定": AreaSource.CONTRACT,
    "合同约定面积": AreaSource.CONTRACT,
    "contract": AreaSource.CONTRACT,
}
MAX_AREA = Decimal("99999999.99")  # Unit.exclusive_area: max_digits=10, decimal_places=2
CENT = Decimal("0.01")
SHOWN_VALUE_CHARS = 40  # a value quoted back in a message is cut to this length
# An XLSX's worksheets may unpack to this many times the upload limit: ordinary sheets
# compress 5-15 times, a "zip bomb" thousands of times.
XLSX_EXPANSION = 20
PROGRESS_EVERY = 2000

MSG_TOO_BIG = _("文件过大（%(size)s），上限为 %(limit)s。")
MSG_EMPTY = _("文件为空。")
MSG_NO_ROWS = _("文件中没有数据行。")
MSG_NOT_SHEET = _("文件不是 CSV 或 Excel（.xlsx）表格。")
MSG_BAD_XLSX = _("无法读取 Excel 文件，请用 Excel 另存为 .xlsx 或 .csv 后重试。")
MSG_XLSX_TOO_BIG = _(
    "Excel 文件解压后过大（%(size)s），上限为 %(limit)s；请删去多余的工作表、格式或空行，"
    "或拆分为几个文件分别导入。"
)
MSG_BAD_TEXT = _("无法识别文件编码，请在 Excel 中另存为“CSV UTF-8”或“Unicode 文本”。")
MSG_FIELD_TOO_BIG = _(
    "第 %(row)s 行有单元格超过 %(limit)s 个字符（或引号未配对），无法读取，未导入任何数据。"
)
MSG_BAD_CSV_ROW = _("第 %(row)s 行无法按 CSV 格式读取（含有无效字符），未导入任何数据。")
MSG_OLD_XLS = _("不支持旧版 .xls 文件，请另存为 .xlsx 或 .csv。")
MSG_UNKNOWN_HEADERS = _("无法识别的列：%(columns)s。")
MSG_MISSING_HEADERS = _("缺少必需的列：%(columns)s。")
MSG_DUPLICATE_HEADERS = _("列重复：%(columns)s。")
MSG_NO_COMMUNITY = _("表中没有“社区”列时，必须指定社区。")
MSG_OPTION_COMMUNITY = _("找不到社区“%(value)s”。")
MSG_OPTION_AMBIGUOUS = _("社区名称“%(value)s”不唯一，请使用社区编码。")

MSG_REQUIRED = _("必填项为空。")
MSG_UNKNOWN_COMMUNITY = _("找不到社区“%(value)s”。")
MSG_AMBIGUOUS_COMMUNITY = _("社区名称“%(value)s”不唯一，请填写社区编码。")
MSG_OUT_OF_JURISDICTION = _("社区“%(value)s”不在您的管辖范围内。")
MSG_AREA_NUMBER = _("面积“%(value)s”不是数字。")
MSG_AREA_POSITIVE = _("面积必须大于 0。")
MSG_AREA_PRECISION = _("面积最多保留两位小数。")
MSG_AREA_TOO_BIG = _("面积“%(value)s”过大，最大为 99999999.99 平方米。")
MSG_FORMULA = _(
    "单元格 %(cell)s 是公式，但文件中没有保存计算结果；请在 Excel 中打开并保存，"
    "或把公式改为数值后重新上传。"
)
MSG_YEAR = _("建成年份“%(value)s”不是四位数的年份。")
MSG_YEAR_CONFLICT = _("同一小区在第 %(row)s 行的建成年份为 %(year)s，与本行不同。")
MSG_AREA_SOURCE = _("面积来源“%(value)s”无法识别，应为产权登记、实测或合同。")
MSG_ID_AS_NUMBER = _("证件号码被 Excel 存成了数字，已丢失末位，请将该列设为文本后重新填写。")
MSG_TOO_LONG = _("内容过长（最多 %(limit)s 个字符）。")
MSG_NAME_CONFLICT = _(
    "证件号码 %(id)s 在第 %(row)s 行的业主姓名为“%(other)s”，与本行“%(name)s”不一致。"
)
MSG_DB_NAME_CONFLICT = _("证件号码 %(id)s 已登记为业主“%(other)s”，与本行“%(name)s”不一致。")
MSG_AREA_CONFLICT = _("同一房屋在第 %(row)s 行的面积或面积来源不同。")
MSG_DUPLICATE_ROW = _("与第 %(row)s 行重复（同一房屋、同一业主）。")

MAX_LENGTHS = {
    "compound": 100,
    "building": 50,
    "entrance": 20,
    "room": 20,
    "owner_name": 100,
}


class RegistryFileError(Exception):
    """The file as a whole cannot be read: wrong headers, empty, not a sheet, too big, or a
    row the reader cannot get past (``row`` is then its number)."""

    def __init__(self, message: Any, *, row: int | None = None):
        super().__init__(str(message))
        self.message = str(message)
        self.row = row


@dataclass(slots=True)
class RegistryRow:
    """One valid sheet row: a unit, and one of its owners."""

    row: int
    community_id: int
    community_path: str
    compound: str
    building: str
    entrance: str
    room: str
    area: Decimal
    area_source: str
    owner_name: str
    id_number: str
    owner_kind: str
    phone: str
    completed_year: int | None = None  # the compound's, when the sheet gives it


@dataclass
class ParseResult:
    rows: list[RegistryRow] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    total_rows: int = 0

    @property
    def ok(self) -> bool:
        return not self.errors


Progress = Callable[[int, int], None]


def _normalise_header(value: Any) -> str:
    text = "" if value is None else str(value)
    text = re.sub(r"[（(][^）)]*[）)]", "", text)  # "专有部分面积（m²）" → "专有部分面积"
    return re.sub(r"\s+", "", text).lower()


_HEADER_INDEX = {_normalise_header(h): key for key, names in COLUMNS.items() for h in names}


def _human_size(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{size / 1024:.0f} KB"


def read_upload(source: str | Path | Any, *, name: str = "") -> tuple[bytes, str]:
    """Bytes and file name of a path or an uploaded file, refusing files over the limit
    before reading them."""
    limit = settings.REGISTRY_IMPORT_MAX_BYTES
    if isinstance(source, str | Path):
        path = Path(source)
        size = path.stat().st_size
        if size > limit:
            raise RegistryFileError(
                MSG_TOO_BIG % {"size": _human_size(size), "limit": _human_size(limit)}
            )
        return path.read_bytes(), name or path.name
    size = getattr(source, "size", None)
    if size is not None and size > limit:
        raise RegistryFileError(
            MSG_TOO_BIG % {"size": _human_size(size), "limit": _human_size(limit)}
        )
    data = source.read(limit + 1)
    if len(data) > limit:
        raise RegistryFileError(
            MSG_TOO_BIG % {"size": _human_size(len(data)), "limit": _human_size(limit)}
        )
    return data, name or getattr(source, "name", "")


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


# A formula element in a worksheet's XML (<f>, <f t="shared" .../>, or prefixed <x:f>).
_FORMULA_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?f[\s>/]")


def _xlsx_has_formulas(data: bytes) -> bool:
    """Whether any worksheet holds a formula: a byte scan, so formula-free workbooks (the
    usual registry) are parsed once only."""
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for info in archive.infolist():
            if not info.filename.startswith("xl/worksheets/"):
                continue
            with archive.open(info) as member:
                tail = b""
                while chunk := member.read(1 << 20):
                    if _FORMULA_TAG.search(tail + chunk):
                        return True
                    tail = chunk[-16:]
    return False


def _xlsx_uncomputed(openpyxl, data: bytes, rows: list[list[Any]]) -> dict[int, list[int]]:
    """Formula cells with no saved result (openpyxl's data_only reading gives None for a
    formula Excel never computed, e.g. one written by another program): row number →
    column indexes."""
    workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    found: dict[int, list[int]] = {}
    try:
        for cells in workbook.worksheets[0].iter_rows():
            for cell in cells:
                if cell.data_type != "f":
                    continue
                row, column = cell.row, cell.column - 1
                values = rows[row - 1] if row <= len(rows) else []
                if column >= len(values) or values[column] is None or values[column] == "":
                    found.setdefault(row, []).append(column)
    finally:
        workbook.close()
    return found


def _xlsx_check_size(data: bytes) -> None:
    """Refuse a workbook whose worksheets unpack to more than the expansion limit, before
    any XML is parsed (the sizes come from the zip's directory, which zipfile enforces)."""
    limit = settings.REGISTRY_IMPORT_MAX_BYTES * XLSX_EXPANSION
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as error:
        raise RegistryFileError(MSG_BAD_XLSX) from error
    if size > limit:
        raise RegistryFileError(
            MSG_XLSX_TOO_BIG % {"size": _human_size(size), "limit": _human_size(limit)}
        )


def _xlsx_rows(data: bytes) -> tuple[list[list[Any]], dict[int, list[int]]]:
    import openpyxl  # only needed for Excel uploads

    _xlsx_check_size(data)
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        try:
            rows = [list(values) for values in workbook.worksheets[0].iter_rows(values_only=True)]
        finally:
            workbook.close()
        uncomputed = _xlsx_uncomputed(openpyxl, data, rows) if _xlsx_has_formulas(data) else {}
    except Exception as error:  # any damage in the zip or its XML
        # openpyxl raises whatever its parsers meet (zip, XML, KeyError, TypeError, ...);
        # the uploader can only be told to save the file again.
        raise RegistryFileError(MSG_BAD_XLSX) from error
    return rows, uncomputed


_BOMS = ((b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"), (b"\xef\xbb\xbf", "utf-8-sig"))


def _decode(data: bytes) -> str:
    """UTF-16 with its BOM (Excel's "Unicode text"), UTF-8 with or without BOM, else
    GB18030 (a superset of GBK, what Excel saves as "CSV" on Chinese Windows)."""
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError:
                raise RegistryFileError(MSG_BAD_TEXT) from None
    if b"\x00" in data[:65536]:
        raise RegistryFileError(MSG_NOT_SHEET)
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RegistryFileError(MSG_NOT_SHEET)


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    text = _decode(data)
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text, newline=""), dialect)
    has_nul = "\x00" in text  # the csv module reads NUL; the database would refuse it
    row = 0
    try:
        for row, values in enumerate(reader, start=1):
            if has_nul and any("\x00" in value for value in values):
                raise RegistryFileError(MSG_BAD_CSV_ROW % {"row": row}, row=row)
            yield values
    except csv.Error as error:
        # Over csv.field_size_limit() (often an unpaired quote swallowing the rest of the
        # file), or a NUL character: the reader cannot go on past this row.
        limit = csv.field_size_limit()
        message = (
            MSG_FIELD_TOO_BIG % {"row": row + 1, "limit": limit}
            if "field larger" in str(error)
            else MSG_BAD_CSV_ROW % {"row": row + 1}
        )
        raise RegistryFileError(message, row=row + 1) from error


def sheet_read(data: bytes, name: str) -> tuple[Iterable[list[Any]], dict[int, list[int]]]:
    """Raw rows of a CSV or XLSX file, recognised by content rather than extension, and
    the XLSX formula cells that have no saved value (row number → column indexes)."""
    if not data.strip():
        raise RegistryFileError(MSG_EMPTY)
    suffix = Path(name).suffix.lower()
    if data.startswith(b"PK\x03\x04"):
        return _xlsx_rows(data)
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise RegistryFileError(MSG_OLD_XLS)
    if suffix in {".xlsx", ".xlsm", ".xls"}:
        raise RegistryFileError(MSG_NOT_SHEET)
    return _csv_rows(data), {}


def sheet_rows(data: bytes, name: str) -> Iterable[list[Any]]:
    """Raw rows of a CSV or XLSX file."""
    return sheet_read(data, name)[0]


def _map_headers(header: list[Any], *, need_community: bool) -> dict[str, int]:
    mapping: dict[str, int] = {}
    unknown, duplicate = [], []
    for index, raw in enumerate(header):
        text = _cell_text(raw)
        if not text:
            continue
        key = _HEADER_INDEX.get(_normalise_header(text))
        if key is None:
            unknown.append(text)
        elif key in mapping:
            duplicate.append(text)
        else:
            mapping[key] = index
    problems = []
    if unknown:
        problems.append(MSG_UNKNOWN_HEADERS % {"columns": "、".join(unknown)})
    if duplicate:
        problems.append(MSG_DUPLICATE_HEADERS % {"columns": "、".join(duplicate)})
    missing = [str(COLUMN_LABELS[k]) for k in REQUIRED if k not in mapping]
    if missing:
        problems.append(MSG_MISSING_HEADERS % {"columns": "、".join(missing)})
    if problems:
        raise RegistryFileError(" ".join(problems))
    if need_community and "community" not in mapping:
        raise RegistryFileError(MSG_NO_COMMUNITY)
    return mapping


def community_resolve(value: str) -> Region:
    """A community by code or (unique) name; raises RegistryFileError otherwise."""
    value = value.strip()
    matches = list(
        Region.objects.filter(level=RegionLevel.COMMUNITY).filter(Q(code=value) | Q(name=value))
    )
    by_code = [r for r in matches if r.code == value]
    if by_code:
        return by_code[0]
    if not matches:
        raise RegistryFileError(MSG_OPTION_COMMUNITY % {"value": value})
    if len(matches) > 1:
        raise RegistryFileError(MSG_OPTION_AMBIGUOUS % {"value": value})
    return matches[0]


def _communities_lookup(values: set[str]) -> dict[str, list[tuple[int, str, str]]]:
    """Community (id, path, name) candidates for each code or name, in one query."""
    found: dict[str, list[tuple[int, str, str]]] = {}
    values = {v for v in values if v}
    if not values:
        return found
    chunk = sorted(values)
    for start in range(0, len(chunk), 2000):
        part = chunk[start : start + 2000]
        for pk, code, name, path in (
            Region.objects.filter(level=RegionLevel.COMMUNITY)
            .filter(Q(code__in=part) | Q(name__in=part))
            .values_list("pk", "code", "name", "path")
        ):
            found.setdefault(code, []).insert(0, (pk, path, name))  # a code always wins
            if name != code:
                found.setdefault(name, []).append((pk, path, name))
    return found


def _shown(value: str) -> str:
    """A cell's text as quoted back in a message: a 100,000-character cell is not."""
    return value if len(value) <= SHOWN_VALUE_CHARS else value[:SHOWN_VALUE_CHARS] + "…"


def _parse_area(text: str) -> Decimal | Any:
    """A positive area with at most two decimals that fits Unit.exclusive_area, else the
    message. Checked before any arithmetic: ``1e30`` or ``1e-999999`` would overflow the
    decimal context when rounded."""
    try:
        area = Decimal(text.replace(",", "").replace("，", ""))
    except InvalidOperation:
        return MSG_AREA_NUMBER % {"value": _shown(text)}
    if not area.is_finite():  # NaN, Infinity
        return MSG_AREA_NUMBER % {"value": _shown(text)}
    if area <= 0:
        return MSG_AREA_POSITIVE
    if area > MAX_AREA:
        return MSG_AREA_TOO_BIG % {"value": _shown(text)}
    if area != area.quantize(CENT):
        return MSG_AREA_PRECISION
    return area.quantize(CENT)


_YEAR_RE = re.compile(r"(\d{4})(?:\.0+)?\s*年?")


def _parse_year(text: str) -> int | Any:
    """A four-digit year in the range the models accept (estates.validators.year_range)."""
    match = _YEAR_RE.fullmatch(text)
    if match is None:
        return MSG_YEAR % {"value": _shown(text)}
    year = int(match.group(1))
    try:
        validate_year(year)
    except ValidationError as error:
        return error.messages[0]
    return year


_ID_RE = re.compile(r"\d{17}[\dX]")


def _id_number_ok(value: str) -> bool:
    """Fast path of common.validators.validate_id_number (GB 11643) for the many valid
    numbers of a large sheet; anything failing it goes through the validator for its
    message."""
    if not _ID_RE.fullmatch(value):
        return False
    if ID_CHECK[sum(map(operator.mul, map(int, value[:17]), ID_WEIGHTS)) % 11] != value[17]:
        return False
    try:
        birth = datetime.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        return False
    return birth.year >= 1900 and birth <= datetime.date.today()


def _owner_kind(id_number: str) -> tuple[str | None, Any]:
    """Resident ID → person; unified credit code → developer (DOMAIN 1.6: the developer's
    unsold units are held by one owner and count as one head)."""
    if _id_number_ok(id_number):
        return OwnerKind.PERSON, None
    try:
        validate_id_number(id_number)
        return OwnerKind.PERSON, None
    except ValidationError as id_error:
        try:
            validate_credit_code(id_number)
            return OwnerKind.DEVELOPER, None
        except ValidationError as credit_error:
            looks_like_id = re.fullmatch(r"\d{17}[\dX]", id_number) is not None
            error = id_error if looks_like_id or len(id_number) != 18 else credit_error
            return None, error.messages[0]


def registry_parse(
    data: bytes,
    *,
    name: str,
    community: Region | None = None,
    user=None,
    progress: Progress | None = None,
) -> ParseResult:
    """Parse and check a whole sheet. File-level problems raise RegistryFileError;
    row problems are collected in ParseResult.errors (the rows list is then not to be
    applied). When a user is given, every row's community must lie in the user's MANAGE
    jurisdiction."""
    rows, uncomputed = sheet_read(data, name)
    numbered = enumerate(rows, start=1)
    header = None
    for _number, values in numbered:
        if any(_cell_text(v) for v in values):
            header = values
            break
    if header is None:
        raise RegistryFileError(MSG_EMPTY)
    columns = _map_headers(header, need_community=community is None)
    # A row of formulas never computed looks blank but is not: keep it to report it.
    raw = [(n, v) for n, v in numbered if n in uncomputed or any(_cell_text(c) for c in v)]
    if not raw:
        raise RegistryFileError(MSG_NO_ROWS)
    return registry_rows_check(
        raw,
        columns=columns,
        community=community,
        user=user,
        progress=progress,
        uncomputed=uncomputed,
    )


def _cell_name(index: int, row: int) -> str:
    """Excel's name of a cell: column index 0 of row 5 is A5, index 27 is AB5."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(ord("A") + rest) + letters
    return f"{letters}{row}"


def registry_rows_check(
    raw: Iterable[tuple[int, list[Any]]],
    *,
    columns: dict[str, int],
    community: Region | None = None,
    user=None,
    progress: Progress | None = None,
    uncomputed: dict[int, list[int]] | None = None,
) -> ParseResult:
    raw = list(raw)
    result = ParseResult(total_rows=len(raw))
    errors = result.errors
    jurisdiction = jurisdiction_of(user, MANAGE) if user is not None else None

    # (key, column index) of the mapped columns; absent optional columns read as blank.
    text_columns = [(k, columns.get(k, 1 << 30)) for k in COLUMNS if k != "community"]

    def cell(values: list[Any], key: str) -> Any:
        index = columns.get(key)
        return values[index] if index is not None and index < len(values) else None

    def error(row: int, key: str, message: Any) -> None:
        errors.append({"row": row, "column": str(COLUMN_LABELS[key]), "message": str(message)})

    community_values = (
        {_cell_text(cell(v, "community")) for _, v in raw} if "community" in columns else set()
    )
    lookup = _communities_lookup(community_values)
    covered: dict[int, bool] = {}
    first_owner: dict[str, tuple[int, str]] = {}
    first_unit: dict[tuple, tuple[int, Decimal, str]] = {}
    seen_pairs: dict[tuple, int] = {}
    first_year: dict[tuple, tuple[int, int]] = {}
    no_formulas: frozenset[str] = frozenset()

    for done, (number, values) in enumerate(raw, start=1):
        if progress and done % PROGRESS_EVERY == 0:
            progress(done, result.total_rows)
        bad = len(errors)
        width = len(values)
        text = {
            key: (
                ""
                if index >= width
                else values[index].strip()
                if type(values[index]) is str
                else _cell_text(values[index])
            )
            for key, index in text_columns
        }
        formulas = no_formulas
        if uncomputed and number in uncomputed:
            formulas = frozenset(k for k, i in columns.items() if i in uncomputed[number])
            for key in formulas:
                cell_name = _cell_name(columns[key], number)
                error(number, key, MSG_FORMULA % {"cell": cell_name})
        for key in REQUIRED:
            if not text[key] and key not in formulas:
                error(number, key, MSG_REQUIRED)
        for key, limit in MAX_LENGTHS.items():
            if len(text[key]) > limit:
                error(number, key, MSG_TOO_LONG % {"limit": limit})

        # The row's community: its own cell, else the option.
        region: tuple[int, str, str] | None = None
        community_text = _cell_text(cell(values, "community"))
        if community_text:
            candidates = lookup.get(community_text, [])
            if not candidates:
                shown = _shown(community_text)
                error(number, "community", MSG_UNKNOWN_COMMUNITY % {"value": shown})
            elif len(candidates) > 1 and candidates[0][2] == community_text:
                error(number, "community", MSG_AMBIGUOUS_COMMUNITY % {"value": community_text})
            else:
                region = candidates[0]
        elif community is not None:
            region = (community.pk, community.path, community.name)
        elif "community" not in formulas:
            error(number, "community", MSG_REQUIRED)
        if region is not None and jurisdiction is not None:
            if region[0] not in covered:
                covered[region[0]] = jurisdiction.covers_path(region[1])
            if not covered[region[0]]:
                error(number, "community", MSG_OUT_OF_JURISDICTION % {"value": region[2]})

        area: Any = None
        if text["area_m2"]:
            raw_area = cell(values, "area_m2")
            area = (
                Decimal(str(raw_area)).quantize(CENT)
                if isinstance(raw_area, int | float)
                and not isinstance(raw_area, bool)
                and 0 < raw_area <= MAX_AREA  # False for NaN; inf and 1e30 are too big
                and round(raw_area, 2) == raw_area
                else _parse_area(text["area_m2"])
            )
            if not isinstance(area, Decimal):
                error(number, "area_m2", area)
        source = AREA_SOURCES.get(text["area_source"]) or AREA_SOURCES.get(
            _normalise_header(text["area_source"])
        )
        if source is None:
            error(number, "area_source", MSG_AREA_SOURCE % {"value": _shown(text["area_source"])})

        kind = None
        id_number = normalize_id_number(text["id_number"])
        if id_number:
            if isinstance(cell(values, "id_number"), int | float) and len(id_number) > 15:
                error(number, "id_number", MSG_ID_AS_NUMBER)
            else:
                kind, message = _owner_kind(id_number)
                if kind is None:
                    error(number, "id_number", message)

        phone = text["phone"]
        if phone and not MOBILE_RE.fullmatch(phone):
            phone = normalize_phone(phone)
            try:
                validate_phone(phone)
            except ValidationError as phone_error:
                error(number, "phone", phone_error.messages[0])

        year = None
        if text["completed_year"]:
            year = _parse_year(text["completed_year"])
            if not isinstance(year, int):
                error(number, "completed_year", year)
                year = None

        # Cross-row consistency: one name per ID, one area per unit, no duplicate pairs,
        # one year per compound.
        if id_number and text["owner_name"]:
            seen = first_owner.setdefault(id_number, (number, text["owner_name"]))
            if seen[1] != text["owner_name"]:
                error(
                    number,
                    "owner_name",
                    MSG_NAME_CONFLICT
                    % {
                        "id": _shown(id_number),
                        "row": seen[0],
                        "other": _shown(seen[1]),
                        "name": _shown(text["owner_name"]),
                    },
                )
        if region is not None and isinstance(area, Decimal) and source:
            unit_key = (
                region[0],
                text["compound"],
                text["building"],
                text["entrance"],
                text["room"],
            )
            seen_unit = first_unit.setdefault(unit_key, (number, area, source))
            if (seen_unit[1], seen_unit[2]) != (area, source):
                error(number, "area_m2", MSG_AREA_CONFLICT % {"row": seen_unit[0]})
            pair = (*unit_key, id_number)
            seen_row = seen_pairs.setdefault(pair, number)
            if seen_row != number:
                error(number, "id_number", MSG_DUPLICATE_ROW % {"row": seen_row})
        if year is not None and region is not None:
            seen_year = first_year.setdefault((region[0], text["compound"]), (number, year))
            if seen_year[1] != year:
                error(
                    number,
                    "completed_year",
                    MSG_YEAR_CONFLICT % {"row": seen_year[0], "year": seen_year[1]},
                )

        if len(errors) == bad:
            result.rows.append(
                RegistryRow(
                    row=number,
                    community_id=region[0],
                    community_path=region[1],
                    compound=text["compound"],
                    building=text["building"],
                    entrance=text["entrance"],
                    room=text["room"],
                    area=area,
                    area_source=source,
                    owner_name=text["owner_name"],
                    id_number=id_number,
                    owner_kind=kind,
                    phone=phone,
                    completed_year=year,
                )
            )
    if progress:
        progress(result.total_rows, result.total_rows)

    # An ID already registered under another name is most likely a typo in the number.
    for id_number, existing in rows_where_in(
        Owner, ["id_number", "name"], "id_number", first_owner
    ):
        row, name = first_owner[id_number]
        if existing != name:
            errors.append(
                {
                    "row": row,
                    "column": str(COLUMN_LABELS["owner_name"]),
                    "message": str(
                        MSG_DB_NAME_CONFLICT
                        % {"id": id_number, "other": existing, "name": _shown(name)}
                    ),
                }
            )
    errors.sort(key=lambda e: e["row"])
    return result
