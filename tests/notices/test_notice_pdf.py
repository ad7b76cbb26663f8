"""A notice's PDF and a compound's notice-board poster (issue 10, items 3 and 5): PDF/A-3b
with the Chinese font embedded and the text extractable, the notice's fingerprint and the
compound's chain head printed, and a QR code to the compound's page."""

import re
import shutil
import subprocess

import pytest
import segno
from django.urls import reverse

from disclosures.notices.fingerprints import chain_head
from disclosures.notices.models import NoticePage
from disclosures.notices.pdf import qr_svg

from .conftest import draft, publish


def _text(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True).stdout
    # Long hashes may wrap across lines in the layout.
    return text.decode()


def _joined(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _fonts(pdf: bytes, tmp_path) -> list[list[str]]:
    path = tmp_path / "fonts.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdffonts", str(path)], capture_output=True, check=True).stdout
    return [line.split() for line in out.decode().splitlines()[2:] if line.strip()]


def _metadata(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "meta.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        ["pdfinfo", "-meta", str(path)], capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture
def published(world):
    return publish(world, draft(world, title="2025年度专项维修资金使用公示"))


def test_notice_pdf_prints_chinese_text_fingerprint_and_chain_head(
    world, published, client, tmp_path
):
    # A later notice moves the chain head on: the PDF prints the head at printing time.
    later = publish(world, draft(world, title="2026年度议事规则公示"))
    response = client.get(reverse("notices_notice_pdf", args=[published.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    text = _joined(_text(response.content, tmp_path))
    assert "2025年度专项维修资金使用公示" in text
    assert "本年度维修资金使用情况如下。" in text
    assert "阳光花园小区业主委员会" in text
    assert published.fingerprint.content_sha256 in text
    assert published.fingerprint.sha256 in text
    head = chain_head(world["compound"].pk)
    assert head == later.fingerprint.sha256
    assert head in text


def test_notice_pdf_embeds_its_chinese_font(published, client, tmp_path):
    pdf = client.get(reverse("notices_notice_pdf", args=[published.pk])).content
    fonts = _fonts(pdf, tmp_path)
    assert fonts
    assert any("NotoSansCJK" in row[0].replace("-", "") for row in fonts)
    # Columns: name, type…, emb, sub, uni, object, id: every font embedded.
    assert all(row[-5] == "yes" for row in fonts), fonts


def test_notice_pdf_declares_pdf_a_3b(published, client, tmp_path):
    pdf = client.get(reverse("notices_notice_pdf", args=[published.pk])).content
    meta = _metadata(pdf, tmp_path)
    assert re.search(r"pdfaid:part(>|=\")3", meta), meta
    assert re.search(r"pdfaid:conformance(>|=\")B", meta), meta


def test_drafts_and_withdrawn_notices_have_no_public_pdf(world, published, client):
    unpublished = draft(world, title="草稿公示")
    assert client.get(reverse("notices_notice_pdf", args=[unpublished.pk])).status_code == 404
    NoticePage.objects.filter(pk=published.pk).update(expired=True)
    assert client.get(reverse("notices_notice_pdf", args=[published.pk])).status_code == 404
    assert client.get(reverse("notices_notice_pdf", args=[999999])).status_code == 404


@pytest.mark.parametrize("size", ["A4", "A3"])
def test_poster_lists_current_notices_with_chain_head(world, published, client, tmp_path, size):
    draft(world, title="尚未发布的草稿")
    compound = world["compound"]
    response = client.get(reverse("notices_poster_pdf", args=[compound.pk]), {"size": size})
    assert response.status_code == 200
    text = _joined(_text(response.content, tmp_path))
    assert compound.name in text
    assert "2025年度专项维修资金使用公示" in text
    assert "公示中" in text
    assert "尚未发布的草稿" not in text
    assert chain_head(compound.pk) in text
    assert f"http://testserver/c/{compound.pk}/" in text
    fonts = _fonts(response.content, tmp_path)
    assert fonts and all(row[-5] == "yes" for row in fonts)


def test_poster_page_sizes(world, published, client, tmp_path):
    sizes = {}
    for size in ("A4", "A3"):
        pdf = client.get(
            reverse("notices_poster_pdf", args=[world["compound"].pk]), {"size": size}
        ).content
        path = tmp_path / f"{size}.pdf"
        path.write_bytes(pdf)
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, check=True).stdout
        sizes[size] = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info.decode()).groups()
    assert [round(float(v)) for v in sizes["A4"]] == [595, 842]
    assert [round(float(v)) for v in sizes["A3"]] == [842, 1191]


def test_poster_of_unknown_compound_or_size_is_404(world, client):
    assert client.get(reverse("notices_poster_pdf", args=[999999])).status_code == 404
    url = reverse("notices_poster_pdf", args=[world["compound"].pk])
    assert client.get(url, {"size": "A0"}).status_code == 404


def test_poster_qr_code_encodes_the_compound_page(world):
    url = f"http://testserver/c/{world['compound'].pk}/"
    svg = qr_svg(url)
    assert svg.startswith("<svg") and "<?xml" not in svg
    # No QR decoder is installed: compare with segno's own matrix for the same payload.
    expected = segno.make(url, error="m", micro=False)
    assert svg == expected.svg_inline(scale=4, border=2, dark="#000", light="#fff")
    assert expected.designator.endswith("-M")
    assert expected.mode == "byte"


@pytest.mark.skipif(not shutil.which("zbarimg"), reason="zbarimg (zbar-tools) not installed")
def test_poster_qr_code_scans_to_the_compound_page(world, published, client, tmp_path):
    """The printed poster, rasterised as a phone camera would see it, scans to the page."""
    compound = world["compound"]
    pdf = client.get(reverse("notices_poster_pdf", args=[compound.pk])).content
    (tmp_path / "poster.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "150", "-png", "-f", "1", "-l", "1", "-singlefile",
         str(tmp_path / "poster.pdf"), str(tmp_path / "poster")],
        check=True,
    )  # fmt: skip
    out = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(tmp_path / "poster.png")],
        capture_output=True,
        check=True,
    ).stdout.decode()
    assert out.strip() == f"http://testserver/c/{compound.pk}/"
