"""Drafts, review by the compound's community officers, publication (issue 10 §2)."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry, Revision, TaskState

from disclosures.notices.models import NoticeFingerprint, NoticePage

from .conftest import draft, publish


def test_draft_is_not_live_and_has_a_revision(world):
    notice = draft(world)
    assert notice.live is False
    assert notice.revisions.count() == 1
    assert notice.compound == world["compound"]
    assert notice.ends_on == notice.notice_starts_on + datetime.timedelta(days=6)
    assert notice.objection_deadline == notice.ends_on


def test_community_officer_publishes_after_review(world):
    notice = publish(world, draft(world))
    assert notice.live is True
    row = NoticeFingerprint.objects.get(page=notice, sequence=1)
    entry = PageLogEntry.objects.get(page=notice, action="notices.notice.fingerprint")
    assert entry.data["sha256"] == row.sha256
    assert PageLogEntry.objects.filter(page=notice, action="wagtail.publish").exists()


def test_officer_of_another_community_is_not_a_reviewer(world):
    from disclosures.notices.services.notices import notice_review, notice_submit

    notice = draft(world)
    notice_submit(actor=world["drafter"], notice=notice)
    task = notice.current_workflow_task
    assert task.get_actions(notice, world["other_officer"]) == []
    assert list(task.get_task_states_user_can_moderate(world["other_officer"])) == []
    assert list(task.get_task_states_user_can_moderate(world["officer"])) == [
        notice.current_workflow_task_state
    ]
    with pytest.raises(PermissionDenied):
        notice_review(actor=world["other_officer"], notice=notice, approve=True)
    assert not NoticePage.objects.get(pk=notice.pk).live


def test_return_needs_a_reason_and_leaves_a_draft(world):
    from disclosures.notices.services.notices import notice_review, notice_submit

    notice = draft(world)
    notice_submit(actor=world["drafter"], notice=notice)
    with pytest.raises(ValidationError):
        notice_review(actor=world["officer"], notice=notice, approve=False)
    notice_review(actor=world["officer"], notice=notice, approve=False, comment="账目不全")
    state = TaskState.objects.get(revision__object_id=str(notice.pk))
    assert state.status == TaskState.STATUS_REJECTED
    assert state.comment == "账目不全"
    assert not NoticePage.objects.get(pk=notice.pk).live


def test_publishing_without_review_is_refused(world):
    notice = draft(world)
    revision = notice.get_latest_revision()
    with pytest.raises(PermissionDenied):
        revision.publish(user=world["officer"])
    notice.refresh_from_db()
    assert not notice.live
    assert not NoticeFingerprint.objects.exists()


def test_later_notice_period_is_scheduled(world):
    """go_live_at follows the start of the 公示期; Wagtail's publish_scheduled puts the
    approved revision live on the day, and only then is it fingerprinted."""
    start = timezone.localdate() + datetime.timedelta(days=3)
    notice = publish(world, draft(world, notice_starts_on=start))
    assert notice.live is False
    assert timezone.localtime(notice.go_live_at).date() == start
    assert not NoticeFingerprint.objects.exists()
    # The day comes: the approved revision's time has passed.
    revision = notice.revisions.get(approved_go_live_at__isnull=False)
    past = timezone.now() - datetime.timedelta(minutes=1)
    revision.content["go_live_at"] = past.isoformat()
    Revision.objects.filter(pk=revision.pk).update(
        approved_go_live_at=past, content=revision.content
    )
    NoticePage.objects.filter(pk=notice.pk).update(go_live_at=past)
    call_command("publish_scheduled")
    notice.refresh_from_db()
    assert notice.live
    assert NoticeFingerprint.objects.filter(page=notice).exists()


def test_drafter_outside_the_compound_is_refused(world):
    from disclosures.notices.services.notices import notice_draft

    from .conftest import item

    with pytest.raises(PermissionDenied):
        notice_draft(
            actor=world["drafter"],
            compound=world["tree"].compounds[2],
            item=item("fund-use"),
            title="x",
            issuer="y",
            body=[("text", "<p>z</p>")],
        )


def test_reviewers_own_revision_saved_during_the_review_is_published(world):
    """Approving from Wagtail's editor saves the reviewer's form as a new revision and
    the finished workflow publishes that latest revision (§2)."""
    from disclosures.notices.services.notices import notice_submit

    notice = draft(world)
    notice_submit(actor=world["drafter"], notice=notice)
    notice = NoticePage.objects.get(pk=notice.pk)
    notice.save_revision(user=world["officer"])
    task_state = notice.current_workflow_task_state
    notice.current_workflow_task.on_action(task_state, world["officer"], "approve")
    notice = NoticePage.objects.get(pk=notice.pk)
    assert notice.live is True
    assert notice.live_revision_id != task_state.revision_id
    assert notice.live_revision.user == world["officer"]
    assert NoticeFingerprint.objects.filter(page=notice).count() == 1


def test_revision_saved_after_the_review_by_someone_else_is_not_approved(world):
    """A revision nobody reviewed is refused, even right after an approval (§2)."""
    from disclosures.notices.review import review_approved

    notice = publish(world, draft(world))
    reviewed = notice.live_revision_id
    assert review_approved(notice, reviewed)
    later = Revision.objects.create(
        content_object=notice,
        base_content_type=notice.get_base_content_type(),
        user=world["drafter"],
        content=notice.serializable_data(),
    )
    assert not review_approved(notice, later.pk)
    assert not review_approved(notice, None)
