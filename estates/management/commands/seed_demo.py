"""Build the demo: 文山州 (873 compounds) or all of 云南省 (18,800), deterministically."""

import time

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from estates import demo
from estates.models import Compound
from estates.services import roles_sync


class Command(BaseCommand):
    help = "生成演示数据（固定随机种子，可重复）：文山州 873 个小区，或 --scale province 全省。"

    def add_arguments(self, parser):
        parser.add_argument("--scale", choices=["wenshan", "province"], default="wenshan")
        parser.add_argument(
            "--compounds", type=int, default=None, help="只生成文山州前 N 个小区（用于测试）"
        )
        parser.add_argument("--if-empty", action="store_true", help="已有数据时只打印登录账号")

    def handle(self, *args, scale, compounds, if_empty, **options):
        started = time.monotonic()
        if if_empty and Compound.objects.exists():
            self.stdout.write(_("已有数据，跳过生成。"))
        else:
            plans = demo.province_plans() if scale == "province" else [demo.wenshan_plan()]
            for plan in plans:
                t0 = time.monotonic()
                limit = compounds if plan.code == demo.WENSHAN[0] else None
                counts = demo.prefecture_seed(plan, limit=limit, log=self.stderr.write)
                self.stderr.write(
                    f"{plan.regions[0].name}: {counts.compounds_created} {_('个小区')}, "
                    f"{counts.units_created} {_('套房屋')}, {counts.owners_created} {_('名业主')} "
                    f"({time.monotonic() - t0:.1f}s)"
                )
        with transaction.atomic():
            roles_sync()
            logins = demo.demo_users_ensure()
        self.stdout.write(_("演示账号（密码均为 %(pw)s）：") % {"pw": demo.DEMO_PASSWORD})
        for username, role, target in logins:
            self.stdout.write(f"  {username:<8} {role}（{target}）")
        self.stdout.write(_("用时 %(s).1f 秒。") % {"s": time.monotonic() - started})
