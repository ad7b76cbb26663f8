from django.db import models
from django.utils.translation import gettext_lazy as _

from . import tally


class VoteStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    OPEN = "open", _("表决中")
    CLOSED = "closed", _("表决已截止")
    COUNTED = "counted", _("已计票")
    CANCELLED = "cancelled", _("已取消")


class BallotChoice(models.TextChoices):
    AGREE = tally.AGREE, _("同意")
    OPPOSE = tally.OPPOSE, _("反对")
    ABSTAIN = tally.ABSTAIN, _("弃权")


class BallotSource(models.TextChoices):
    ENTERED = "entered", _("逐张录入")
    IMPORTED = "imported", _("文件导入")


class Outcome(models.TextChoices):
    PASSED = "passed", _("通过")
    REJECTED = "rejected", _("未通过")
    NO_QUORUM = "no_quorum", _("参与表决未达法定比例，未通过")
