"""Create the pending regular report of every period that has ended, for every active
committee (DOMAIN 11.3); run daily (cron or a scheduled task). Periods already present are
left alone, so running it again changes nothing."""

from __future__ import annotations

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from committees.models import Committee
from disclosures.filings.rules import RuleBook
from disclosures.filings.services import report_schedule_ensure


class Command(BaseCommand):
    help = "为在任业委会/物委会生成已届满报告期的定期报告（待提交）。"

    def add_arguments(self, parser):
        parser.add_argument("--until", help="截至日期（YYYY-MM-DD），默认今天")

    def handle(self, *args, until=None, **options):
        try:
            day = date.fromisoformat(until) if until else timezone.localdate()
        except ValueError as error:
            raise CommandError(f"日期格式应为YYYY-MM-DD：{until}") from error
        book = RuleBook.load()
        created = 0
        committees = Committee.objects.filter(is_active=True).select_related("compound")
        for committee in committees.iterator():
            created += report_schedule_ensure(
                committee=committee,
                until=day,
                rules=book.for_path(committee.compound.region_path),
            )
        self.stdout.write(f"新生成定期报告 {created} 份。")
