"""Owners' votes on a filed matter (DOMAIN §1): the vote, the electorate frozen from the
registry when it opens, and every ballot.

A vote follows an accepted filing (DOMAIN 11.2), carries the filing's matter type (which
fixes the thresholds, DOMAIN 1.4) and scope (DOMAIN 1.7), and counts only the electorate
frozen at opening: registry changes afterwards do not move it. Ballots are never deleted
(DOMAIN 1.9: a decision can be challenged within a year). Only
:mod:`disclosures.votes.workflows` assigns the status field.
"""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from common.models import TimeStampedModel
from disclosures.filings.choices import MatterType, ScopeKind
from estates.choices import AreaSource
from estates.models import Building, Compound, Region, RegionPathMixin, Unit

from .choices import (
    BallotChoice,
    BallotSource,
    ElectionTieRule,
    ObjectionStatus,
    PublicationStage,
    StageFilingStatus,
    VoteStatus,
)


class VoteRules(RegionPathMixin, models.Model):
    """A region's local voting rules; the deepest region's rules apply to a compound."""

    region = models.OneToOneField(
        Region, verbose_name=_("适用区域"), on_delete=models.CASCADE, related_name="vote_rules"
    )
    region_path = models.CharField(max_length=255, editable=False)
    # DOMAIN 1.8 (GR 25): legally disputed, so only where the local rules say so.
    silent_with_majority = models.BooleanField(
        _("未参与表决的业主计入多数意见"),
        default=False,
        help_text=_("仅在管理规约或议事规则明确规定时开启。"),
    )
    objection_days = models.PositiveSmallIntegerField(
        _("异议期（天）"),
        default=7,
        help_text=_("初步结果公布后业主可提出异议的天数，自公布次日起算。"),
    )
    # Ranking candidates of an election of committee members (a local rule, L).
    election_tie_rule = models.CharField(
        _("选举委员的排名规则"),
        max_length=12,
        choices=ElectionTieRule.choices,
        default=ElectionTieRule.AREA_FIRST,
        help_text=_("达到当选票数的候选人多于应选人数时的排名方法；末位完全相同的须另行选举。"),
    )

    jurisdiction_fields = ("region_path", None)

    class Meta:
        verbose_name = _("表决规则")
        verbose_name_plural = pgettext_lazy("复数", "表决规则")
        ordering = ["region_path"]

    def __str__(self) -> str:
        return str(self.region)


class Vote(TimeStampedModel):
    """One joint decision put to the owners of a compound, or of part of it."""

    compound = models.ForeignKey(
        Compound, verbose_name=_("小区"), on_delete=models.PROTECT, related_name="votes"
    )
    filing = models.ForeignKey(
        "filings.Filing",
        verbose_name=_("重大事项报备"),
        on_delete=models.PROTECT,
        related_name="votes",
    )
    title = models.CharField(_("表决事项"), max_length=200)
    matter_type = models.CharField(_("事项类型"), max_length=20, choices=MatterType.choices)
    scope_kind = models.CharField(
        _("表决范围"), max_length=16, choices=ScopeKind.choices, default=ScopeKind.COMPOUND
    )
    scope_buildings = models.ManyToManyField(
        Building, verbose_name=_("表决楼栋"), blank=True, related_name="+"
    )
    scope_units = models.ManyToManyField(
        Unit, verbose_name=_("列支范围内房屋"), blank=True, related_name="+"
    )
    starts_on = models.DateField(_("表决开始日期"))
    ends_on = models.DateField(_("表决截止日期"))
    status = models.CharField(
        _("状态"), max_length=12, choices=VoteStatus.choices, default=VoteStatus.DRAFT
    )
    silent_with_majority = models.BooleanField(
        _("未参与表决的业主计入多数意见"), default=False, editable=False
    )
    electorate_heads = models.PositiveIntegerField(
        _("业主总人数"), null=True, blank=True, editable=False
    )
    electorate_area = models.DecimalField(
        _("专有部分总面积（m²）"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        editable=False,
    )
    opened_at = models.DateTimeField(_("开启时间"), null=True, blank=True, editable=False)
    counted_at = models.DateTimeField(_("计票时间"), null=True, blank=True, editable=False)
    result = models.JSONField(_("表决结果"), default=dict, blank=True, editable=False)
    # Publication stages (issue item 6), assigned only by PUBLICATION_WORKFLOW.
    publication = models.CharField(
        _("公布阶段"),
        max_length=12,
        choices=PublicationStage.choices,
        default=PublicationStage.NONE,
        editable=False,
    )
    notice_published_at = models.DateTimeField(
        _("表决公告时间"), null=True, blank=True, editable=False
    )
    preliminary_published_at = models.DateTimeField(
        _("初步结果公布时间"), null=True, blank=True, editable=False
    )
    objections_until = models.DateField(_("异议期截止日期"), null=True, blank=True, editable=False)
    final_published_at = models.DateTimeField(
        _("最终结果公布时间"), null=True, blank=True, editable=False
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("创建人"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        editable=False,
    )
    # An election of committee members (DOMAIN 1.2 item 3) held as this vote: one item per
    # candidate who passed the joint review (disclosures.votes.elections).
    election = models.ForeignKey(
        "committees.Election",
        verbose_name=_("选举"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="votes",
        editable=False,
    )
    # The region's ranking rule when the election vote was set up (frozen with the vote).
    tie_rule = models.CharField(
        _("选举委员的排名规则"),
        max_length=12,
        choices=ElectionTieRule.choices,
        blank=True,
        editable=False,
    )

    jurisdiction_fields = ("compound__region_path", "compound_id")

    class Meta:
        verbose_name = _("业主表决")
        verbose_name_plural = pgettext_lazy("复数", "业主表决")
        ordering = ["-starts_on", "-pk"]
        permissions = [
            ("manage_vote", _("组织业主表决")),
            ("enter_ballot", _("录入表决票")),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=VoteStatus.values), name="vote_status_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="vote_period_order"
            ),
            models.CheckConstraint(
                condition=models.Q(publication__in=PublicationStage.values),
                name="vote_publication_valid",
            ),
            # One live vote per election; a cancelled one may be followed by another.
            models.UniqueConstraint(
                fields=["election"],
                condition=models.Q(election__isnull=False) & ~models.Q(status="cancelled"),
                name="vote_one_live_per_election",
            ),
        ]

    def __str__(self) -> str:
        return self.title


CHECK_CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"  # no 0/O, 1/I


def new_check_code() -> str:
    """Ten characters from 32 (50 bits): guessing is out of reach under the rate limit."""
    return "".join(secrets.choice(CHECK_CODE_ALPHABET) for _ in range(10))


class ElectorateEntry(models.Model):
    """One unit of a vote's electorate as the registry showed it when the vote opened:
    its address, area and area source (DOMAIN 1.6), and who held it (owner keys: units
    sharing a key are one person, SPC 9)."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="electorate"
    )
    # Kept when the registry later removes the unit: the frozen copy below counts.
    unit = models.ForeignKey(
        Unit,
        verbose_name=_("房屋"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    building_name = models.CharField(_("楼栋"), max_length=50)
    entrance = models.CharField(_("单元"), max_length=20, blank=True)
    room = models.CharField(_("房号"), max_length=20)
    area = models.DecimalField(_("专有部分面积（m²）"), max_digits=10, decimal_places=2)
    area_source = models.CharField(_("面积来源"), max_length=10, choices=AreaSource.choices)
    owner_keys = models.JSONField(_("业主"), default=list)
    # SPC 9 worked out when the vote opens: entries with the same number are one person,
    # so the tally can count persons in SQL (DOMAIN 1.6).
    person = models.PositiveIntegerField(_("业主序号"), null=True, editable=False)
    # Printed on the unit's ballot sheet: lets the owner check how the ballot was recorded.
    check_code = models.CharField(
        _("核对码"), max_length=12, default=new_check_code, editable=False
    )

    jurisdiction_fields = ("vote__compound__region_path", "vote__compound_id")

    class Meta:
        verbose_name = _("表决业主名册")
        verbose_name_plural = pgettext_lazy("复数", "表决业主名册")
        ordering = ["vote_id", "building_name", "entrance", "room"]
        constraints = [
            models.UniqueConstraint(
                fields=["vote", "building_name", "entrance", "room"],
                name="electorate_unique_room",
            ),
            models.CheckConstraint(condition=models.Q(area__gt=0), name="electorate_area_positive"),
        ]

    def __str__(self) -> str:
        return " ".join(p for p in (self.building_name, self.entrance, self.room) if p)


class BallotBatch(models.Model):
    """Ballots entered together by one person: a sitting at the entry screen or one file.
    They count only once a second person has checked them against the paper ballots
    (four eyes); a batch the checker rejects is kept, its ballots void, and the units can
    be entered again."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("表决"), on_delete=models.PROTECT, related_name="batches"
    )
    source = models.CharField(
        _("录入方式"), max_length=10, choices=BallotSource.choices, default=BallotSource.ENTERED
    )
    original_name = models.CharField(_("原文件名"), max_length=255, blank=True)
    scan = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("表决票扫描件"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("录入时间"), default=timezone.now, editable=False)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("复核人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    confirmed_at = models.DateTimeField(_("复核时间"), null=True, blank=True, editable=False)
    rejected_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("退回人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    rejected_at = models.DateTimeField(_("退回时间"), null=True, blank=True, editable=False)
    reject_reason = models.TextField(_("退回理由"), blank=True, editable=False)

    jurisdiction_fields = ("vote__compound__region_path", "vote__compound_id")

    class Meta:
        verbose_name = _("表决票录入批次")
        verbose_name_plural = pgettext_lazy("复数", "表决票录入批次")
        ordering = ["vote_id", "created_at", "pk"]
        constraints = [
            # Four eyes: whoever entered a batch cannot confirm it.
            models.CheckConstraint(
                condition=~models.Q(confirmed_by=models.F("entered_by")),
                name="batch_confirmed_by_another",
            ),
            models.CheckConstraint(
                condition=models.Q(confirmed_at__isnull=True) | models.Q(rejected_at__isnull=True),
                name="batch_confirmed_or_rejected",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote_id}-{self.pk}"

    @property
    def is_pending(self) -> bool:
        return self.confirmed_at is None and self.rejected_at is None


class Ballot(models.Model):
    """One unit's ballot: who entered it and when, kept for good (DOMAIN 1.9)."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("表决"), on_delete=models.PROTECT, related_name="ballots"
    )
    entry = models.ForeignKey(
        ElectorateEntry, verbose_name=_("房屋"), on_delete=models.PROTECT, related_name="ballots"
    )
    batch = models.ForeignKey(
        BallotBatch,
        verbose_name=_("录入批次"),
        null=True,
        on_delete=models.PROTECT,
        related_name="ballots",
    )
    # Set when the checker rejects the batch: kept, never counted.
    voided = models.BooleanField(_("已作废"), default=False, editable=False)
    choice = models.CharField(_("表决意见"), max_length=10, choices=BallotChoice.choices)
    cast_on = models.DateField(_("投票日期"))
    proxy_name = models.CharField(_("受托人"), max_length=100, blank=True)
    proxy_document = models.ForeignKey(
        "wagtaildocs.Document",
        verbose_name=_("授权委托书"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    source = models.CharField(
        _("录入方式"), max_length=10, choices=BallotSource.choices, default=BallotSource.ENTERED
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("录入人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    entered_at = models.DateTimeField(_("录入时间"), default=timezone.now, editable=False)

    jurisdiction_fields = ("vote__compound__region_path", "vote__compound_id")

    class Meta:
        verbose_name = _("表决票")
        verbose_name_plural = pgettext_lazy("复数", "表决票")
        ordering = ["vote_id", "entry_id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(choice__in=BallotChoice.values), name="ballot_choice_valid"
            ),
            # One ballot per unit; a voided one (rejected batch) frees the unit.
            models.UniqueConstraint(
                fields=["entry"], condition=models.Q(voided=False), name="ballot_one_per_unit"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry} {self.get_choice_display()}"


class StageFiling(models.Model):
    """A published stage of a vote (notice, preliminary result, final result) filed back
    with the street (issue item 6): sent when the stage is published, signed for by the
    street's filing desk. Only
    :data:`disclosures.votes.workflows.STAGE_FILING_WORKFLOW` assigns the status."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("表决"), on_delete=models.PROTECT, related_name="stage_filings"
    )
    stage = models.CharField(_("公布阶段"), max_length=12, choices=PublicationStage.choices)
    status = models.CharField(
        _("状态"),
        max_length=10,
        choices=StageFilingStatus.choices,
        default=StageFilingStatus.SENT,
    )
    sent_at = models.DateTimeField(_("报送时间"), default=timezone.now, editable=False)
    received_at = models.DateTimeField(_("签收时间"), null=True, blank=True, editable=False)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("签收人"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )

    jurisdiction_fields = ("vote__compound__region_path", "vote__compound_id")

    class Meta:
        verbose_name = _("表决公告备案")
        verbose_name_plural = pgettext_lazy("复数", "表决公告备案")
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "stage"], name="stage_filed_once"),
            models.CheckConstraint(
                condition=models.Q(status__in=StageFilingStatus.values),
                name="stage_filing_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vote} {self.get_stage_display()}"


class Objection(models.Model):
    """An owner's objection to a preliminary result, recorded during the objection window
    and answered by the committee (issue item 6; DOMAIN 1.9). Only
    :data:`disclosures.votes.workflows.OBJECTION_WORKFLOW` assigns the status."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("表决"), on_delete=models.PROTECT, related_name="objections"
    )
    entry = models.ForeignKey(
        ElectorateEntry,
        verbose_name=_("房屋"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="objections",
    )
    lodged_by_name = models.CharField(_("异议人"), max_length=100)
    content = models.TextField(_("异议内容"))
    lodged_on = models.DateField(_("提出日期"))
    status = models.CharField(
        _("状态"), max_length=10, choices=ObjectionStatus.choices, default=ObjectionStatus.LODGED
    )
    answer = models.TextField(_("答复"), blank=True, editable=False)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.PROTECT,
        related_name="+",
        editable=False,
    )
    created_at = models.DateTimeField(_("登记时间"), default=timezone.now, editable=False)

    jurisdiction_fields = ("vote__compound__region_path", "vote__compound_id")

    class Meta:
        verbose_name = _("表决结果异议")
        verbose_name_plural = pgettext_lazy("复数", "表决结果异议")
        ordering = ["vote_id", "lodged_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status__in=ObjectionStatus.values),
                name="objection_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.lodged_by_name} {self.lodged_on:%Y-%m-%d}"


class ElectionItem(models.Model):
    """One candidate on an election vote's ballot: a candidate of the election whom the
    joint review passed (DOMAIN §9), in ballot order."""

    vote = models.ForeignKey(
        Vote, verbose_name=_("表决"), on_delete=models.CASCADE, related_name="items"
    )
    candidate = models.ForeignKey(
        "committees.Candidate",
        verbose_name=_("候选人"),
        on_delete=models.PROTECT,
        related_name="vote_items",
    )
    name = models.CharField(_("姓名"), max_length=50)
    order = models.PositiveSmallIntegerField(_("票面顺序"))

    jurisdiction_fields = ("vote__compound__region_path", "vote__compound_id")

    class Meta:
        verbose_name = _("候选人表决项")
        verbose_name_plural = pgettext_lazy("复数", "候选人表决项")
        ordering = ["vote_id", "order"]
        constraints = [
            models.UniqueConstraint(fields=["vote", "candidate"], name="item_unique_candidate"),
            models.UniqueConstraint(fields=["vote", "order"], name="item_unique_order"),
        ]

    def __str__(self) -> str:
        return self.name


class BallotMark(models.Model):
    """A ballot's choice on one candidate of an election vote (one per candidate)."""

    ballot = models.ForeignKey(
        Ballot, verbose_name=_("表决票"), on_delete=models.PROTECT, related_name="marks"
    )
    item = models.ForeignKey(
        ElectionItem, verbose_name=_("候选人"), on_delete=models.PROTECT, related_name="marks"
    )
    choice = models.CharField(_("表决意见"), max_length=10, choices=BallotChoice.choices)

    jurisdiction_fields = ("ballot__vote__compound__region_path", "ballot__vote__compound_id")

    class Meta:
        verbose_name = _("候选人表决意见")
        verbose_name_plural = pgettext_lazy("复数", "候选人表决意见")
        ordering = ["ballot_id", "item__order"]
        constraints = [
            models.UniqueConstraint(fields=["ballot", "item"], name="mark_one_per_candidate"),
            models.CheckConstraint(
                condition=models.Q(choice__in=BallotChoice.values), name="mark_choice_valid"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.item} {self.get_choice_display()}"
