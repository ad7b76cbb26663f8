from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class EstatesConfig(AppConfig):
    name = "estates"
    verbose_name = _("基础信息")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from .permission_names import permission_names_translate

        post_migrate.connect(
            permission_names_translate, dispatch_uid="estates.permission_names_translate"
        )
