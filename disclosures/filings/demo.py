"""Demo filings and regular reports (``manage.py seed_demo``), deterministic.

文山州 (DOMAIN 0.5): 600+ prior notifications and filings before votes on choosing a property
company, improving public facilities or using large maintenance funds, in every state: most
received by the street with their receipt numbers, some approved and waiting for the street,
some under review (a few past their review deadline), some returned and resubmitted (two
versions kept), some returned and not yet revised, drafts and withdrawn ones. Each committee
reports quarterly for the past year (DOMAIN 11.3); most reports are reviewed, a few returned,
a few overdue.

Written through the services and the workflows as the platform administrator, with one
fixed clock (``today``) from which every date derives, so each filing has its audit history;
the reports of a period go through the workflow in bulk (:meth:`Workflow.fire_many`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from committees.models import Committee
from estates import demo as estates_demo
from estates.models import Region

from . import services
from .choices import FilingStatus, MatterType, ReportStatus
from .models import Filing, RegularReport
from .rules import RuleBook
from .workflows import REPORT_WORKFLOW

WENSHAN_FILINGS = 624  # DOMAIN 0.5: 600+
WENSHAN_COMPOUNDS = 873  # DOMAIN 0.5

# (matter, title, proposal, amount): the three kinds the brief names first, then the rest.
MATTERS: tuple[tuple[str, str, str, Decimal | None], ...] = (
    (
        MatterType.USE_FUND,
        "电梯更换使用专项维修资金",
        "更换{b}两部电梯，经第三方评估已达报废年限，预算由专项维修资金在该楼业主范围内列支。",
        Decimal("386000.00"),
    ),
    (
        MatterType.HIRE_COMPANY,
        "选聘物业服务企业",
        "原物业服务合同期满，拟公开招标选聘物业服务企业，合同期三年，服务标准与收费标准附后。",
        None,
    ),
    (
        MatterType.USE_FUND,
        "屋面防水维修使用专项维修资金",
        "{b}屋面渗漏，拟整体翻新防水层，预算由专项维修资金列支。",
        Decimal("128500.00"),
    ),
    (
        MatterType.CHANGE_USE,
        "增设电动自行车集中充电设施",
        "在小区东侧公共绿地旁设置电动自行车集中充电棚，收益归全体业主共有。",
        None,
    ),
    (
        MatterType.RENEW_COMPANY,
        "续聘物业服务企业",
        "现物业服务企业考核合格，拟续聘三年，收费标准不变。",
        None,
    ),
    (
        MatterType.COMMON_INCOME,
        "共有部分收益用于监控系统改造",
        "使用停车及广告收益更新小区监控系统，预算附后。",
        Decimal("96000.00"),
    ),
    (
        MatterType.REBUILD,
        "改造小区排水管网",
        "雨污分流改造，拟与社区老旧小区改造项目同步实施。",
        None,
    ),
    (
        MatterType.COVENANT,
        "修订管理规约",
        "根据《民法典》修订管理规约中停车管理和装修管理条款。",
        None,
    ),
    (
        MatterType.DISMISS_COMPANY,
        "解聘物业服务企业",
        "物业服务企业连续两年考核不合格，拟依法解聘并选聘新企业。",
        None,
    ),
    (
        MatterType.RAISE_FUND,
        "续筹专项维修资金",
        "部分房屋专项维修资金余额不足首期交存额的30%，拟按规定续筹。",
        Decimal("215000.00"),
    ),
)

# The state each filing ends in, by its position in a cycle of 25: 16 received by the
# street (2 of them after a return), 2 approved, 3 under review (1 overdue), 1 returned,
# 2 drafts, 1 withdrawn.
CYCLE = (
    ["accepted"] * 14
    + ["accepted_after_return"] * 2
    + ["approved"] * 2
    + ["submitted"] * 2
    + ["overdue"]
    + ["returned"]
    + ["draft"] * 2
    + ["withdrawn"]
)
RETURN_REASONS = (
    "预算缺少第三方询价材料，请补充三家报价。",
    "请补充业主意见征询情况和业主大会议事规则中的表决方式。",
    "方案未写明费用分摊范围，请补充列支范围内的房屋清单。",
)

Log = Callable[[str], None]


def _moment(day: date, hour: int = 10) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour)))


def seed_filings(
    *, region: Region, actor, today: date, count: int = WENSHAN_FILINGS
) -> dict[str, int]:
    """``count`` filings spread over the active committees of the region, each taken to
    its state through the services. Returns the number per final status."""
    committees = list(
        Committee.objects.filter(is_active=True, compound__region_path__startswith=region.path)
        .select_related("compound")
        .order_by("compound__region_path", "compound__name")
    )
    if not committees:
        return {}
    real_today = max(today, timezone.localdate())
    for i in range(count):
        committee = committees[(i * 37) % len(committees)]
        matter, title, proposal, amount = MATTERS[i % len(MATTERS)]
        state = CYCLE[i % len(CYCLE)]
        building = f"{i % 12 + 1}栋"
        # Submitted between 10 and 130 days before today; the vote planned after today.
        submitted_on = today - timedelta(days=10 + (i * 13) % 120)
        if state == "overdue":
            submitted_on = today - timedelta(days=20)
        elif state == "submitted":
            submitted_on = today - timedelta(days=1 + i % 3)
        filing = services.filing_create(
            actor=actor,
            committee=committee,
            matter_type=matter,
            title=f"{building}{title}" if "{b}" in proposal else title,
            proposal=proposal.format(b=building),
            amount=amount,
            planned_vote_on=real_today + timedelta(days=20 + i % 40),
        )
        if state == "draft":
            continue
        services.filing_submit(filing=filing, actor=actor, at=_moment(submitted_on))
        if state == "withdrawn":
            services.filing_withdraw(
                filing=filing, actor=actor, reason="业主意见分歧较大，暂缓表决。"
            )
            continue
        if state in ("submitted", "overdue"):
            continue
        reviewed_on = submitted_on + timedelta(days=1 + i % 5)
        if state in ("returned", "accepted_after_return"):
            services.filing_return(
                filing=filing,
                actor=actor,
                reason=RETURN_REASONS[i % len(RETURN_REASONS)],
                at=_moment(reviewed_on),
            )
            if state == "returned":
                continue
            services.filing_update(
                filing=filing, actor=actor, proposal=filing.proposal + "（已补充相关材料。）"
            )
            submitted_on = reviewed_on + timedelta(days=2)
            services.filing_submit(filing=filing, actor=actor, at=_moment(submitted_on))
            reviewed_on = submitted_on + timedelta(days=1)
        services.filing_approve(filing=filing, actor=actor, at=_moment(reviewed_on))
        if state == "approved":
            continue
        services.filing_accept(
            filing=filing, actor=actor, on=min(reviewed_on + timedelta(days=1 + i % 3), today)
        )
    counts: dict[str, int] = {}
    for status in Filing.objects.filter(compound__region_path__startswith=region.path).values_list(
        "status", flat=True
    ):
        counts[status] = counts.get(status, 0) + 1
    return counts


def seed_reports(*, region: Region, actor, today: date) -> dict[str, int]:
    """Quarterly reports for the past year of every active committee of the region: the
    periods ended by ``today`` created, most submitted and reviewed (a few returned), the
    latest period of every 12th committee not yet submitted (so listed as overdue once
    its due date has passed)."""
    book = RuleBook.load()
    committees = list(
        Committee.objects.filter(
            is_active=True, compound__region_path__startswith=region.path
        ).select_related("compound")
    )
    since = today - timedelta(days=365)
    for committee in committees:
        services.report_schedule_ensure(
            committee=committee,
            until=today,
            since=since,
            rules=book.for_path(committee.compound.region_path),
        )
    reports = list(
        RegularReport.objects.filter(
            compound__region_path__startswith=region.path, status=ReportStatus.PENDING
        ).order_by("committee_id", "period_start")
    )
    latest = {}
    for report in reports:
        latest[report.committee_id] = report.pk
    late = {pk for committee_id, pk in latest.items() if committee_id % 12 == 0}
    to_submit = [r for r in reports if r.pk not in late]

    def submit_changes(report):
        return {
            "content": (
                f"{report.period_start:%Y年%m月}至{report.period_end:%Y年%m月}：召开业委会会议，"
                "公开共有部分收益和专项维修资金使用情况，处理业主诉求。"
            ),
            "submitted_at": _moment(min(report.due_on - timedelta(days=3), today)),
            "submitted_by": actor,
        }

    REPORT_WORKFLOW.fire_many(to_submit, "submit", actor=actor, changes=submit_changes)
    returned = [r for r in to_submit if r.pk % 17 == 0]
    approved = [r for r in to_submit if r.pk % 17 != 0]

    def review_changes(note):
        return lambda report: {
            "reviewed_at": _moment(min(report.due_on + timedelta(days=2), today)),
            "review_note": note,
        }

    REPORT_WORKFLOW.fire_many(
        approved, "approve", actor=actor, changes=review_changes("已阅，情况属实。")
    )
    if returned:
        note = "请补充专项维修资金收支明细。"
        REPORT_WORKFLOW.fire_many(
            returned, "return", actor=actor, reason=note, changes=review_changes(note)
        )
    return {"reports": len(reports), "submitted": len(to_submit), "returned": len(returned)}


def seed_demo(*, plans: list, log: Log = lambda message: None, today: date | None = None) -> None:
    """Filings and regular reports for 文山州 (called by ``manage.py seed_demo`` after the
    committees exist). A prefecture that already has filings is left alone."""
    today = today or timezone.localdate()
    admin = get_user_model().objects.filter(username="admin", is_superuser=True).first()
    if admin is None:
        return
    for plan in plans:
        if plan.code != estates_demo.WENSHAN[0]:
            continue
        region = Region.objects.filter(code=plan.code).first()
        if (
            region is None
            or Filing.objects.filter(compound__region_path__startswith=region.path).exists()
        ):
            continue
        # A demo limited to a few compounds (``--compounds N``) gets its share.
        compounds = Committee.objects.filter(
            is_active=True, compound__region_path__startswith=region.path
        ).count()
        count = max(1, WENSHAN_FILINGS * min(compounds, WENSHAN_COMPOUNDS) // WENSHAN_COMPOUNDS)
        with transaction.atomic():
            filings = seed_filings(region=region, actor=admin, today=today, count=count)
            reports = seed_reports(region=region, actor=admin, today=today)
        accepted = filings.get(FilingStatus.ACCEPTED, 0)
        log(
            f"{region.name}：重大事项报备 {sum(filings.values())} 件（街道已接收 {accepted} 件），"
            f"定期报告 {reports['reports']} 份"
        )
