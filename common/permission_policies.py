"""Wagtail permission policy that adds jurisdiction to Django's model permissions.

A user may act on an object when a role group gives the model permission (what kind of
work) and a grant covers the object (where): manage grants for add/change/delete, any
grant for view.
"""

from wagtail.permission_policies import ModelPermissionPolicy

from .jurisdiction import MANAGE, VIEW, jurisdiction_of, scope_queryset, user_covers


def level_for(actions) -> str:
    return VIEW if set(actions) <= {"view"} else MANAGE


class JurisdictionPermissionPolicy(ModelPermissionPolicy):
    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action) and user_covers(
            user, instance, level_for([action])
        )

    def user_has_any_permission_for_instance(self, user, actions, instance):
        allowed = [a for a in actions if self.user_has_permission(user, a)]
        if not allowed:
            return False
        # A view grant is enough for view; try the weakest level the actions allow.
        return user_covers(user, instance, VIEW if "view" in allowed else MANAGE)

    def instances_user_has_any_permission_for(self, user, actions):
        allowed = [a for a in actions if self.user_has_permission(user, a)]
        if not allowed:
            return self.model._default_manager.none()
        level = VIEW if "view" in allowed else MANAGE
        return scope_queryset(self.model._default_manager.all(), user, level)

    def user_has_permission(self, user, action):
        if action in ("add", "change", "delete") and not user.is_superuser:
            # Without any manage grant a user cannot write anywhere.
            if jurisdiction_of(user, MANAGE).is_empty:
                return False
        return super().user_has_permission(user, action)
