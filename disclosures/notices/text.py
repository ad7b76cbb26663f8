"""The readable text of a notice, place by place: what the personal-data guard scans and
search indexes."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator

from django.utils.html import strip_tags
from django.utils.translation import gettext as _

ATTACHMENT_TEXT_MAX_BYTES = 20 * 1024 * 1024
TEXT_SUFFIXES = (".txt", ".csv", ".md")


def _rich_text_source(value) -> str:
    return getattr(value, "source", None) or str(value or "")


def field_places(notice) -> Iterator[tuple[str, str]]:
    for name in ("title", "document_number", "issuer", "objection_method", "contact_name",
                 "correction_note"):  # fmt: skip
        value = getattr(notice, name, "") or ""
        if value:
            yield str(notice._meta.get_field(name).verbose_name), value


def body_places(notice) -> Iterator[tuple[str, str]]:
    paragraph = table = 0
    for block in notice.body:
        if block.block_type == "text":
            paragraph += 1
            yield (
                _("正文第%(n)d段") % {"n": paragraph},
                strip_tags(_rich_text_source(block.value)),
            )
        elif block.block_type == "accounts":
            table += 1
            name = block.value.get("title") or _("第%(n)d个账目表") % {"n": table}
            yield _("账目表「%(name)s」标题") % {"name": name}, name
            for row_number, row in enumerate(block.value.get("rows") or [], start=1):
                place = _("账目表「%(name)s」第%(n)d行") % {"name": name, "n": row_number}
                yield place, f"{row.get('item', '')} {row.get('note', '') or ''}"


def document_text(document) -> str:
    """The text of a PDF (pdftotext, poppler-utils) or plain-text attachment; images and
    other formats have no text layer to read here."""
    name = (document.file.name or "").lower()
    if not (name.endswith(".pdf") or name.endswith(TEXT_SUFFIXES)):
        return ""
    with document.file.open("rb") as handle:
        data = handle.read(ATTACHMENT_TEXT_MAX_BYTES + 1)
    if len(data) > ATTACHMENT_TEXT_MAX_BYTES:
        data = data[:ATTACHMENT_TEXT_MAX_BYTES]
    if name.endswith(TEXT_SUFFIXES):
        return data.decode("utf-8", errors="replace")
    try:
        result = subprocess.run(
            ["pdftotext", "-q", "-enc", "UTF-8", "-", "-"],
            input=data,
            capture_output=True,
            timeout=30,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return ""
    return result.stdout.decode("utf-8", errors="replace")


def attachment_places(notice) -> Iterator[tuple[str, str]]:
    for attachment in notice.attachments.all():
        document = attachment.document
        label = _("附件「%(name)s」") % {"name": attachment.title or document.title}
        yield label, f"{attachment.title} {document_text(document)}"


def notice_plain_text(notice) -> str:
    return " ".join(text for _place, text in (*field_places(notice), *body_places(notice)))
