from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EstatesConfig(AppConfig):
    name = "estates"
    verbose_name = _("基础信息")
    default_auto_field = "django.db.models.BigAutoField"
