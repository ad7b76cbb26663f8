"""Frozen after publication, corrections, and the fingerprint chain (issue 10 §3)."""

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command

from disclosures.notices.fingerprints import GENESIS, chain_sha256, content_sha256
from disclosures.notices.models import NoticeFingerprint, NoticePage

from .conftest import draft, make_document, publish


@pytest.fixture
def published(world):
    return publish(world, draft(world))


def test_published_notice_refuses_a_new_revision(world, published):
    notice = NoticePage.objects.get(pk=published.pk)
    notice.title = "悄悄改过的标题"
    with pytest.raises(ValidationError, match="已发布的公示不能修改"):
        notice.save_revision(user=world["officer"])
    assert NoticePage.objects.get(pk=published.pk).title != "悄悄改过的标题"


def test_published_notice_refuses_a_save_that_changes_content(published):
    notice = NoticePage.objects.get(pk=published.pk)
    notice.issuer = "别的单位"
    with pytest.raises(ValidationError):
        notice.save()
    assert NoticePage.objects.get(pk=published.pk).issuer != "别的单位"


def test_published_notice_may_still_be_locked(world, published):
    """Saving without a content change (locking, unpublishing) is not an edit."""
    notice = NoticePage.objects.get(pk=published.pk)
    notice.locked = True
    notice.locked_by = world["officer"]
    notice.save(update_fields=["locked", "locked_by"])
    assert NoticePage.objects.get(pk=published.pk).locked


def test_published_notice_cannot_be_deleted(published):
    with pytest.raises(ValidationError):
        NoticePage.objects.get(pk=published.pk).delete()
    assert NoticePage.objects.filter(pk=published.pk).exists()


def test_correction_is_a_new_notice_and_the_original_stays_readable(client, world, published):
    from disclosures.notices.services.notices import notice_correct

    correction = notice_correct(
        actor=world["drafter"],
        original=published,
        correction_note="第2项收入金额由100.00元更正为120.00元。",
        title="更正：2025年度专项维修资金使用公示",
    )
    assert correction.pk != published.pk
    correction = publish(world, correction)
    original = NoticePage.objects.get(pk=published.pk)
    assert original.live and original.is_superseded
    assert correction.corrects_id == original.pk
    answer = client.get(original.url)
    assert answer.status_code == 200
    text = answer.content.decode()
    assert "查看更正公示" in text and correction.url in text
    answer = client.get(correction.url)
    assert "第2项收入金额由100.00元更正为120.00元。" in answer.content.decode()
    chain = list(NoticeFingerprint.objects.order_by("sequence"))
    assert [f.page_id for f in chain] == [original.pk, correction.pk]
    assert chain[1].previous_sha256 == chain[0].sha256


def test_correction_must_say_what_changed(world, published):
    from disclosures.notices.services.notices import notice_correct

    with pytest.raises(ValidationError):
        notice_correct(actor=world["drafter"], original=published, correction_note=" ")


def test_fingerprint_covers_attachment_bytes(world):
    document = make_document(content=b"%PDF-1.4 first version", user=world["drafter"])
    notice = publish(world, draft(world, attachments=[("决算表", document)]))
    row = NoticeFingerprint.objects.get(page=notice)
    assert row.content_sha256 == content_sha256(notice)
    assert row.previous_sha256 == GENESIS
    with document.file.open("wb") as handle:
        handle.write(b"silently replaced")
    with pytest.raises(CommandError, match="附件"):
        call_command("verify_notices")


def test_fingerprint_rows_are_append_only(published):
    row = NoticeFingerprint.objects.get(page=published)
    row.sha256 = "f" * 64
    with pytest.raises(ValidationError):
        row.save()
    with pytest.raises(ValidationError):
        row.delete()


def test_verify_notices_passes_on_an_intact_chain(world, capsys):
    publish(world, draft(world, title="第一则"))
    publish(world, draft(world, title="第二则"))
    call_command("verify_notices", region=world["tree"].prefecture.code)
    assert "共核验 2 条" in capsys.readouterr().out


def test_verify_notices_names_a_tampered_fingerprint_row(world):
    first = publish(world, draft(world, title="第一则"))
    publish(world, draft(world, title="第二则"))
    # A rewrite behind the application's back: the row is changed in the database.
    NoticeFingerprint.objects.filter(page=first).update(sha256="0" * 63 + "1")
    with pytest.raises(CommandError) as error:
        call_command("verify_notices")
    message = str(error.value)
    assert "第1条公示「第一则」" in message and "链上指纹" in message


def test_verify_notices_detects_a_consistent_rewrite_at_the_next_link(world):
    """Rewriting a notice and recomputing its own row is still caught: the next notice's
    row names the old fingerprint."""
    first = publish(world, draft(world, title="第一则"))
    second = publish(world, draft(world, title="第二则"))
    NoticePage.objects.filter(pk=first.pk).update(issuer="另一个发布单位")
    row = NoticeFingerprint.objects.get(page=first)
    content = content_sha256(NoticePage.objects.get(pk=first.pk))
    NoticeFingerprint.objects.filter(pk=row.pk).update(
        content_sha256=content,
        sha256=chain_sha256(
            previous=row.previous_sha256,
            content=content,
            sequence=row.sequence,
            page_id=row.page_id,
            published_at=row.published_at,
        ),
    )
    with pytest.raises(CommandError) as error:
        call_command("verify_notices")
    message = str(error.value)
    assert f"第2条公示「{second.title}」" in message and "断开" in message


def test_verify_notices_names_a_rewritten_notice(world):
    first = publish(world, draft(world, title="第一则"))
    publish(world, draft(world, title="第二则"))
    NoticePage.objects.filter(pk=first.pk).update(issuer="另一个发布单位")
    with pytest.raises(CommandError, match="第1条公示「第一则」"):
        call_command("verify_notices")


def test_verify_notices_limited_to_a_region(world):
    first = publish(world, draft(world, title="第一则"))
    NoticePage.objects.filter(pk=first.pk).update(issuer="另一个发布单位")
    other_street = world["tree"].streets[1]
    call_command("verify_notices", region=other_street.code)
    with pytest.raises(CommandError):
        call_command("verify_notices", region=world["tree"].streets[0].code)
