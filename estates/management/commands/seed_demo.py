"""Build the demo: 文山州 (873 compounds) or all of 云南省 (18,800), deterministically.

Other apps add their demo data through a ``seed_demo(plans=..., log=...)`` function in
their own ``demo`` module (e.g. committees.demo), called after the registry and the demo
logins exist; estates never imports them directly."""

import importlib
import importlib.util
import time

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import connection, transaction
from django.utils.translation import gettext as _

from estates import demo
from estates.models import Compound
from estates.services import roles_sync
from estates.stats import RegionNotFound, governance_stats, region_find


def seed_extensions():
    """``seed_demo`` functions of the other installed apps' ``demo`` modules."""
    for config in apps.get_app_configs():
        name = f"{config.name}.demo"
        if config.name == "estates" or importlib.util.find_spec(name) is None:
            continue
        hook = getattr(importlib.import_module(name), "seed_demo", None)
        if callable(hook):
            yield hook


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
        plans = []
        if if_empty and Compound.objects.exists():
            self.stdout.write(_("已有数据，跳过生成。"))
        else:
            plans = demo.province_plans() if scale == "province" else [demo.wenshan_plan()]
            for plan in plans:
                t0 = time.monotonic()
                limit = compounds if plan.code == demo.WENSHAN[0] else None
                counts = demo.prefecture_seed(plan, limit=limit, log=self.stderr.write)
                self.stderr.write(
                    _(
                        "%(region)s：%(compounds)s 个小区，%(units)s 套房屋，%(owners)s 名业主（%(s).1f 秒）"
                    )
                    % {
                        "region": plan.regions[0].name,
                        "compounds": counts.compounds_created,
                        "units": counts.units_created,
                        "owners": counts.owners_created,
                        "s": time.monotonic() - t0,
                    }
                )
        with transaction.atomic():
            roles_sync()
            logins = demo.demo_users_ensure()
        for hook in seed_extensions() if plans else ():
            t0 = time.monotonic()
            hook(plans=plans, log=self.stderr.write)
            self.stderr.write(f"{hook.__module__} ({time.monotonic() - t0:.1f}s)")
        if plans and connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")  # plans for the tables as they are now
        self.stdout.write(_("演示账号（密码均为 %(pw)s）：") % {"pw": demo.DEMO_PASSWORD})
        for username, role, target in logins:
            self.stdout.write(f"  {username:<8} {role}（{target}）")
        for code in [demo.WENSHAN[0]] + ([demo.PROVINCE[0]] if scale == "province" else []):
            try:
                region = region_find(code)
            except RegionNotFound:
                continue
            self.stdout.write(f"{region.name}:")
            for key, value in governance_stats(region).items():
                self.stdout.write(f"  {key:<32} {value:>9,}")
        self.stdout.write(_("用时 %(s).1f 秒。") % {"s": time.monotonic() - started})
