from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "disclosures.votes"
    label = "votes"
    verbose_name = _("业主共同决定表决")
    default_auto_field = "django.db.models.BigAutoField"
