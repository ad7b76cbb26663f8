"""The filing form and the street's receipt as PDFs: Chinese font embedded, text
extractable (pdftotext), the receipt number on the receipt, 404 outside the
jurisdiction."""

from __future__ import annotations

import subprocess
from datetime import timedelta

import pytest
from django.urls import reverse

from disclosures.filings import services
from tests.filings.helpers import accepted, submitted

pytestmark = pytest.mark.django_db


def _text(tmp_path, pdf: bytes, tool: str) -> str:
    path = tmp_path / "filing.pdf"
    path.write_bytes(pdf)
    args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_filing_form_pdf(client, world, tmp_path):
    filing = submitted(world)
    services.filing_return(filing=filing, actor=world.community, reason="请附三家报价")
    client.force_login(world.community)
    response = client.get(reverse("filings_filing:pdf", args=[filing.pk, "form"]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    fonts = _text(tmp_path, response.content, "pdffonts")
    assert "NotoSansCJK" in fonts.replace("-", "")
    text = _text(tmp_path, response.content, "pdftotext")
    for part in (
        "重大事项报备表",
        "1栋电梯大修使用专项维修资金",
        "使用专项维修资金",
        "286500.00",
        "请附三家报价",
        world.tree.streets[0].name,
    ):
        assert part in text


def test_receipt_pdf_carries_number_and_earliest_vote_day(client, world, tmp_path):
    filing = accepted(world)
    client.force_login(world.member)
    response = client.get(reverse("filings_filing:pdf", args=[filing.pk, "receipt"]))
    assert response.status_code == 200
    text = _text(tmp_path, response.content, "pdftotext").replace(" ", "")
    earliest = filing.accepted_on + timedelta(days=15)
    assert "重大事项报备回执" in text
    assert filing.receipt_number in text
    assert f"{earliest.year}年{earliest.month}月{earliest.day}日" in text


def test_no_receipt_before_acceptance(client, world):
    filing = submitted(world)
    client.force_login(world.member)
    response = client.get(reverse("filings_filing:pdf", args=[filing.pk, "receipt"]))
    assert response.status_code == 302


def test_pdf_outside_jurisdiction_is_404(client, world):
    filing = accepted(world)
    client.force_login(world.other_street)
    for kind in ("form", "receipt"):
        assert client.get(reverse("filings_filing:pdf", args=[filing.pk, kind])).status_code == 404
