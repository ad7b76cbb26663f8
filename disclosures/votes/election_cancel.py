"""An election cancelled while the owners' vote on it is being organised.

The vote is the committee's (votes.manage_vote); the election is the street's or the
community's (committees.manage_election). A cancellation of the election while its vote is
a draft or open would leave a vote running on an election that no longer exists, so it is
refused, naming the vote, until the committee has cancelled the vote (its ballots are
kept, DOMAIN 1.9). Once the vote has closed or been counted the election may be
cancelled; the vote stays as it was, a record of what the owners decided, and its result
can no longer seat anyone (the election is not published any more).

Answers :data:`committees.elections.signals.election_cancel_requested`;
:class:`disclosures.votes.apps.VotesConfig` connects it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .choices import VoteStatus
from .models import Vote

MSG_VOTE_BEING_ORGANISED = _(
    "该选举的业主表决“%(vote)s”%(state)s，选举不能取消；请业主委员会先取消该表决，再取消选举。"
)
STATE_WORDS = {
    VoteStatus.DRAFT: _("正在准备"),
    VoteStatus.OPEN: _("正在进行"),
}


def refuse_cancel_while_vote_live(sender, *, election, **kwargs) -> None:
    """The election's cancel guard: refused while a vote on it is a draft or open; the
    vote's row is locked until the cancellation's transaction ends, so it cannot open in
    between."""
    vote = (
        Vote.objects.select_for_update()
        .filter(election_id=election.pk, status__in=list(STATE_WORDS))
        .order_by("pk")
        .first()
    )
    if vote is not None:
        raise ValidationError(
            MSG_VOTE_BEING_ORGANISED,
            code="vote_being_organised",
            params={"vote": vote.title, "state": STATE_WORDS[vote.status]},
        )
