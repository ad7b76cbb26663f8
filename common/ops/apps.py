from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpsConfig(AppConfig):
    name = "common.ops"
    label = "ops"
    verbose_name = _("运行监控")
    default_auto_field = "django.db.models.BigAutoField"
