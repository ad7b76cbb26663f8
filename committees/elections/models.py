"""Elections, candidates and the joint qualification review of candidates (资格联审)."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.models import TimeStampedModel
from estates.choices import DepartmentKind
from estates.models import Compound, Department, Owner, Region, RegionPathMixin

from ..choices import (
    CandidateStatus,
    CommitteeKind,
    ElectionStatus,
    FindingCategory,
    PartyStatus,
    Position,
    ReviewSource,
    ReviewStatus,
)
from ..models.bodies import COMPOUND_SCOPE, Committee, Term


class Election(TimeStampedModel):
    """An election of a committee term (first election or 换届, DOMAIN 2.4, 3.8)."""

    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="elections"
    )
    committee = models.ForeignKey(
        Committee,
        verbose_name=_("委员会"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="elections",
        help_text=_("换届选举时填写；首次选举为空。"),
    )
    kind = models.CharField(_("委员会类型"), max_length=12, choices=CommitteeKind.choices)
    term_number = models.PositiveSmallIntegerField(_("届次"), validators=[MinValueValidator(1)])
    seats = models.PositiveSmallIntegerField(_("应选人数"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ElectionStatus.choices, default=ElectionStatus.DRAFT
    )
    started_on = models.DateField(_("启动日期"))
    review_due_on = models.DateField(_("联审截止日期"), null=True, blank=True)
    planned_on = models.DateField(_("计划选举日期"), null=True, blank=True)
    held_on = models.DateField(_("选举日期"), null=True, blank=True)
    # The public candidate notice (候选人公示, DOMAIN 2.4: candidates are published 15 days
    # before the election), filled in when the list is published.
    notice_from = models.DateField(_("公示开始日期"), null=True, blank=True)
    notice_until = models.DateField(_("公示截止日期"), null=True, blank=True)
    issued_by = models.CharField(
        _("发布单位"),
        max_length=100,
        blank=True,
        help_text=_("如：开化街道党工委、东方社区党委。"),
    )
    objection_place = models.CharField(
        _("异议受理地点"),
        max_length=200,
        blank=True,
        help_text=_("业主对候选人有异议时，书面提出的地点，如：东方社区党群服务中心二楼。"),
    )
    objection_phone = models.CharField(_("异议受理电话"), max_length=30, blank=True)
    objection_until = models.DateField(_("异议受理截止日期"), null=True, blank=True)
    # The checks the joint review had to answer, fixed when vetting started (DOMAIN §9):
    # every candidate's verdict needs a department answer for each of them.
    review_categories = models.JSONField(_("联审事项"), null=True, blank=True, editable=False)
    # The term this election produced: its members are the election's passed candidates.
    term = models.OneToOneField(
        Term,
        verbose_name=_("产生的任期"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.PROTECT,
        related_name="election",
    )

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("选举")
        verbose_name_plural = pgettext_lazy("复数", "选举")
        ordering = ["-started_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["compound"],
                condition=~models.Q(status__in=["held", "cancelled"]),
                name="election_one_open_per_compound",
            )
        ]
        permissions = [("manage_election", _("组织选举和资格联审"))]

    def __str__(self) -> str:
        return f"{self.compound.name}{self.get_kind_display()}第{self.term_number}届选举"


class Candidate(TimeStampedModel):
    """A nominated candidate; must be an owner in the compound (DOMAIN 4.1)."""

    election = models.ForeignKey(
        Election, verbose_name=_("选举"), on_delete=models.CASCADE, related_name="candidates"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    owner = models.ForeignKey(
        Owner, verbose_name=_("业主"), on_delete=models.PROTECT, related_name="candidacies"
    )
    name = models.CharField(_("姓名"), max_length=50)
    position_sought = models.CharField(
        _("拟任职务"), max_length=12, choices=Position.choices, default=Position.MEMBER
    )
    party_status = models.CharField(
        _("政治面貌"), max_length=12, choices=PartyStatus.choices, default=PartyStatus.NONE
    )
    nominated_on = models.DateField(_("提名日期"))
    nomination_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("提名材料"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(
        _("状态"),
        max_length=12,
        choices=CandidateStatus.choices,
        default=CandidateStatus.NOMINATED,
    )
    concluded_on = models.DateField(_("联审结论日期"), null=True, blank=True)

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("候选人")
        verbose_name_plural = pgettext_lazy("复数", "候选人")
        ordering = ["election", "name"]
        constraints = [
            models.UniqueConstraint(fields=["election", "owner"], name="candidate_unique_owner")
        ]
        permissions = [("view_candidate_findings", _("查看联审结果明细"))]

    def __str__(self) -> str:
        return self.name


class ReviewCheck(RegionPathMixin, models.Model):
    """A configurable check one kind of department makes in a region and its subtree
    (DOMAIN §9: no national list). ``flag_only`` checks can never fail a candidate
    (fee arrears, DOMAIN 9 and E12)."""

    region = models.ForeignKey(
        Region, verbose_name=_("适用区域"), on_delete=models.CASCADE, related_name="review_checks"
    )
    region_path = models.CharField(max_length=255, editable=False)
    department_kind = models.CharField(
        _("审查部门类别"), max_length=12, choices=DepartmentKind.choices
    )
    category = models.CharField(_("审查事项类别"), max_length=16, choices=FindingCategory.choices)
    description = models.CharField(_("审查内容"), max_length=200)
    flag_only = models.BooleanField(_("仅提示"), default=False)
    due_days = models.PositiveSmallIntegerField(_("办理时限（日）"), default=10)
    is_active = models.BooleanField(_("启用"), default=True)

    jurisdiction_fields = ("region_path", None)

    class Meta:
        verbose_name = _("联审事项")
        verbose_name_plural = pgettext_lazy("复数", "联审事项")
        ordering = ["region_path", "department_kind", "category"]

    def __str__(self) -> str:
        return self.description


class CandidateReview(TimeStampedModel):
    """One department's (or the system's automatic) finding on one candidate. Only the
    result, category, date and reviewer are stored (DOMAIN §9)."""

    candidate = models.ForeignKey(
        Candidate, verbose_name=_("候选人"), on_delete=models.CASCADE, related_name="reviews"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    source = models.CharField(
        _("来源"), max_length=12, choices=ReviewSource.choices, default=ReviewSource.DEPARTMENT
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("审查部门"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="candidate_reviews",
    )
    status = models.CharField(
        _("审查结果"), max_length=10, choices=ReviewStatus.choices, default=ReviewStatus.PENDING
    )
    category = models.CharField(
        _("原因类别"), max_length=16, choices=FindingCategory.choices, blank=True
    )
    due_on = models.DateField(_("办理期限"))
    # The checks this department answers for, fixed when vetting started (DOMAIN §9):
    # category → flag only. A negative answer must name one of them.
    checks = models.JSONField(_("审查事项"), null=True, blank=True, editable=False)
    answered_on = models.DateField(_("审查日期"), null=True, blank=True)
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审查人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )

    class Meta:
        verbose_name = _("联审意见")
        verbose_name_plural = pgettext_lazy("复数", "联审意见")
        ordering = ["candidate", "source", "department"]
        constraints = [
            models.UniqueConstraint(
                fields=["candidate", "department"],
                condition=models.Q(source="department"),
                name="review_one_per_department",
            ),
            models.UniqueConstraint(
                fields=["candidate", "category"],
                condition=models.Q(source="automatic"),
                name="review_one_automatic_per_category",
            ),
        ]
        permissions = [("review_candidate", _("填写候选人联审意见"))]

    def __str__(self) -> str:
        return f"{self.candidate_id}:{self.department_id or self.source}"

    @property
    def check_categories(self) -> frozenset[str]:
        return frozenset(self.checks or {})

    @property
    def flag_only_categories(self) -> frozenset[str]:
        return frozenset(c for c, flag_only in (self.checks or {}).items() if flag_only)

    @classmethod
    def jurisdiction_q(cls, jurisdiction) -> models.Q:
        """Reviews are visible in the compound's jurisdiction; department reviewers are
        further limited to their own departments by committees.selectors."""
        return jurisdiction.q("compound__region_path", "compound_id")
