from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("门户网站")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from common.db_router import register_freshness_check

        from . import signals
        from .caching import replica_fresh

        signals.connect()
        # Public pages are read from the primary until a change has reached the replica.
        register_freshness_check(replica_fresh)
