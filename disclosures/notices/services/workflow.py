"""The community-review workflow of notices, set up once and assigned to each compound's
notice board (Wagtail workflows apply to a page and everything under it)."""

from __future__ import annotations

from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from ..review import CommunityReviewTask

WORKFLOW_NAME = _("公示社区审核")
TASK_NAME = _("社区审核")


def _stored(text) -> str:
    """Names are stored in Chinese whatever the request language."""
    with translation.override("zh-hans"):
        return str(text)


@transaction.atomic
def review_workflow_ensure() -> Workflow:
    workflow, _created = Workflow.objects.get_or_create(
        name=_stored(WORKFLOW_NAME), defaults={"active": True}
    )
    task = CommunityReviewTask.objects.filter(name=_stored(TASK_NAME)).first()
    if task is None:
        task = CommunityReviewTask.objects.create(name=_stored(TASK_NAME), active=True)
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    return workflow


def review_workflow_assign(*, page) -> None:
    WorkflowPage.objects.get_or_create(page=page, defaults={"workflow": review_workflow_ensure()})
