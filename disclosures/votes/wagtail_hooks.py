"""Registration only: permission policies, the audit actions of votes and ballot batches,
and the "业主表决" menu group."""

from wagtail import hooks
from wagtail.permissions import policy_registry, register_permission_policy

from common.permission_policies import JurisdictionPermissionPolicy

from .models import Vote, VoteRules
from .services import LOG_ACTIONS


class WorkflowRecordPolicy(JurisdictionPermissionPolicy):
    """Votes are written through their own screens (start, open, entry, check, count),
    never through the generic add, edit or delete forms."""

    def user_has_permission(self, user, action):
        return action not in ("add", "change", "delete") and super().user_has_permission(
            user, action
        )


for _model, _policy in ((Vote, WorkflowRecordPolicy), (VoteRules, JurisdictionPermissionPolicy)):
    if policy_registry.get_by_type(_model, fallback=False) is None:
        register_permission_policy(_model, _policy(_model), exact_class=True)


@hooks.register("register_log_actions")
def register_vote_log_actions(actions):
    for action, label in LOG_ACTIONS:
        actions.register_action(action, label, label)


from . import viewsets  # noqa: E402  (after the policies: the viewsets ask the registry)


@hooks.register("register_admin_viewset")
def register_vote_viewsets():
    return viewsets.VoteViewSetGroup()
