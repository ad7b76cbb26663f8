from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "disclosures.votes"
    label = "votes"
    verbose_name = _("业主共同决定表决")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from estates.selectors import public_compound_flags

        from . import duties, stats  # noqa: F401  (register the duties and the vote figures)
        from .selectors import public_vote_flags

        # The public compound query learns whether a vote has anything to show.
        public_compound_flags(public_vote_flags)
