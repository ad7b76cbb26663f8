"""Registration only: permission policies, audit actions, the "业委会与物委会" menu group,
the alarms view and its dashboard panel."""

from wagtail import hooks
from wagtail.permissions import policy_registry, register_permission_policy

from common.permission_policies import JurisdictionPermissionPolicy

from . import document_hooks  # noqa: F401  (private documents)
from .models.bodies import (
    ArchiveRecord,
    CalendarDay,
    Committee,
    CommitteeMember,
    PartyBranch,
    RuleProfile,
    Seal,
    Term,
)
from .services import LOG_ACTIONS


class MemberPermissionPolicy(JurisdictionPermissionPolicy):
    """Members join only through an election (组建, 换届, DOMAIN 3.8) or as reserves moving
    up (3.7), never through a bare add form."""

    def user_has_permission(self, user, action):
        return action != "add" and super().user_has_permission(user, action)


# Policies first: a viewset asking the registry before this would get a plain fallback.
for _model, _policy in (
    (Committee, JurisdictionPermissionPolicy),
    (Term, JurisdictionPermissionPolicy),
    (CommitteeMember, MemberPermissionPolicy),
    (PartyBranch, JurisdictionPermissionPolicy),
    (Seal, JurisdictionPermissionPolicy),
    (ArchiveRecord, JurisdictionPermissionPolicy),
    # The holiday calendar is national: platform administrators edit it (model
    # permissions), everyone with a grant and the view permission reads it.
    (CalendarDay, JurisdictionPermissionPolicy),
    (RuleProfile, JurisdictionPermissionPolicy),
):
    if policy_registry.get_by_type(_model, fallback=False) is None:
        register_permission_policy(_model, _policy(_model), exact_class=True)

from . import choosers, viewsets  # noqa: E402
from .elections import wagtail_hooks as election_hooks  # noqa: E402, F401


@hooks.register("register_log_actions")
def register_committee_log_actions(actions):
    for action, label in LOG_ACTIONS:
        actions.register_action(action, label, label)


@hooks.register("register_admin_viewset")
def register_committee_viewsets():
    return viewsets.CommitteeViewSetGroup()


@hooks.register("register_admin_viewset")
def register_committee_choosers():
    return list(choosers.CHOOSERS)


@hooks.register("construct_homepage_panels")
def add_alarm_panel(request, panels):
    panels.append(viewsets.AlarmPanel(request.user))
