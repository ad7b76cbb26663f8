"""Major-decision filings (重大事项报备, DOMAIN §0.5, §11), their versions and reviews, the
local rules they follow, and committees' regular reports to the community (DOMAIN 11.3).

A filing belongs to one compound's committee. The committee drafts and submits it; the
community party organisation approves or returns it; the street receives it and issues a
receipt number (报备回执编号) unique per street and year. Every submitted version is kept.
Only :mod:`disclosures.filings.workflows` assigns the status fields.
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.models import TimeStampedModel
from estates.models import Building, Compound, Region, RegionPathMixin

from .choices import (
    AMOUNT_MATTERS,
    FilingStatus,
    MatterType,
    ReportStatus,
    ReviewDecision,
    ScopeKind,
)

COMPOUND_SCOPE = ("compound__region_path", "compound_id")
FILING_SCOPE = ("filing__compound__region_path", "filing__compound_id")


class FilingRules(RegionPathMixin, models.Model):
    """Local filing and report rules of a region and everything under it; the nearest
    ancestor's rules apply, the defaults below where none exists (DOMAIN 11.2, 11.3: local
    practice, so configurable)."""

    region = models.OneToOneField(
        Region, verbose_name=_("适用区域"), on_delete=models.CASCADE, related_name="filing_rules"
    )
    region_path = models.CharField(max_length=255, editable=False)
    notice_days = models.PositiveSmallIntegerField(
        _("报备提前天数"),
        default=15,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
        help_text=_("街道接收报备之日至表决开始之日至少相隔的天数。"),
    )
    large_fund_amount = models.DecimalField(
        _("大额维修资金标准（元）"),
        max_digits=14,
        decimal_places=2,
        default=Decimal("100000.00"),
        validators=[MinValueValidator(Decimal("0.01"))],
        help_text=_("使用专项维修资金达到该金额的，表决前须报备。"),
    )
    review_days = models.PositiveSmallIntegerField(
        _("社区审核期限（天）"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("自提交次日起算，期满日为休息日的顺延至下一个工作日。"),
    )
    report_interval_months = models.PositiveSmallIntegerField(
        _("定期报告周期（月）"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(12)],
        help_text=_("业委会向社区党组织定期报告的周期，默认每季度一次。"),
    )
    report_grace_days = models.PositiveSmallIntegerField(
        _("定期报告提交期限（天）"),
        default=15,
        validators=[MaxValueValidator(90)],
        help_text=_("报告期结束后多少天内提交。"),
    )

    jurisdiction_fields = ("region_path", None)

    class Meta:
        verbose_name = _("报备规则")
        verbose_name_plural = pgettext_lazy("复数", "报备规则")
        ordering = ["region_path"]

    def __str__(self) -> str:
        return str(self.region)


class Filing(TimeStampedModel):
    """One major matter a committee files before the owners vote on it."""

    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="filings"
    )
    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("委员会"),
        on_delete=models.PROTECT,
        related_name="filings",
    )
    street = models.ForeignKey(
        Region,
        verbose_name=_("接收街道"),
        on_delete=models.PROTECT,
        related_name="received_filings",
        editable=False,
    )
    matter_type = models.CharField(_("事项类型"), max_length=20, choices=MatterType.choices)
    title = models.CharField(_("事项名称"), max_length=200)
    proposal = models.TextField(_("方案内容"))
    amount = models.DecimalField(
        _("金额（元）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.01"))],
    )
    planned_vote_on = models.DateField(_("计划表决日期"))
    scope_kind = models.CharField(
        _("表决范围"), max_length=16, choices=ScopeKind.choices, default=ScopeKind.COMPOUND
    )
    scope_buildings = models.ManyToManyField(
        Building, verbose_name=_("表决楼栋"), blank=True, related_name="+"
    )
    scope_note = models.CharField(_("范围说明"), max_length=500, blank=True)

    status = models.CharField(
        _("状态"), max_length=12, choices=FilingStatus.choices, default=FilingStatus.DRAFT
    )
    version = models.PositiveSmallIntegerField(_("版本"), default=0, editable=False)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    review_due_on = models.DateField(_("审核期限"), null=True, blank=True, editable=False)
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True, editable=False)
    return_reason = models.TextField(_("退回理由"), blank=True, editable=False)
    accepted_on = models.DateField(_("街道接收日期"), null=True, blank=True, editable=False)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("接收人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    receipt_year = models.PositiveSmallIntegerField(
        _("回执年度"), null=True, blank=True, editable=False
    )
    receipt_serial = models.PositiveIntegerField(
        _("回执序号"), null=True, blank=True, editable=False
    )
    receipt_number = models.CharField(_("报备回执编号"), max_length=40, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("重大事项报备")
        verbose_name_plural = pgettext_lazy("复数", "重大事项报备")
        ordering = ["-created_at"]
        permissions = [
            ("prepare_filing", _("起草和提交重大事项报备")),
            ("review_filing", _("审核重大事项报备")),
            ("accept_filing", _("接收重大事项报备并出具回执")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=FilingStatus.values), name="filing_status_valid"
            ),
            # 报备回执编号: one serial per street and year.
            models.UniqueConstraint(
                fields=["street", "receipt_year", "receipt_serial"],
                condition=models.Q(receipt_serial__isnull=False),
                name="filing_receipt_unique_per_street_year",
            ),
            models.UniqueConstraint(
                fields=["receipt_number"],
                condition=~models.Q(receipt_number=""),
                name="filing_receipt_number_unique",
            ),
            models.CheckConstraint(
                condition=~models.Q(status=FilingStatus.ACCEPTED)
                | (models.Q(accepted_on__isnull=False) & ~models.Q(receipt_number="")),
                name="filing_accepted_has_receipt",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "review_due_on"], name="filing_status_due_idx"),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def needs_amount(self) -> bool:
        return self.matter_type in AMOUNT_MATTERS


class FilingDocument(TimeStampedModel):
    """A paper filed with the proposal (plan, budget, quotation, minutes)."""

    filing = models.ForeignKey(
        Filing, verbose_name=_("报备"), on_delete=models.CASCADE, related_name="documents"
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    title = models.CharField(_("材料名称"), max_length=200)
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
        verbose_name = _("报备材料")
        verbose_name_plural = pgettext_lazy("复数", "报备材料")
        ordering = ["filing", "pk"]

    def __str__(self) -> str:
        return self.title


class FilingVersion(models.Model):
    """What the committee submitted, as submitted: a returned and resubmitted filing keeps
    every earlier version."""

    filing = models.ForeignKey(
        Filing, verbose_name=_("报备"), on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("版本"))
    submitted_at = models.DateTimeField(_("提交时间"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    matter_type = models.CharField(_("事项类型"), max_length=20, choices=MatterType.choices)
    title = models.CharField(_("事项名称"), max_length=200)
    proposal = models.TextField(_("方案内容"))
    amount = models.DecimalField(
        _("金额（元）"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    planned_vote_on = models.DateField(_("计划表决日期"))
    scope_kind = models.CharField(_("表决范围"), max_length=16, choices=ScopeKind.choices)
    scope_note = models.CharField(_("范围说明"), max_length=500, blank=True)
    # Building names and document titles/ids as they stood at submission.
    scope_buildings = models.JSONField(_("表决楼栋"), default=list, blank=True)
    documents = models.JSONField(_("报备材料"), default=list, blank=True)

    jurisdiction_fields = FILING_SCOPE

    class Meta:
        verbose_name = _("报备版本")
        verbose_name_plural = pgettext_lazy("复数", "报备版本")
        ordering = ["filing", "number"]
        constraints = [
            models.UniqueConstraint(fields=["filing", "number"], name="filing_version_unique")
        ]

    def __str__(self) -> str:
        return _("第%(number)s版") % {"number": self.number}


class FilingReview(models.Model):
    """The community party organisation's answer to one submitted version."""

    filing = models.ForeignKey(
        Filing, verbose_name=_("报备"), on_delete=models.CASCADE, related_name="reviews"
    )
    version = models.ForeignKey(
        FilingVersion, verbose_name=_("版本"), on_delete=models.PROTECT, related_name="reviews"
    )
    decision = models.CharField(_("审核意见"), max_length=12, choices=ReviewDecision.choices)
    reason = models.TextField(_("理由"), blank=True)
    reviewed_at = models.DateTimeField(_("审核时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核人"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    due_on = models.DateField(_("审核期限"))

    jurisdiction_fields = FILING_SCOPE

    class Meta:
        verbose_name = _("报备审核")
        verbose_name_plural = pgettext_lazy("复数", "报备审核")
        ordering = ["filing", "reviewed_at"]
        constraints = [
            models.UniqueConstraint(fields=["version"], name="filing_review_one_per_version")
        ]

    def __str__(self) -> str:
        return self.get_decision_display()

    @property
    def was_late(self) -> bool:
        return self.reviewed_at.date() > self.due_on


class RegularReport(TimeStampedModel):
    """A committee's report to the community party organisation for one period of its
    schedule (DOMAIN 11.3: no national frequency, quarterly by default)."""

    committee = models.ForeignKey(
        "committees.Committee",
        verbose_name=_("委员会"),
        on_delete=models.PROTECT,
        related_name="regular_reports",
    )
    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="+"
    )
    period_start = models.DateField(_("报告期开始"))
    period_end = models.DateField(_("报告期结束"))
    due_on = models.DateField(_("提交期限"))
    status = models.CharField(
        _("状态"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.PENDING
    )
    content = models.TextField(_("报告内容"), blank=True)
    document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("报告文件"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True, editable=False)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提交人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    reviewed_at = models.DateTimeField(_("审阅时间"), null=True, blank=True, editable=False)
    review_note = models.TextField(_("审阅意见"), blank=True, editable=False)

    jurisdiction_fields = COMPOUND_SCOPE

    class Meta:
        verbose_name = _("定期报告")
        verbose_name_plural = pgettext_lazy("复数", "定期报告")
        ordering = ["-period_start", "compound"]
        permissions = [
            ("prepare_regularreport", _("提交定期报告")),
            ("review_regularreport", _("审阅定期报告")),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["committee", "period_start"], name="report_one_per_period"
            ),
            models.CheckConstraint(
                condition=models.Q(period_end__gte=models.F("period_start")),
                name="report_period_ordered",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ReportStatus.values), name="report_status_valid"
            ),
        ]
        indexes = [models.Index(fields=["status", "due_on"], name="report_status_due_idx")]

    def __str__(self) -> str:
        return _("%(start)s至%(end)s定期报告") % {
            "start": f"{self.period_start:%Y-%m-%d}",
            "end": f"{self.period_end:%Y-%m-%d}",
        }
