from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FilingsConfig(AppConfig):
    name = "disclosures.filings"
    label = "filings"
    verbose_name = _("重大事项报备")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the filing figures in estates.stats.STATISTICS.
        # And its duties on the admin home (common.dashboard).
        from . import duties, stats  # noqa: F401
