from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommitteesConfig(AppConfig):
    name = "committees"
    verbose_name = _("业委会与物委会")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Registers the committee figures in estates.stats.STATISTICS.
        from estates.selectors import public_compound_flags

        # Registers the committee duties on the admin home (common.dashboard).
        from . import duties, stats  # noqa: F401
        from .elections import stats as election_stats  # noqa: F401
        from .selectors.committees import compound_public_flags

        # The public compound query learns whether there is a committee or election to show.
        public_compound_flags(compound_public_flags)
