"""Ballots from a sheet (CSV or XLSX): building, entrance, room, choice, and optionally the
date on the ballot and the proxy. UTF-8 or GBK text, full-width digits accepted.

A file goes in whole or not at all: every bad row is named with its number as the user
sees it (the header is row 1) and the reason (a unit outside the scope, a second ballot,
a date outside the period, an unknown unit or choice); nothing is saved unless every row
is valid. The checks are those of single entry (:class:`services.BallotDesk`)."""

from __future__ import annotations

import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates.importing import RegistryFileError, sheet_rows

from .models import Ballot, Vote
from .services import BallotDesk, _locked_open_vote, ballots_create, normalise

COLUMNS: dict[str, tuple[str, ...]] = {
    "building": ("楼栋", "楼号", "building"),
    "entrance": ("单元", "entrance"),
    "room": ("房号", "房间号", "room"),
    "choice": ("表决意见", "意见", "choice"),
    "cast_on": ("投票日期", "日期", "date", "cast_on"),
    "proxy_name": ("受托人", "委托代理人", "proxy"),
    "proxy_document": ("授权委托书", "委托书", "委托书编号", "proxy_document"),
}
REQUIRED = ("building", "room", "choice")
COLUMN_LABELS = {"building": _("楼栋"), "room": _("房号"), "choice": _("表决意见")}

MSG_FILE = _("文件无法读取：%(reason)s")
MSG_MISSING_COLUMNS = _("缺少必填列：%(columns)s。")
MSG_NO_ROWS = _("文件中没有表决票。")
MSG_ROW = _("第%(row)d行：%(message)s")
MSG_BAD_DATE = _("无法识别的投票日期“%(value)s”。")
MSG_DUPLICATE_ROW = _("房屋“%(unit)s”与第%(first)d行重复，每户只能投一票。")
MSG_PROXY_DOCUMENT_UNKNOWN = _(
    "授权委托书“%(value)s”不存在或您无权使用：请先上传委托书扫描件，填写其文件编号或标题。"
)
MSG_PROXY_DOCUMENT_AMBIGUOUS = _("有多份标题为“%(value)s”的文件，请改填文件编号。")
MSG_PROXY_DOCUMENT_WITHOUT_PROXY = _("附了授权委托书，但没有填写受托人。")
MSG_REFUSED = _("表决票文件未导入：%(count)d行有误，请改正后重新上传。")

_HEADER_INDEX = {normalise(name).lower(): key for key, names in COLUMNS.items() for name in names}


class BallotImportError(ValidationError):
    """The file is refused as a whole; ``rows`` lists (row number, message) of each bad
    row (row 0 for the file itself)."""

    def __init__(self, rows: list[tuple[int, str]]):
        self.rows = rows
        messages = [
            message if row == 0 else str(MSG_ROW % {"row": row, "message": message})
            for row, message in rows
        ]
        if len(rows) > 1 or rows[0][0]:
            messages.insert(0, str(MSG_REFUSED % {"count": len(rows)}))
        super().__init__(messages, code="ballot_file")


def _date(value: Any) -> datetime.date | None:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = normalise(value).replace("/", "-").replace(".", "-")
    for suffix in ("日",):
        text = text.removesuffix(suffix)
    text = text.replace("年", "-").replace("月", "-")
    try:
        return datetime.date.fromisoformat("-".join(p.zfill(2) for p in text.split("-")))
    except ValueError:
        return None


def _proxy_documents(actor, values: set[str]) -> tuple[dict[str, Any], set[str]]:
    """The proxies' papers a sheet names, by document number or exact title, among the
    documents the user may read (common.files): {value: document}, and the titles two
    readable papers share (which name neither). One query whatever the number of rows."""
    from django.db.models import Q
    from wagtail.documents import get_document_model

    from common.files import documents_visible_to

    if not values:
        return {}, set()
    ids = {int(v) for v in values if v.isdigit() and len(v) < 12}
    titles = {v for v in values if not v.isdigit()}
    documents = documents_visible_to(actor, get_document_model().objects.all()).filter(
        Q(pk__in=ids) | Q(title__in=titles)
    )
    found: dict[str, Any] = {}
    shared: set[str] = set()
    for document in documents:
        if document.pk in ids:
            found[str(document.pk)] = document
        if document.title in titles:
            if document.title in found:
                shared.add(document.title)
            found[document.title] = document
    for title in shared:
        found.pop(title, None)
    return found, shared


def _columns(header: list[Any]) -> dict[str, int]:
    mapping: dict[str, int] = {}
    for index, raw in enumerate(header):
        key = _HEADER_INDEX.get(normalise(raw).lower())
        if key and key not in mapping:
            mapping[key] = index
    missing = [str(COLUMN_LABELS[k]) for k in REQUIRED if k not in mapping]
    if missing:
        raise BallotImportError([(0, str(MSG_MISSING_COLUMNS % {"columns": "、".join(missing)}))])
    return mapping


@transaction.atomic
def ballots_import(
    *, vote: Vote, actor, data: bytes, name: str, at: datetime.datetime | None = None
) -> list[Ballot]:
    """Check every row of the file, then save all its ballots or none; ``at`` (default
    now) is when they are entered, and its day the latest date a ballot may carry."""
    now = at or timezone.now()
    locked = _locked_open_vote(vote, actor)
    try:
        rows = iter(sheet_rows(data, name))
        header = next(rows, None)
        if header is None:
            raise BallotImportError([(0, str(MSG_NO_ROWS))])
        raw_rows = list(enumerate(rows, start=2))
    except RegistryFileError as error:
        raise BallotImportError([(0, str(MSG_FILE % {"reason": error.message}))]) from error
    if locked.election_id:
        # An election: one column per candidate instead of one choice.
        from .elections import election_ballots_import

        return election_ballots_import(
            vote=locked, actor=actor, header=header, rows=raw_rows, name=name
        )
    mapping = _columns(header)

    today = timezone.localdate(now)
    desk = BallotDesk(locked, today)
    errors: list[tuple[int, str]] = []
    accepted: list[dict[str, Any]] = []
    first_row: dict[int, int] = {}

    def cell(values: list[Any], key: str) -> Any:
        index = mapping.get(key)
        return values[index] if index is not None and index < len(values) else None

    papers, shared_titles = _proxy_documents(
        actor,
        {normalise(cell(values, "proxy_document")) for _row, values in raw_rows} - {""}
        if "proxy_document" in mapping
        else set(),
    )

    for row, values in raw_rows:
        if not any(normalise(v) for v in values):
            continue  # blank lines are not ballots
        proxy_name = normalise(cell(values, "proxy_name"))[:100]
        paper_value = normalise(cell(values, "proxy_document"))
        paper = papers.get(paper_value) if paper_value else None
        if paper_value and paper is None:
            message = (
                MSG_PROXY_DOCUMENT_AMBIGUOUS
                if paper_value in shared_titles
                else MSG_PROXY_DOCUMENT_UNKNOWN
            )
            errors.append((row, str(message % {"value": paper_value})))
            continue
        if paper is not None and not proxy_name:
            errors.append((row, str(MSG_PROXY_DOCUMENT_WITHOUT_PROXY)))
            continue
        cast_on = today
        if "cast_on" in mapping and normalise(cell(values, "cast_on")):
            cast_on = _date(cell(values, "cast_on"))
            if cast_on is None:
                errors.append(
                    (row, str(MSG_BAD_DATE % {"value": normalise(cell(values, "cast_on"))}))
                )
                continue
        try:
            entry, choice = desk.check(
                building=cell(values, "building"),
                entrance=cell(values, "entrance"),
                room=cell(values, "room"),
                choice=cell(values, "choice"),
                cast_on=cast_on,
            )
        except ValidationError as error:
            if error.code == "second_ballot" and entry_in_file(desk, values, cell, first_row):
                first = entry_in_file(desk, values, cell, first_row)
                errors.append((row, str(MSG_DUPLICATE_ROW % {"unit": first[1], "first": first[0]})))
            else:
                errors.append((row, "；".join(error.messages)))
            continue
        first_row[entry.pk] = row
        desk.record(entry, choice)
        accepted.append(
            {
                "entry": entry,
                "choice": choice,
                "cast_on": cast_on,
                "proxy_name": proxy_name,
                "proxy_document": paper,
            }
        )
    if errors:
        raise BallotImportError(errors)
    if not accepted:
        raise BallotImportError([(0, str(MSG_NO_ROWS))])
    return ballots_create(vote=locked, actor=actor, rows=accepted, original_name=name, at=now)


def entry_in_file(desk: BallotDesk, values, cell, first_row: dict[int, int]):
    """(first row, unit) when the row's unit was already given earlier in this file."""
    key = (
        normalise(cell(values, "building")),
        normalise(cell(values, "entrance")),
        normalise(cell(values, "room")),
    )
    entry = desk.entries.get(key)
    if entry is not None and entry.pk in first_row:
        return first_row[entry.pk], str(entry)
    return None
