"""What the running system records about itself."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class WorkerHeartbeat(models.Model):
    """One running task worker (``manage.py db_worker``): it rewrites ``seen_at`` every
    ``WORKER_HEARTBEAT_SECONDS`` and deletes its row when it stops cleanly. A row not
    seen for ``WORKER_HEARTBEAT_STALE_SECONDS`` is a worker that died (/readyz)."""

    worker_id = models.CharField(_("处理程序编号"), max_length=64, primary_key=True)
    hostname = models.CharField(_("主机"), max_length=255)
    pid = models.PositiveIntegerField(_("进程号"))
    started_at = models.DateTimeField(_("启动时间"))
    seen_at = models.DateTimeField(_("最近心跳"), db_index=True)

    class Meta:
        verbose_name = _("后台处理程序心跳")
        verbose_name_plural = _("后台处理程序心跳")

    def __str__(self) -> str:
        return f"{self.hostname}:{self.pid}"
