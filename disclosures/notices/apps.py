from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "disclosures.notices"
    label = "notices"
    verbose_name = _("信息公示")
    default_auto_field = "django.db.models.BigAutoField"
