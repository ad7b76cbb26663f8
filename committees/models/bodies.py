"""Owners' committees (业委会), property management committees (物委会), their terms,
members, party branches, seals and archives."""

from __future__ import annotations

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.models import TimeStampedModel
from estates.models import Compound, Owner, PropertyCompany, Region, RegionPathMixin

from ..choices import (
    ArchiveKind,
    BranchKind,
    CommitteeKind,
    CrossAppointment,
    LeaveReason,
    PartyStatus,
    Position,
)

COMPOUND_SCOPE = ("compound__region_path", "compound_id")
BRANCH_MAX_MEMBERS = 50  # DOMAIN 8.1: at most 50 party members per branch
OWN_BRANCH_MIN = 3  # DOMAIN 8.1: 3 formal members registered in the community need a branch
MSG_BRANCH_SIZE = _("党支部党员人数不得超过50人。")


class Committee(TimeStampedModel):
    """A 业委会 or 物委会 of one compound. At most one is active per compound."""

    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="committees"
    )
    kind = models.CharField(_("类型"), max_length=12, choices=CommitteeKind.choices)
    set_size = models.PositiveSmallIntegerField(
        _("委员设定人数"), help_text=_("业委会为5至11人的单数。")
    )
    formed_on = models.DateField(_("成立日期"))
    is_active = models.BooleanField(_("在任"), default=True)
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("业委会/物委会")
        verbose_name_plural = pgettext_lazy("复数", "业委会/物委会")
        ordering = ["compound", "-formed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound"],
                condition=models.Q(is_active=True),
                name="committee_one_active_per_compound",
            )
        ]

    def __str__(self) -> str:
        return f"{self.compound.name}{self.get_kind_display()}"


class Term(TimeStampedModel):
    """One term (届) of a committee, with the dates its deadlines run from."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("委员会"), on_delete=models.CASCADE, related_name="terms"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    number = models.PositiveSmallIntegerField(_("届次"), validators=[MinValueValidator(1)])
    elected_on = models.DateField(_("选举日期"))
    starts_on = models.DateField(_("任期开始"))
    ends_on = models.DateField(_("任期届满"))
    first_meeting_on = models.DateField(_("首次会议日期"), null=True, blank=True)
    filed_on = models.DateField(_("备案日期"), null=True, blank=True)
    filing_reference = models.CharField(_("备案编号"), max_length=50, blank=True)
    handed_over_on = models.DateField(_("移交完成日期"), null=True, blank=True)

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("任期")
        verbose_name_plural = pgettext_lazy("复数", "任期")
        ordering = ["committee", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["committee", "number"], name="term_unique_number"),
            models.CheckConstraint(
                condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return _("第%(number)s届") % {"number": self.number}


class CommitteeMember(TimeStampedModel):
    term = models.ForeignKey(
        Term, verbose_name=_("任期"), on_delete=models.CASCADE, related_name="members"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        Owner,
        verbose_name=_("业主"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_seats",
        help_text=_("业委会委员必须是本小区业主；物委会的社区代表等可不填。"),
    )
    name = models.CharField(_("姓名"), max_length=50)
    position = models.CharField(_("职务"), max_length=12, choices=Position.choices)
    reserve_order = models.PositiveSmallIntegerField(
        _("候补顺序"), null=True, blank=True, help_text=_("按得票顺序递补。")
    )
    started_on = models.DateField(_("任职日期"))
    left_on = models.DateField(_("离任日期"), null=True, blank=True)
    leave_reason = models.CharField(
        _("离任原因"), max_length=12, choices=LeaveReason.choices, blank=True
    )
    handed_over_on = models.DateField(
        _("交接完成日期"),
        null=True,
        blank=True,
        help_text=_("离任委员3日内移交档案和印章。"),
    )
    party_status = models.CharField(
        _("政治面貌"), max_length=12, choices=PartyStatus.choices, default=PartyStatus.NONE
    )
    party_registered_in_community = models.BooleanField(_("组织关系在本社区"), default=False)
    cross_appointment = models.CharField(
        _("交叉任职"), max_length=20, choices=CrossAppointment.choices, blank=True
    )

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("委员")
        verbose_name_plural = pgettext_lazy("复数", "委员")
        ordering = ["term", "position", "reserve_order", "name"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_serving(self) -> bool:
        return self.left_on is None and self.position != Position.RESERVE


class PartyBranch(TimeStampedModel):
    """A party branch in a committee, a joint branch, a company branch or an assigned
    instructor (DOMAIN 8.1, 8.4 红色物业)."""

    kind = models.CharField(_("类型"), max_length=12, choices=BranchKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    compound = models.ForeignKey(
        Compound,
        verbose_name=_("小区"),
        on_delete=models.PROTECT,
        related_name="party_branches",
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("委员会"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_branches",
    )
    property_company = models.ForeignKey(
        PropertyCompany,
        verbose_name=_("物业服务企业"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="party_branches",
    )
    secretary = models.CharField(_("书记/指导员"), max_length=50, blank=True)
    member_count = models.PositiveSmallIntegerField(
        _("党员人数"),
        default=0,
        validators=[MaxValueValidator(BRANCH_MAX_MEMBERS, message=MSG_BRANCH_SIZE)],
    )
    founded_on = models.DateField(_("成立日期"))
    dissolved_on = models.DateField(_("撤销日期"), null=True, blank=True)

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("党组织")
        verbose_name_plural = pgettext_lazy("复数", "党组织")
        ordering = ["compound", "kind"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(member_count__lte=BRANCH_MAX_MEMBERS),
                name="partybranch_at_most_50_members",
                violation_error_message=MSG_BRANCH_SIZE,
            )
        ]

    def __str__(self) -> str:
        return self.name


class Seal(TimeStampedModel):
    """A committee seal, made only after filing, with one named keeper (DOMAIN 3.3, 3.6)."""

    committee = models.ForeignKey(
        Committee, verbose_name=_("委员会"), on_delete=models.CASCADE, related_name="seals"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("印章名称"), max_length=100)
    made_on = models.DateField(_("刻制日期"))
    keeper = models.ForeignKey(
        CommitteeMember,
        verbose_name=_("保管人"),
        on_delete=models.PROTECT,
        related_name="seals_kept",
    )
    returned_on = models.DateField(_("交回日期"), null=True, blank=True)

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("印章")
        verbose_name_plural = pgettext_lazy("复数", "印章")

    def __str__(self) -> str:
        return self.name


class ArchiveRecord(TimeStampedModel):
    committee = models.ForeignKey(
        Committee, verbose_name=_("委员会"), on_delete=models.CASCADE, related_name="archive"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    kind = models.CharField(_("档案类别"), max_length=16, choices=ArchiveKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    dated_on = models.DateField(_("日期"))
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("档案")
        verbose_name_plural = pgettext_lazy("复数", "档案")
        ordering = ["committee", "-dated_on"]

    def __str__(self) -> str:
        return self.title


WEEKDAYS = (_("周一"), _("周二"), _("周三"), _("周四"), _("周五"), _("周六"), _("周日"))


class CalendarDay(models.Model):
    """An exception to the Monday–Friday working week: a public holiday (rest day) or a
    make-up working day (调休上班). Deadlines move off rest days (DOMAIN 1.10)."""

    date = models.DateField(
        _("日期"),
        unique=True,
        error_messages={"unique": _("该日期已登记，请修改原记录。")},
    )
    is_rest_day = models.BooleanField(
        _("休息日"), help_text=_("勾选为法定节假日（休息）；不勾选为调休上班日。")
    )
    note = models.CharField(_("说明"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("节假日与调休")
        verbose_name_plural = pgettext_lazy("复数", "节假日与调休")
        ordering = ["date"]

    @classmethod
    def jurisdiction_q(cls, jurisdiction) -> models.Q:
        """The calendar is national: anyone with a grant may read it; who may edit it is
        decided by the model permissions (platform administrators)."""
        return models.Q()

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.note}"

    @property
    def weekday_label(self) -> str:
        return str(WEEKDAYS[self.date.weekday()])


class RuleProfile(RegionPathMixin, models.Model):
    """Local rules a region may set for itself and everything under it; the nearest
    ancestor's profile applies, national defaults where none exists (DOMAIN L rules)."""

    region = models.OneToOneField(
        Region, verbose_name=_("适用区域"), on_delete=models.CASCADE, related_name="rule_profile"
    )
    region_path = models.CharField(max_length=255, editable=False)
    small_committee_allowed = models.BooleanField(
        _("允许3人业委会"),
        default=False,
        help_text=_("杭州：100户以下小区可设3人业委会。"),
    )
    small_committee_max_households = models.PositiveIntegerField(
        _("3人业委会户数上限"), default=100
    )
    management_min_size = models.PositiveSmallIntegerField(
        _("物委会最少人数"), default=7, help_text=_("北京7人，广州9人。")
    )
    management_owner_share = models.DecimalField(
        _("物委会业主代表最低比例"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    party_share_target = models.DecimalField(
        _("业委会党员比例目标"),
        max_digits=3,
        decimal_places=2,
        default=Decimal("0.50"),
        validators=[MinValueValidator(0), MaxValueValidator(1)],
        help_text=_("政策目标，不足时仅预警。"),
    )
    term_change_lead_months = models.PositiveSmallIntegerField(
        _("换届提前启动月数"), default=3, help_text=_("全国3个月，深圳6个月。")
    )
    # DOMAIN 7.2 (Beijing): off by default, the national rules set neither.
    management_owner_share_required = models.BooleanField(
        _("检查物委会业主代表比例"),
        default=False,
        help_text=_("北京：物委会中业主委员不少于委员人数的一半（比例见上）。"),
    )
    management_community_chair = models.BooleanField(
        _("物委会主任由居委会代表担任"),
        default=False,
        help_text=_("北京：主任由居民委员会代表担任，副主任由业主担任。"),
    )

    class Meta:
        verbose_name = _("地方规则")
        verbose_name_plural = pgettext_lazy("复数", "地方规则")
        ordering = ["region_path"]

    jurisdiction_fields = ("region_path", None)

    def __str__(self) -> str:
        return str(self.region)
