"""A candidate withdrawn after the owners' vote on their election has been set up.

The ballot of an election vote lists the candidates who passed the joint review
(:func:`disclosures.votes.elections.election_vote_create`). What a withdrawal does to it
depends on whether the ballot has gone out to the owners:

- **The vote is still a draft** (not opened, so no electorate, no ballot sheet, no
  notice): the candidate's item leaves the ballot and the others close up, in the same
  transaction as the withdrawal, with an audit entry on the vote. The ballot lists only
  candidates still standing (DOMAIN 2.4: the candidate list published to owners; §9: only
  those who passed the review).
- **The vote has been opened** (electorate frozen, ballot sheets printed with every
  candidate, the notice to follow or out) or has closed or been counted: the withdrawal is
  refused with the reason, before anything is written. Owners vote on the ballot they
  received (DOMAIN 2.2–2.3: notice and a form to every owner; 2.4: candidates published 15
  days ahead), and every ballot is kept as cast (DOMAIN 1.9), so the candidate list cannot
  change under a vote. To take a candidate off after opening, the organisers cancel the
  vote (its ballots are kept), withdraw the candidate and set up a new vote, which lists
  only the candidates still standing. A candidate elected and then unwilling to serve
  resigns as a member (DOMAIN 4.2) instead.

A cancelled vote is left as it was. The two receivers answer the signals of
:mod:`committees.elections.signals`; :class:`disclosures.votes.apps.VotesConfig` connects
them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from .choices import VoteStatus
from .models import ElectionItem, Vote

MSG_VOTE_UNDER_WAY = _(
    "选举表决“%(vote)s”已开启（%(state)s），选票已列有“%(name)s”，不能退出候选；"
    "确须退出的，请先取消该表决，再以仍在候选的人重新发起选举表决。"
)
MSG_VOTE_OVER = _("选举表决“%(vote)s”已截止投票（%(state)s），“%(name)s”不能再退出候选。")

# Registered with the votes' other audit actions (services.LOG_ACTIONS).
ACTION_ITEM_REMOVED = "votes.vote.candidate_withdrawn"


def _live_votes(candidate) -> QuerySet[Vote]:
    """The votes, not cancelled, whose ballot lists ``candidate``, row-locked until the
    withdrawal's transaction ends (so none of them opens in between)."""
    return (
        Vote.objects.select_for_update()
        .filter(pk__in=ElectionItem.objects.filter(candidate_id=candidate.pk).values("vote_id"))
        .exclude(status=VoteStatus.CANCELLED)
        .order_by("pk")
    )


def _refuse_unless_draft(vote: Vote, candidate) -> None:
    if vote.status == VoteStatus.DRAFT:
        return
    params = {"vote": vote.title, "name": candidate.name, "state": vote.get_status_display()}
    if vote.status == VoteStatus.OPEN:
        raise ValidationError(MSG_VOTE_UNDER_WAY, code="vote_under_way", params=params)
    raise ValidationError(MSG_VOTE_OVER, code="vote_over", params=params)


def refuse_withdrawal_under_way(sender, *, candidate, **kwargs) -> None:
    """The withdraw transition's guard (DOMAIN 2.2–2.4, 1.9): refused once a vote listing
    the candidate has been opened."""
    for vote in _live_votes(candidate):
        _refuse_unless_draft(vote, candidate)


def remove_from_draft_ballots(sender, *, candidate, actor, reason: str = "", **kwargs) -> None:
    """After the withdrawal, in its transaction: each draft vote drops the candidate's item
    and numbers the rest 1, 2, … in their order (DOMAIN 2.4), with an audit entry."""
    for vote in _live_votes(candidate):
        _refuse_unless_draft(vote, candidate)  # the guard has already refused any other
        item = vote.items.get(candidate_id=candidate.pk)
        item.delete()  # a draft has no ballots, so no mark refers to it
        remaining = list(vote.items.order_by("order"))
        # Ascending, so each new number is free when it is taken (item_unique_order).
        for order, other in enumerate(remaining, start=1):
            if other.order != order:
                other.order = order
                other.save(update_fields=["order"])
        vote.save(update_fields=["updated_at"])
        log(
            instance=vote,
            action=ACTION_ITEM_REMOVED,
            user=actor,
            data={
                "candidate": candidate.pk,
                "name": item.name,
                "reason": reason,
                "candidates": [other.name for other in remaining],
            },
        )
