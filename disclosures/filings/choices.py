from django.db import models
from django.utils.translation import gettext_lazy as _


class MatterType(models.TextChoices):
    """Matters filed before an owners' vote: CC 278 (DOMAIN 1.2) and the local pre-notice
    list (DOMAIN 11.2)."""

    HIRE_COMPANY = "hire_company", _("选聘物业服务企业")
    RENEW_COMPANY = "renew_company", _("续聘物业服务企业")
    DISMISS_COMPANY = "dismiss_company", _("解聘物业服务企业")
    USE_FUND = "use_fund", _("使用专项维修资金")
    RAISE_FUND = "raise_fund", _("筹集专项维修资金")
    REBUILD = "rebuild", _("改建、重建建筑物及其附属设施")
    CHANGE_USE = "change_use", _("改变共有部分用途或利用共有部分从事经营活动")
    COMMON_INCOME = "common_income", _("大额支出共有部分收益")
    PROCEDURE_RULES = "procedure_rules", _("制定和修改业主大会议事规则")
    COVENANT = "covenant", _("制定和修改管理规约")
    ELECT_MEMBERS = "elect_members", _("选举或更换业主委员会委员")
    OTHER = "other", _("其他重大事项")


# DOMAIN 1.4: items 6–8 of CC 278 need 3/4 of the participants on both measures.
SUPERMAJORITY_MATTERS = frozenset(
    {MatterType.RAISE_FUND, MatterType.REBUILD, MatterType.CHANGE_USE}
)
# Matters that name an amount of money (maintenance funds, common income).
AMOUNT_MATTERS = frozenset({MatterType.USE_FUND, MatterType.RAISE_FUND, MatterType.COMMON_INCOME})


class ScopeKind(models.TextChoices):
    """Who votes (DOMAIN 1.7)."""

    COMPOUND = "compound", _("全体业主")
    BUILDINGS = "buildings", _("部分楼栋业主")
    COST_SHARING = "cost_sharing", _("维修资金列支范围内业主")


class FilingStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("待社区审核")
    APPROVED = "approved", _("社区已同意，待街道接收")
    RETURNED = "returned", _("已退回修改")
    ACCEPTED = "accepted", _("街道已接收")
    WITHDRAWN = "withdrawn", _("已撤回")


class ReviewDecision(models.TextChoices):
    APPROVED = "approved", _("同意")
    RETURNED = "returned", _("退回")


class ReportStatus(models.TextChoices):
    PENDING = "pending", _("待提交")
    SUBMITTED = "submitted", _("待社区审阅")
    APPROVED = "approved", _("已审阅")
    RETURNED = "returned", _("已退回")
