from django.db import models
from django.utils.translation import gettext_lazy as _


class CommitteeKind(models.TextChoices):
    OWNERS = "owners", _("业主委员会")  # 业委会, DOMAIN §3
    MANAGEMENT = "management", _("物业管理委员会")  # 物委会, DOMAIN §7


class Position(models.TextChoices):
    CHAIR = "chair", _("主任")
    VICE_CHAIR = "vice_chair", _("副主任")
    MEMBER = "member", _("委员")
    RESERVE = "reserve", _("候补委员")


class LeaveReason(models.TextChoices):
    """Why a member left (DOMAIN 4.2 automatic end, 4.3 removal, 3.8 term change)."""

    NOT_OWNER = "not_owner", _("不再是业主")
    RESIGNED = "resigned", _("书面辞职")
    HEALTH = "health", _("因健康原因无法履职")
    INCAPACITY = "incapacity", _("丧失民事行为能力或人身自由")
    REMOVED = "removed", _("被罢免")
    TERM_ENDED = "term_ended", _("任期届满")
    DECEASED = "deceased", _("死亡")


class PartyStatus(models.TextChoices):
    NONE = "none", _("非党员")
    FORMAL = "formal", _("正式党员")
    PROBATIONARY = "probationary", _("预备党员")


class CrossAppointment(models.TextChoices):
    """交叉任职 (DOMAIN 8.3)."""

    NONE = "", _("无")
    COMMUNITY_COMMITTEE = "community_committee", _("社区“两委”成员")
    BRANCH_SECRETARY = "branch_secretary", _("党支部书记兼任主任（一肩挑）")
    COMMUNITY_PARTY_PART_TIME = "community_party", _("兼任社区党组织委员")


class BranchKind(models.TextChoices):
    """DOMAIN 8.1 (own or joint branch) and 8.4 (red property: branch, joint branch or instructor)."""

    COMMITTEE = "committee", _("业委会（物委会）党支部")
    JOINT = "joint", _("联合党支部")
    COMPANY = "company", _("物业企业党支部")
    INSTRUCTOR = "instructor", _("党建指导员")


class ArchiveKind(models.TextChoices):
    """What the committee's archive holds (DOMAIN 3.6)."""

    MINUTES = "minutes", _("会议记录")
    DECISION = "decision", _("决定")
    RULES = "rules", _("议事规则")
    COVENANT = "covenant", _("管理规约")
    CONTRACT = "contract", _("物业服务合同")
    ELECTION = "election", _("选举及备案材料")
    ACCOUNTS = "accounts", _("资金账目")
    OWNER_REGISTER = "owner_register", _("业主名册")
    OPINIONS = "opinions", _("业主意见建议")


class ElectionStatus(models.TextChoices):
    DRAFT = "draft", _("筹备中")
    NOMINATING = "nominating", _("提名中")
    VETTING = "vetting", _("资格联审中")
    PUBLISHED = "published", _("候选人已公示")
    HELD = "held", _("已选举")
    CANCELLED = "cancelled", _("已取消")


class CandidateStatus(models.TextChoices):
    NOMINATED = "nominated", _("已提名")
    UNDER_REVIEW = "under_review", _("联审中")
    PASSED = "passed", _("联审通过")
    FAILED = "failed", _("联审未通过")
    WITHDRAWN = "withdrawn", _("已退出")


class ReviewStatus(models.TextChoices):
    PENDING = "pending", _("待审查")
    PASSED = "passed", _("通过")
    FAILED = "failed", _("不通过")
    FLAGGED = "flagged", _("提示关注")


class ReviewSource(models.TextChoices):
    DEPARTMENT = "department", _("部门审查")
    AUTOMATIC = "automatic", _("系统自动比对")


class FindingCategory(models.TextChoices):
    """Reason categories only: findings themselves are sensitive (DOMAIN §9)."""

    NONE = "", _("无")
    NOT_OWNER = "not_owner", _("非本小区业主")
    CRIMINAL = "criminal", _("刑事案件或刑罚记录")
    CULT_OR_GANG = "cult_or_gang", _("邪教或涉黑涉恶")
    DEFAULTER = "defaulter", _("失信被执行人或严重失信")
    CONFLICT = "conflict", _("与物业企业存在利害关系")
    PETITION = "petition", _("组织非法集体上访")
    DISCIPLINE = "discipline", _("党纪处分或正在审查")
    BUILDING = "building", _("违法建设或违规使用房屋")
    FEE_ARREARS = "fee_arrears", _("欠缴物业费（仅提示）")
    NEGATIVE_LIST = "negative_list", _("负面清单在册")
    OTHER = "other", _("其他")
