"""Import a registry sheet (CSV or XLSX): all rows or none."""

import sys
import time

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from estates.importing import RegistryFileError, community_resolve, read_upload, registry_parse
from estates.loading import registry_rows_apply


class Command(BaseCommand):
    help = "导入房屋业主登记表（CSV 或 XLSX，每行一户一业主）；有任何错误行则整表不导入。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--community", help="社区名称或编码（表中无“社区”列时使用）")
        parser.add_argument("--user", help="按该用户的管辖范围校验（用户名）")

    def handle(self, *args, file, community=None, user=None, **options):
        started = time.monotonic()
        try:
            region = community_resolve(community) if community else None
            acting = None
            if user:
                try:
                    acting = get_user_model().objects.get(username=user)
                except get_user_model().DoesNotExist:
                    raise CommandError(_("用户“%(user)s”不存在。") % {"user": user}) from None
            data, name = read_upload(file)

            def progress(done: int, total: int) -> None:
                sys.stderr.write(
                    "\r" + _("校验 %(done)s/%(total)s") % {"done": done, "total": total}
                )
                sys.stderr.flush()

            result = registry_parse(
                data, name=name, community=region, user=acting, progress=progress
            )
        except RegistryFileError as error:
            raise CommandError(error.message) from None
        except FileNotFoundError:
            raise CommandError(_("找不到文件：%(file)s") % {"file": file}) from None
        sys.stderr.write("\n")
        if not result.ok:
            for e in result.errors:
                self.stderr.write(_("第%(row)s行 [%(column)s] %(message)s") % e)
            raise CommandError(
                _("%(bad)s 处错误，共 %(total)s 行，未导入任何数据。")
                % {"bad": len(result.errors), "total": result.total_rows}
            )
        counts = registry_rows_apply(
            result.rows,
            progress=lambda stage: sys.stderr.write(_("写入 %(stage)s") % {"stage": stage} + "\n"),
        )
        summary = ", ".join(f"{k}={v}" for k, v in counts.as_dict().items())
        self.stdout.write(
            _("已导入 %(total)s 行（%(seconds).1f 秒）：%(summary)s")
            % {
                "total": result.total_rows,
                "seconds": time.monotonic() - started,
                "summary": summary,
            }
        )
