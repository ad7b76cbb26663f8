"""Attachments of the wrong type, too large, or a decompression bomb are refused with
their name, and nothing is saved (issue 10, bad input)."""

import io

import pytest
from django.core.exceptions import ValidationError
from PIL import Image

from disclosures.notices.models import NoticePage

from .conftest import draft, make_document


def _png(size=(10, 10)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "white").save(buffer, format="PNG")
    return buffer.getvalue()


def _refused(world, document, fragment):
    with pytest.raises(ValidationError) as error:
        draft(world, attachments=[("问题附件", document)])
    message = " ".join(error.value.messages)
    assert "问题附件" in message and fragment in message
    assert not NoticePage.objects.exists()


def test_pdf_and_images_are_accepted(world):
    notice = draft(
        world,
        attachments=[
            ("决算表", make_document(name="a.pdf")),
            ("照片", make_document(content=_png(), name="p.png")),
        ],
    )
    assert notice.attachments.count() == 2


def test_wrong_type_is_refused(world):
    _refused(world, make_document(content=b"MZ...", name="setup.exe"), "格式不允许")


def test_content_that_does_not_match_the_name_is_refused(world):
    _refused(world, make_document(content=_png(), name="fake.pdf"), "内容与文件类型不符")
    _refused(world, make_document(content=b"%PDF-1.4", name="fake.png"), "内容与文件类型不符")


def test_too_large_is_refused(world, settings):
    settings.NOTICE_ATTACHMENT_MAX_BYTES = 10
    _refused(world, make_document(content=b"%PDF-1.4 " + b"x" * 20, name="a.pdf"), "过大")


def test_decompression_bomb_is_refused(world, settings):
    settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50
    _refused(world, make_document(content=_png((10, 10)), name="bomb.png"), "像素过多")
