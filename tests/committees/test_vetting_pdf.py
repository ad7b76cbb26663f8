"""The vetting report PDF (WeasyPrint, Noto Sans CJK SC) and the public pages: findings
are internal (DOMAIN §9), never on a public page or the public API."""

from __future__ import annotations

import datetime
import subprocess

import pytest
from django.template.loader import render_to_string
from django.urls import reverse

from committees.choices import FindingCategory, ReviewStatus
from committees.elections.selectors.elections import candidate_notice_for
from committees.elections.services import elections as svc
from committees.elections.services.reviews import review_record
from committees.models import CandidateReview
from tests.committees.review_setup import build_vetting

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 6)


@pytest.fixture
def published(tree):
    """李建国 passes, 王秀英 fails the police check, 张卫东 withdraws; list published."""
    v = build_vetting(tree)
    svc.election_start_vetting(election=v.election, actor=v.street_staff, today=TODAY)
    passed, failed, withdrawn = v.candidates
    from tests.committees.test_elections_services import answer_all

    police = CandidateReview.objects.get(candidate=failed, department__kind="police")
    review_record(
        review=police,
        status=ReviewStatus.FAILED,
        category=FindingCategory.CULT_OR_GANG,
        actor=v.police_reviewer,
    )
    for candidate in (passed, failed):
        answer_all(v, candidate)
        svc.candidate_conclude(candidate=candidate, actor=v.street_staff)
    svc.candidate_withdraw(candidate=withdrawn, actor=v.street_staff, reason="本人书面申请退出")
    svc.election_publish_candidates(election=v.election, actor=v.street_staff)
    return v


def _text(tmp_path, pdf: bytes, tool: str) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    args = [tool, str(path)] + (["-"] if tool == "pdftotext" else [])
    return subprocess.run(args, capture_output=True, text=True, check=True).stdout


def test_report_pdf_embeds_chinese_font_and_names(client, published, tmp_path):
    client.force_login(published.street_staff)
    response = client.get(reverse("committees_reviews:report", args=[published.election.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    pdf = response.content
    assert pdf.startswith(b"%PDF")
    fonts = _text(tmp_path, pdf, "pdffonts")
    assert "NotoSansCJK" in fonts.replace("-", "")
    assert " yes " in fonts  # embedded
    text = _text(tmp_path, pdf, "pdftotext")
    for name in ("李建国", "王秀英", "张卫东", "文山市公安局", "候选人资格联审结果汇总表"):
        assert name in text
    assert "邪教或涉黑涉恶" in text  # the category, for the street only
    assert "第1页/共1页" in text.replace(" ", "")
    assert "生成日期" in text


def test_report_refused_to_another_street(client, published):
    client.force_login(published.other_street_staff)
    url = reverse("committees_reviews:report", args=[published.election.pk])
    assert client.get(url).status_code == 404


def test_public_partial_shows_only_passed_names_and_positions(published):
    notice = candidate_notice_for(published.election.compound)
    html = render_to_string("committees/public/candidate_list.html", {"candidate_notice": notice})
    assert "李建国" in html and "主任" in html
    # The notice says the candidates passed the joint review; nothing of any finding.
    for secret in ("王秀英", "张卫东", "邪教", "不通过", "提示关注", "failed", "flagged"):
        assert secret not in html
    owner = published.candidates[0].owner
    assert owner.id_number not in html and owner.phone not in html


def test_public_api_never_shows_findings(client, published):
    compound = published.election.compound
    body = client.get(f"/api/public/compounds/{compound.pk}/").content.decode()
    for secret in ("王秀英", "邪教", "cult_or_gang", "不通过"):
        assert secret not in body
    # The registry API is closed to anonymous callers.
    assert client.get("/api/registry/elections/").status_code == 401
