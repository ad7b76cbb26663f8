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


class StageFilingStatus(models.TextChoices):
    SENT = "sent", _("待街道签收")
    RECEIVED = "received", _("街道已签收")


class ObjectionStatus(models.TextChoices):
    LODGED = "lodged", _("已登记")
    ANSWERED = "answered", _("已答复")


class ElectionTieRule(models.TextChoices):
    """How an election of committee members ranks candidates who met the thresholds
    (DOMAIN 1.3–1.4) when there are more of them than seats; a local rule (L), set per
    region. Candidates still level on both measures at the last seat are not elected:
    that seat is filled by another round (另行选举), never by lot."""

    AREA_FIRST = "area_first", _("按同意的专有部分面积排序，面积相同按同意人数")
    HEADS_FIRST = "heads_first", _("按同意人数排序，人数相同按同意的专有部分面积")


class CandidateOutcome(models.TextChoices):
    ELECTED = "elected", _("当选")
    TIED = "tied", _("得票相同，须另行选举")
    NOT_ELECTED = "not_elected", _("达到当选票数，但名次在应选人数之外")
    BELOW_THRESHOLD = "below_threshold", _("未达到当选票数")
