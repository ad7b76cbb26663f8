"""Print governance figures for a region's subtree (JSON or text)."""

import json

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from estates.stats import RegionNotFound, governance_stats, region_find


class Command(BaseCommand):
    help = "统计某区域（含下级）的小区、楼栋、房屋、业主、物业企业、网格、红色物业等数量。"

    def add_arguments(self, parser):
        parser.add_argument("--region", required=True, help="区划代码、全称或简称，如 文山州")
        parser.add_argument("--format", choices=["json", "text"], default="text")

    def handle(self, *args, region, format, **options):
        try:
            found = region_find(region)
        except RegionNotFound:
            raise CommandError(
                _("找不到区域“%(region)s”（或名称不唯一），请使用区划代码。") % {"region": region}
            ) from None
        figures = governance_stats(found)
        if format == "json":
            payload = {"region": {"code": found.code, "name": found.name}, **figures}
            self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))
            return
        self.stdout.write(f"{found.name}（{found.code}）")
        for key, value in figures.items():
            self.stdout.write(f"  {key:<24} {value}")
