"""Recompute every compound's notice fingerprint chain and name the first broken link."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from estates.models import Region

from ...fingerprints import verify_chain


class Command(BaseCommand):
    help = "重新计算各小区公示指纹链，指出第一处断链。"

    def add_arguments(self, parser):
        parser.add_argument("--region", help="只检查该区域（行政区划代码）下的小区", default=None)

    def handle(self, *args, region=None, **options):
        path = None
        if region:
            found = Region.objects.filter(code=region).first()
            if found is None:
                raise CommandError(f"未找到区域：{region}")
            path = found.path
        checked, broken = verify_chain(region_path=path)
        if broken is not None:
            raise CommandError(f"指纹链断开：{broken}（此前 {checked} 条核验无误）")
        self.stdout.write(f"指纹链完整：共核验 {checked} 条公示。")
