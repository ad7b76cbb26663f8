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


class PublicationStage(models.TextChoices):
    """What of the vote has been made public on the compound's page (issue item 6)."""

    NONE = "none", _("未公布")
    NOTICE = "notice", _("已公告表决")
    PRELIMINARY = "preliminary", _("已公布初步结果")
    FINAL = "final", _("已公布最终结果")


class ObjectionStatus(models.TextChoices):
    LODGED = "lodged", _("已登记")
    ANSWERED = "answered", _("已答复")
