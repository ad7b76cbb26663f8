from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VotesConfig(AppConfig):
    name = "disclosures.votes"
    label = "votes"
    verbose_name = _("业主共同决定表决")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from committees.elections.signals import (
            candidate_withdrawal_requested,
            candidate_withdrawn,
            election_cancel_requested,
        )
        from estates.selectors import public_compound_flags

        from . import duties, stats  # noqa: F401  (register the duties and the vote figures)
        from .election_cancel import refuse_cancel_while_vote_live
        from .selectors import public_vote_flags
        from .withdrawals import refuse_withdrawal_under_way, remove_from_draft_ballots

        # The public compound query learns whether a vote has anything to show.
        public_compound_flags(public_vote_flags)
        # A candidate withdrawn after their election's vote is set up (DOMAIN 2.4, 1.9).
        candidate_withdrawal_requested.connect(
            refuse_withdrawal_under_way, dispatch_uid="votes.withdrawal.refuse"
        )
        candidate_withdrawn.connect(
            remove_from_draft_ballots, dispatch_uid="votes.withdrawal.remove"
        )
        # An election cancelled while its vote is being organised (DOMAIN 1.9).
        election_cancel_requested.connect(
            refuse_cancel_while_vote_live, dispatch_uid="votes.election_cancel.refuse"
        )
