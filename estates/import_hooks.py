"""Admin registration of the registry-sheet upload (imported by estates.wagtail_hooks)."""

from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from .tasks import LOG_ACTIONS
from .views.importing import can_import, import_job_detail, import_job_retry_view, import_upload


@hooks.register("register_admin_urls")
def register_import_urls():
    return [
        path("registry-import/", import_upload, name="estates_registry_import"),
        path("registry-import/<int:pk>/", import_job_detail, name="estates_registry_import_job"),
        path(
            "registry-import/<int:pk>/retry/",
            import_job_retry_view,
            name="estates_registry_import_retry",
        ),
    ]


class ImportMenuItem(MenuItem):
    def is_shown(self, request):
        return can_import(request.user)


@hooks.register("register_admin_menu_item")
def register_import_menu_item():
    return ImportMenuItem(
        _("导入登记表"), reverse("estates_registry_import"), icon_name="upload", order=850
    )


@hooks.register("register_log_actions")
def register_import_log_actions(actions):
    for action, label in LOG_ACTIONS:
        actions.register_action(action, label, label)
