"""Print a vote's exact tally (DOMAIN 1.3–1.8) from its frozen electorate and ballots."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from disclosures.votes.choices import VoteStatus
from disclosures.votes.elections import election_result, election_result_text
from disclosures.votes.models import Vote
from disclosures.votes.selectors import vote_result, vote_result_text, vote_tally


class Command(BaseCommand):
    help = "Print the tally of a vote: totals, participation and approval on both measures, thresholds, shortfalls and the decision."

    def add_arguments(self, parser):
        parser.add_argument("vote_id", type=int)
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, vote_id: int, format: str, **options):
        vote = Vote.objects.select_related("compound").filter(pk=vote_id).first()
        if vote is None:
            raise CommandError(_("没有编号为%(id)d的表决。") % {"id": vote_id})
        if vote.status in (VoteStatus.DRAFT, VoteStatus.CANCELLED) or not vote.electorate.exists():
            raise CommandError(_("该表决尚未开启，没有表决业主名册。"))
        data = vote_result(vote, vote_tally(vote))
        data["status"] = vote.status
        if vote.election_id:
            data["election"] = election_result(vote)
        if format == "json":
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
        else:
            if vote.election_id:
                # Participation is ballot-wide; approval and the outcome are per candidate.
                election = data["election"]
                shown = {
                    **data,
                    "by_choice": {},
                    "checks": [c for c in data["checks"] if c["key"].startswith("quorum")],
                    "decision": (
                        _("当选：%(names)s") % {"names": "、".join(election["elected_names"])}
                        if election["elected_names"]
                        else _("无人当选")
                    ),
                }
                self.stdout.write(vote_result_text(shown))
                self.stdout.write(election_result_text(election))
            else:
                self.stdout.write(vote_result_text(data))
