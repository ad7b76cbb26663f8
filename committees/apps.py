from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("业委会与物委会")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the committee figures in estates.stats.STATISTICS.
        from . import stats, stats_reviews  # noqa: F401
