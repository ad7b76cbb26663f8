"""Publishing is refused while a notice holds personal data, naming the places; the
reviewer sees the same warning (issue 10 §4)."""

import pytest
from django.core.exceptions import ValidationError

from disclosures.notices.guard import notice_personal_data, scan_text
from disclosures.notices.models import NoticeFingerprint, NoticePage
from tests.factories import valid_id_number

from .conftest import accounts_block, draft, make_document, publish


def test_valid_id_number_is_found_and_an_invalid_one_is_not():
    good = valid_id_number()
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    found = scan_text("正文", f"业主 {good} 与 {bad}", exempt_phones=frozenset())
    assert [f.kind for f in found] == ["身份证号码"]
    assert good not in str(found[0])  # the warning itself masks the number


def test_masked_mobile_is_allowed_and_an_unmasked_one_is_not():
    found = scan_text(
        "正文", "联系139****1234，或 13912345678，或 +86 139 1234 5679", exempt_phones=frozenset()
    )
    assert [f.masked for f in found] == ["139****5678", "139****5679"]


def test_submitting_is_allowed_but_publishing_is_refused_naming_places(world):
    id_number = valid_id_number()
    notice = draft(
        world,
        body=[
            ("text", "<p>情况说明。</p>"),
            ("text", f"<p>经办人身份证 {id_number}，电话 13712345678。</p>"),
            accounts_block(),
        ],
    )
    from disclosures.notices.services.notices import notice_review, notice_submit

    notice_submit(actor=world["drafter"], notice=notice)
    # The reviewer is offered no approval, only a return, and is told why.
    task = notice.current_workflow_task
    assert [a[0] for a in task.get_actions(notice, world["officer"])] == ["reject"]
    with pytest.raises(ValidationError) as error:
        notice_review(actor=world["officer"], notice=notice, approve=True)
    message = " ".join(error.value.messages)
    assert "正文第2段" in message and "身份证号码" in message and "手机号码" in message
    assert id_number not in message
    assert not NoticePage.objects.get(pk=notice.pk).live
    assert not NoticeFingerprint.objects.exists()


def test_pdf_attachment_text_is_scanned(world):
    import weasyprint

    pdf = weasyprint.HTML(string=f"<p>ID {valid_id_number()}</p>").write_pdf()
    document = make_document(title="扫描件", content=pdf, name="scan.pdf")
    notice = draft(world, attachments=[("扫描件", document)])
    assert [(f.place, f.kind) for f in notice_personal_data(notice)] == [
        ("附件「扫描件」", "身份证号码")
    ]


def test_grid_staff_and_published_contact_phones_are_excepted(world):
    # tests.factories gives each compound's grid head 13908760001.
    notice = draft(
        world,
        contact_phone="13800001111",
        body=[("text", "<p>网格长电话 13908760001；业委会电话 13800001111。</p>")],
    )
    assert notice_personal_data(notice) == []
    publish(world, notice)
    assert NoticePage.objects.get(pk=notice.pk).live


def test_account_rows_are_scanned(world):
    block = accounts_block()
    block[1]["rows"][0]["note"] = "退款至 13600001234"
    notice = draft(world, body=[block])
    places = [f.place for f in notice_personal_data(notice)]
    assert places == ["账目表「2025年度专项维修资金收支」第1行"]
