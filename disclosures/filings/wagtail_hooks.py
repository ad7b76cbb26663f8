"""Registration only: permission policies, audit actions, the filing viewsets and the
community officer's dashboard panel."""

from wagtail import hooks
from wagtail.permissions import policy_registry, register_permission_policy

from common.permission_policies import JurisdictionPermissionPolicy

from .models import Filing, FilingRules, RegularReport
from .services import LOG_ACTIONS


class WorkflowRecordPolicy(JurisdictionPermissionPolicy):
    """Filings and reports are written through their own screens (draft, submit, review,
    accept), never through the generic add, edit or delete forms."""

    def user_has_permission(self, user, action):
        return action not in ("add", "change", "delete") and super().user_has_permission(
            user, action
        )


for _model, _policy in (
    (Filing, WorkflowRecordPolicy),
    (RegularReport, WorkflowRecordPolicy),
    (FilingRules, JurisdictionPermissionPolicy),
):
    if policy_registry.get_by_type(_model, fallback=False) is None:
        register_permission_policy(_model, _policy(_model), exact_class=True)


@hooks.register("register_log_actions")
def register_filing_log_actions(actions):
    for action, label in LOG_ACTIONS:
        actions.register_action(action, label, label)


from . import viewsets  # noqa: E402  (after the policies: the viewsets ask the registry)


@hooks.register("register_admin_viewset")
def register_filing_viewsets():
    return viewsets.FilingViewSetGroup()


@hooks.register("construct_homepage_panels")
def add_filing_queue_panel(request, panels):
    panels.append(viewsets.FilingQueuePanel(request.user))
