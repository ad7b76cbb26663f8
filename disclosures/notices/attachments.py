"""What may be attached to a notice: PDFs and images (PNG, JPEG) of a bounded size, the
file's content matching its name, images within the pixel limit (no decompression bomb)."""

from __future__ import annotations

import posixpath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from common.images import check_image_pixels

ALLOWED = {".pdf": "PDF", ".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}
DEFAULT_MAX_BYTES = 20 * 1024 * 1024

MSG_TYPE = _("附件「%(name)s」的格式不允许：只能上传 PDF、PNG 或 JPEG 文件。")
MSG_SIZE = _("附件「%(name)s」过大（%(size)s 字节），上限为 %(limit)s 字节。")
MSG_IMAGE = _("附件「%(name)s」：%(reason)s")
MSG_CONTENT = _("附件「%(name)s」的内容与文件类型不符或已损坏。")


def max_bytes() -> int:
    return getattr(settings, "NOTICE_ATTACHMENT_MAX_BYTES", DEFAULT_MAX_BYTES)


def _image_format(handle) -> str | None:
    from PIL import Image

    try:
        with Image.open(handle) as image:
            return image.format
    except Image.DecompressionBombError:
        return "bomb"
    except Exception:  # noqa: BLE001 -- unreadable: reported as a content mismatch
        return None
    finally:
        handle.seek(0)


def validate_attachment(title: str, document) -> None:
    name = title or document.title
    suffix = posixpath.splitext((document.file.name or "").lower())[1]
    kind = ALLOWED.get(suffix)
    if kind is None:
        raise ValidationError(MSG_TYPE, params={"name": name}, code="attachment_type")
    size = document.file.size
    if size > max_bytes():
        raise ValidationError(
            MSG_SIZE, params={"name": name, "size": size, "limit": max_bytes()},
            code="attachment_size",
        )  # fmt: skip
    with document.file.open("rb") as handle:
        if kind == "PDF":
            if handle.read(5) != b"%PDF-":
                raise ValidationError(MSG_CONTENT, params={"name": name}, code="attachment_content")
            return
        try:
            check_image_pixels(handle)
        except ValidationError as error:
            raise ValidationError(
                MSG_IMAGE, params={"name": name, "reason": "；".join(error.messages)},
                code="attachment_pixels",
            ) from None  # fmt: skip
        if _image_format(handle) != kind:
            raise ValidationError(MSG_CONTENT, params={"name": name}, code="attachment_content")
