"""The community review of a notice: a Wagtail workflow task whose reviewers are the
community officers of the notice's compound, found through common.access rather than a
fixed group, so one task serves every community (issue 10 §2)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.models import Task, TaskState

from common.jurisdiction import MANAGE

MSG_UNREVIEWED = _("公示须经社区审核通过后才能发布。")


class CommunityReviewTask(Task):
    """Review by the community officers of the notice's compound: users whose roles give
    ``notices.review_noticepage`` and whose manage grant covers that compound
    (common.access). Nobody else sees or acts on the task."""

    admin_form_fields = Task.admin_form_fields

    class Meta:
        verbose_name = _("社区审核")
        verbose_name_plural = pgettext_lazy("复数", "社区审核")

    @staticmethod
    def user_reviews(obj, user) -> bool:
        from common.access import can

        # Wagtail's workflow-action view passes the base Page, not the NoticePage.
        obj = getattr(obj, "specific", obj)
        compound = getattr(obj, "compound", None)
        return compound is not None and can(user, "notices.review_noticepage", compound)

    def user_can_access_editor(self, obj, user):
        return self.user_reviews(obj, user)

    def locked_for_user(self, obj, user):
        return not self.user_reviews(obj, user)

    def user_can_lock(self, obj, user):
        return self.user_reviews(obj, user)

    def user_can_unlock(self, obj, user):
        return False

    def get_actions(self, obj, user):
        from .guard import notice_personal_data

        obj = getattr(obj, "specific", obj)
        if not self.user_reviews(obj, user):
            return []
        actions = [("reject", _("退回修改"), True)]
        # The reviewer sees the personal-data warning and cannot approve past it (§4).
        if not notice_personal_data(obj):
            actions += [("approve", _("审核通过并发布"), False),
                        ("approve", _("审核通过并附意见"), True)]  # fmt: skip
        return actions

    def on_action(self, task_state, user, action_name, **kwargs):
        from .guard import notice_check_personal_data

        if action_name == "approve":
            if not self.user_reviews(task_state.revision.as_object(), user):
                raise PermissionDenied(MSG_UNREVIEWED)
            notice_check_personal_data(task_state.revision.as_object())
        return super().on_action(task_state, user, action_name, **kwargs)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        from django.db.models.functions import Cast

        from common.access import scoped

        if not user.is_active or not user.has_perm("notices.review_noticepage"):
            return TaskState.objects.none()
        from .models import NoticePage

        pages = scoped(NoticePage, user=user, level=MANAGE).annotate(
            key=Cast("pk", models.CharField())
        )
        return self.task_states.filter(
            status=TaskState.STATUS_IN_PROGRESS,
            workflow_state__object_id__in=pages.values("key"),
        )

    @classmethod
    def get_description(cls):
        return _("由公示所属小区的社区工作人员审核")


def review_approved(notice, revision_id: int | None) -> bool:
    """Whether the community review approved this revision of the notice (§2).

    Either the review task ran on this very revision, or the reviewer saved it
    themselves while the task was open: approving from Wagtail's editor first saves the
    reviewer's form as a new revision, and the workflow then publishes that one. The
    drafter cannot slip a revision in between, since the task locks the notice for
    everyone but its reviewers (``locked_for_user``)."""
    if revision_id is None:
        return False
    approvals = TaskState.objects.filter(
        status=TaskState.STATUS_APPROVED,
        task__in=CommunityReviewTask.objects.all(),
    )
    if approvals.filter(revision_id=revision_id).exists():
        return True
    revision = notice.revisions.filter(pk=revision_id).only("user_id", "created_at").first()
    if revision is None or revision.user_id is None:
        return False
    return approvals.filter(
        workflow_state__in=notice.workflow_states.all(),
        finished_by_id=revision.user_id,
        started_at__lte=revision.created_at,
        finished_at__gte=revision.created_at,
    ).exists()


def notices_awaiting_review(user):
    """The notices whose community review waits for this user (the compounds their
    manage grant covers), newest submission first; one query to count."""
    from django.db.models.functions import Cast

    from common.access import scoped

    from .models import NoticePage

    if not user.is_active or not user.has_perm("notices.review_noticepage"):
        return NoticePage.objects.none()
    waiting = TaskState.objects.filter(
        status=TaskState.STATUS_IN_PROGRESS,
        task__in=CommunityReviewTask.objects.all(),
    ).values("workflow_state__object_id")
    return (
        scoped(NoticePage, user=user, level=MANAGE)
        .annotate(key=Cast("pk", models.CharField()))
        .filter(key__in=waiting)
        .order_by("-latest_revision_created_at", "-pk")
    )
