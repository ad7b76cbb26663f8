"""The vetting report as a paper document (DOMAIN §9): it names its issuing body, has a
经办 / 审核 / 盖章 block, masks ID numbers, is marked 未完成 while any review is open, and
downloads under a Chinese file name."""

from __future__ import annotations

import datetime
import subprocess
from urllib.parse import quote, unquote

import pytest
from django.urls import reverse

from committees.choices import ReviewSource, ReviewStatus
from committees.elections.services import elections as svc
from committees.models import CandidateReview
from tests.committees.review_setup import build_vetting
from tests.committees.test_elections_services import answer_all

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2026, 3, 6)


@pytest.fixture
def vetting(tree):
    """Three candidates in 联审: every department review still pending."""
    v = build_vetting(tree)
    svc.election_start_vetting(election=v.election, actor=v.street_staff, today=TODAY)
    return v


def _report(client, v) -> tuple[str, object]:
    client.force_login(v.street_staff)
    response = client.get(reverse("committees_reviews:report", args=[v.election.pk]))
    assert response.status_code == 200
    return response


def _text(tmp_path, pdf: bytes) -> str:
    path = tmp_path / "report.pdf"
    path.write_bytes(pdf)
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True)
    return out.stdout


def _conclude_all(v) -> None:
    for candidate in v.candidates:
        answer_all(v, candidate)
        svc.candidate_conclude(candidate=candidate, actor=v.street_staff)


def test_issuing_body_defaults_to_the_street_of_the_compound(client, vetting, tmp_path):
    text = _text(tmp_path, _report(client, vetting).content)
    street = vetting.tree.streets[0].name
    assert street in text
    assert "发布单位" in text


def test_issuing_body_is_the_elections_own_when_set(client, vetting, tmp_path):
    vetting.election.issued_by = "开化街道党工委"
    vetting.election.save(update_fields=["issued_by"])
    text = _text(tmp_path, _report(client, vetting).content)
    assert "开化街道党工委" in text


def test_signature_block(client, vetting, tmp_path):
    text = _text(tmp_path, _report(client, vetting).content)
    for word in ("经办", "审核", "盖章"):
        assert word in text


def test_id_column_is_masked(client, vetting, tmp_path):
    text = _text(tmp_path, _report(client, vetting).content)
    flat = text.replace(" ", "").replace("\n", "")
    assert "身份证号" in text
    for candidate in vetting.candidates:
        full = candidate.owner.id_number
        assert full not in flat
        assert f"{full[:3]}***********{full[-4:]}" in flat
    # Names are kept on one line (no break inside a name).
    for candidate in vetting.candidates:
        assert candidate.name in text


def test_unfinished_watermark_until_every_review_is_concluded(client, vetting, tmp_path):
    assert CandidateReview.objects.filter(
        candidate__election=vetting.election,
        source=ReviewSource.DEPARTMENT,
        status=ReviewStatus.PENDING,
    ).exists()
    assert "未完成" in _text(tmp_path, _report(client, vetting).content).replace(" ", "")

    _conclude_all(vetting)
    assert "未完成" not in _text(tmp_path, _report(client, vetting).content).replace(" ", "")


def test_withdrawn_candidates_open_reviews_do_not_keep_it_unfinished(client, vetting, tmp_path):
    passed, failed, withdrawn = vetting.candidates
    for candidate in (passed, failed):
        answer_all(vetting, candidate)
        svc.candidate_conclude(candidate=candidate, actor=vetting.street_staff)
    svc.candidate_withdraw(
        candidate=withdrawn, actor=vetting.street_staff, reason="本人书面申请退出"
    )
    assert "未完成" not in _text(tmp_path, _report(client, vetting).content).replace(" ", "")


def test_download_has_a_chinese_file_name(client, vetting):
    header = _report(client, vetting)["Content-Disposition"]
    name = f"资格联审报告-{vetting.election.compound.name}-第1届.pdf"
    assert f"filename*=UTF-8''{quote(name)}" in header
    assert unquote(header.split("UTF-8''", 1)[1]) == name
    # An ASCII fallback for old clients.
    assert f'filename="vetting-{vetting.election.pk}.pdf"' in header
