from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NoticesConfig(AppConfig):
    name = "disclosures.notices"
    label = "notices"
    verbose_name = _("信息公示")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from estates.selectors import public_compound_flags

        from . import duties, stats  # noqa: F401  (the dashboard duties, the figures)
        from .selectors.public import notice_board_flags

        # The public compound query learns whether the compound has a notice board.
        public_compound_flags(notice_board_flags)
