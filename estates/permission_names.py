"""Permission names in Chinese. Django writes a model's default permissions as
"Can add group" and Wagtail's migrations store their own permissions in English; the group
page shows these names (as the checkboxes' labels), and no catalogue reaches a name read
from the database. After every ``migrate`` the names are rewritten once in the site's
language: "可添加组", "可发布任何页面". Codenames, which the code checks, never change.

Connected to ``post_migrate`` in :class:`estates.apps.EstatesConfig`. Permissions appear
app by app, each when Django's own ``post_migrate`` handler runs for that app, which comes
after this one (estates is ready before auth). The handler acts once, for the last app: it
creates that app's permissions the way Django does (idempotent), then reads the table once
and writes only the names that differ.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import DEFAULT_DB_ALIAS, router
from django.utils import translation
from django.utils.translation import gettext, gettext_lazy

#: The name of each default action's permission, around the model's name.
ACTIONS = {
    "add": gettext_lazy("可添加%(model)s"),
    "change": gettext_lazy("可更改%(model)s"),
    "delete": gettext_lazy("可删除%(model)s"),
    "view": gettext_lazy("可查看%(model)s"),
}
#: Permissions Wagtail's migrations name in English outside any catalogue.
NAMED = {
    "choose_document": gettext_lazy("可选择文档"),
    "choose_image": gettext_lazy("可选择图片"),
}
NAME_MAX = 255


def permission_name(*, codename: str, stored: str, model) -> str:
    """The name of one permission in the active language: a default permission from its
    action and the model's name; any other from the catalogue (or as stored)."""
    if codename in NAMED:
        return str(NAMED[codename])
    action, _, model_name = codename.partition("_")
    if model is not None and action in ACTIONS and model_name == model._meta.model_name:
        return (ACTIONS[action] % {"model": model._meta.verbose_name})[:NAME_MAX]
    return gettext(stored)[:NAME_MAX]


def last_app_with_models():
    """``post_migrate`` is sent for each app with models, in this order."""
    return [config for config in global_apps.get_app_configs() if config.models_module][-1]


def permission_names_translate(
    *, sender=None, using: str = DEFAULT_DB_ALIAS, apps=global_apps, **kwargs
) -> int:
    """Rewrite the names that differ from the site language's; returns how many."""
    from django.contrib.auth.models import Permission

    if sender is not None:
        if sender is not last_app_with_models():
            return 0  # the names are rewritten once, when every app's permissions exist
        create_permissions(sender, verbosity=0, using=using, apps=apps)
    if not router.allow_migrate_model(using, Permission):
        return 0

    changed = []
    with translation.override(settings.LANGUAGE_CODE):
        rows = Permission.objects.using(using).select_related("content_type")
        for permission in rows:
            model = permission.content_type.model_class()
            name = permission_name(
                codename=permission.codename, stored=permission.name, model=model
            )
            if name != permission.name:
                permission.name = name
                changed.append(permission)
    Permission.objects.using(using).bulk_update(changed, ["name"], batch_size=500)
    return len(changed)
