"""Demo notices (公示) for the seed (``manage.py seed_demo``), deterministic.

文山州 (DOMAIN 0.5): 579 of the 873 compounds disclose. Each of them has published its
业主大会议事规则 and 管理规约 (DOMAIN 5.1) and the yearly account of its maintenance fund
(专项维修资金筹集和使用情况, DOMAIN 5.1, 6.6) with a table of income and expenses that adds
up. Every 20th of them corrected its fund account afterwards (a 更正 notice that says what
changed; the original stays readable, frozen); every 9th published the account of the year
before last only, so its fund item is overdue on the compliance schedule (alarms on the
community and street dashboards), as is every item of a compound that has not disclosed.

Made the way users make notices: a committee member of the compound drafts each one
(``notice_draft``), submits it to the community review (``notice_submit``, Wagtail's
moderation workflow) and a community officer of the compound's community approves it
(``notice_review``), which publishes it and records its fingerprint in the compound's
chain. A few were first returned with a reason and resubmitted, so the review history has
both verdicts. The demo's one clock is ``today``: every date on a notice derives from it.

The search index and Wagtail's reference index are brought up to date once at the end, for
the pages written, rather than on each of the several thousand page saves the workflow
makes (Wagtail: a search backend's ``AUTO_UPDATE`` off for bulk work, the index updated
afterwards; ``disable_reference_index_auto_update``); everything else runs as it does for
users. That path costs about 110 ms of CPU a notice on SQLite (about 195 s for 文山州's
1,766), three quarters of it Wagtail's own page, revision, workflow-state and audit-log
writes (about 200 queries a notice, each row validated by ``full_clean``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone, translation
from wagtail.models import ReferenceIndex
from wagtail.search.backends import get_search_backend
from wagtail.signal_handlers import disable_reference_index_auto_update

from committees.models import Committee
from common.access import can, scoped
from common.jurisdiction import MANAGE, VIEW
from estates import demo as estates_demo
from estates.models import Compound, Region
from estates.services import role_assign

from .models import CompoundNoticesPage, NoticePage
from .permissions import DRAFT_PERM, REVIEW_PERM
from .services.notices import (
    notice_correct,
    notice_draft,
    notice_review,
    notice_submit,
    notice_update,
)

WENSHAN_DISCLOSING = 579  # DOMAIN 0.5: 579 of 文山州's 873 compounds disclose
WENSHAN_COMPOUNDS = 873
# Which disclosing compounds (by position) tell which story; the first three tell one each.
RETURNED_EVERY = 25  # 0, 25, …: the 管理规约 returned once with a reason, then approved
CORRECTION_EVERY = 20  # 1, 21, …: the fund account corrected afterwards (更正)
STALE_FUND_EVERY = 9  # 2, 11, …: only the account of the year before last: overdue

PROCEDURE, COVENANT, FUND = "rules-procedure", "rules-covenant", "fund-use"
RETURN_REASON = "请补充业主大会表决通过的日期和表决结果。"
OBJECTION = "对公示内容有异议的业主，请在异议截止日期前以书面形式向{issuer}提出，并写明理由。"

Log = Callable[[str], None]


def disclosing(compounds: list, count: int, *, include=()) -> list:
    """``count`` of ``compounds`` spread evenly over the list (its order decides), each of
    ``include`` taking the place of the chosen compound nearest to it."""
    total = len(compounds)
    if count >= total:
        return list(compounds)
    position = {compound.pk: i for i, compound in enumerate(compounds)}
    chosen = [compounds[i * total // count] for i in range(count)]
    for compound in include:
        if compound.pk in position and compound not in chosen:
            nearest = min(
                range(count), key=lambda k: abs(position[chosen[k].pk] - position[compound.pk])
            )
            chosen[nearest] = compound
    return sorted(chosen, key=lambda compound: position[compound.pk])


def fund_rows(seed: int, year: int) -> tuple[Decimal, list[dict], Decimal, Decimal, Decimal]:
    """The year's fund account of a compound: opening balance, rows, totals, closing."""
    opening = Decimal(200_000 + (seed * 7919) % 600_000) + Decimal("0.50")
    income = [
        ("首期交存", Decimal(30_000 + (seed * 131) % 40_000)),
        ("续筹交存", Decimal(5_000 + (seed * 53) % 9_000)),
        ("存款利息", Decimal(1_200 + (seed * 17) % 2_000) + Decimal("0.35")),
    ]
    expense = [
        ("电梯维修", Decimal(8_000 + (seed * 97) % 30_000)),
        ("屋面防水维修", Decimal(4_000 + (seed * 29) % 12_000) + Decimal("0.20")),
    ]
    rows = [
        {"side": "income", "item": name, "amount": amount, "note": f"{year}年度"}
        for name, amount in income
    ] + [
        {"side": "expense", "item": name, "amount": amount, "note": "经业主大会表决"}
        for name, amount in expense
    ]
    cent = Decimal("0.01")
    opening = opening.quantize(cent)
    for row in rows:
        row["amount"] = row["amount"].quantize(cent)
    income = [(name, amount.quantize(cent)) for name, amount in income]
    expense = [(name, amount.quantize(cent)) for name, amount in expense]
    total_income = sum((a for _n, a in income), Decimal(0))
    total_expense = sum((a for _n, a in expense), Decimal(0))
    return opening, rows, total_income, total_expense, opening + total_income - total_expense


def fund_body(seed: int, year: int, *, corrected: bool = False) -> list:
    opening, rows, total_income, total_expense, closing = fund_rows(seed, year)
    if corrected:  # the correction: one expense was recorded 1,000 yuan too high
        rows[-1] = {**rows[-1], "amount": rows[-1]["amount"] - 1000}
        total_expense -= 1000
        closing += 1000
    return [
        (
            "text",
            f"<p>根据《住宅专项维修资金管理办法》，现将本小区{year}年度专项维修资金"
            "筹集和使用情况公示如下，明细可到业主委员会办公室查阅。</p>",
        ),
        (
            "accounts",
            {
                "title": f"{year}年度专项维修资金收支",
                "opening_balance": opening,
                "rows": rows,
                "total_income": total_income,
                "total_expense": total_expense,
                "closing_balance": closing,
            },
        ),
    ]


def rules_body(kind: str, compound: Compound, issuer: str, adopted: date) -> list:
    if kind == PROCEDURE:
        lead = (
            f"{compound.name}业主大会于{adopted.year}年{adopted.month}月{adopted.day}日表决通过《业主大会议事规则》，"
            "现予公示。"
        )
        points = (
            "业主大会会议分为定期会议和临时会议，定期会议每年召开一次。",
            "业主大会会议可以采用集体讨论的形式，也可以采用书面征求意见的形式。",
            "表决事项须经专有部分面积占比三分之二以上的业主且人数占比三分之二以上的业主参与表决。",
        )
    else:
        lead = f"{compound.name}业主大会于{adopted.year}年{adopted.month}月{adopted.day}日表决通过《管理规约》，现予公示。"
        points = (
            "业主应当按时交纳物业服务费和专项维修资金。",
            "装修房屋应当事先告知物业服务企业，不得拆改承重结构。",
            "共有部分的经营收益归全体业主共有，由业主大会决定其用途。",
        )
    items = "".join(f"<li>{p}</li>" for p in points)
    return [("text", f"<p>{lead}</p><ol>{items}</ol><p>{issuer}</p>")]


class Actors:
    """The people who write and review the demo's notices: a committee member of each
    disclosing compound and an officer of each community, the demo logins ``yewei`` and
    ``shequ`` where their grants cover it, otherwise a login made for the purpose
    (without a password) and given the role there."""

    def __init__(self):
        self.User = get_user_model()
        self.drafters: dict[int, object] = {}
        self.officers: dict[int, object] = {}
        logins = {role: username for username, role, _label in estates_demo.DEMO_USERS}
        self.member = self.User.objects.filter(username=logins["committee_member"]).first()
        self.officer_login = self.User.objects.filter(username=logins["community_staff"]).first()

    def _user(self, username: str, role: str, target):
        user = self.User.objects.filter(username=username).first()
        if user is None:
            user = self.User(username=username, is_active=True)
            user.set_unusable_password()
            user.save()
            role_assign(user=user, role=role, target=target)
        return user

    def drafter(self, compound: Compound):
        if compound.pk not in self.drafters:
            if self.member is not None and can(self.member, DRAFT_PERM, compound, level=VIEW):
                self.drafters[compound.pk] = self.member
            else:
                self.drafters[compound.pk] = self._user(
                    f"demo-committee-{compound.pk}", "committee_member", compound
                )
        return self.drafters[compound.pk]

    def officer(self, compound: Compound):
        community = compound.region
        if community.pk not in self.officers:
            login = self.officer_login
            if login is not None and can(login, REVIEW_PERM, compound, level=MANAGE):
                self.officers[community.pk] = login
            else:
                self.officers[community.pk] = self._user(
                    f"demo-community-{community.pk}", "community_staff", community
                )
        return self.officers[community.pk]


def _publish(notice: NoticePage, *, drafter, officer, returned: bool = False) -> NoticePage:
    notice_submit(actor=drafter, notice=notice)
    if returned:
        notice_review(actor=officer, notice=notice, approve=False, comment=RETURN_REASON)
        notice = notice_update(
            actor=drafter,
            notice=notice,
            title=notice.title,
            objection_method=notice.objection_method,
        )
        notice_submit(actor=drafter, notice=notice)
    return notice_review(actor=officer, notice=notice, approve=True)


def seed_compound(
    compound: Compound, index: int, *, items: dict, issuer: str, drafter, officer, today: date
) -> int:
    """The three notices of one disclosing compound (and its correction); returns how
    many were published."""
    year = today.year - 1
    adopted = today - timedelta(days=60 + (index * 11) % 240)
    common = {
        "issuer": issuer,
        "objection_method": OBJECTION.format(issuer=issuer),
        "contact_name": "业主委员会办公室",
    }
    published = 0
    for n, code in enumerate((PROCEDURE, COVENANT)):
        starts = adopted + timedelta(days=3 + n)
        notice = notice_draft(
            actor=drafter,
            compound=compound,
            item=items[code],
            title=f"关于公示《{items[code].name}》的通知",
            body=rules_body(code, compound, issuer, adopted),
            notice_starts_on=starts,
            issued_on=starts,
            document_number=f"业字〔{starts.year}〕{n + 1}号",
            **common,
        )
        _publish(
            notice,
            drafter=drafter,
            officer=officer,
            returned=code == COVENANT and index % RETURNED_EVERY == 0,
        )
        published += 1
    fund_year = year - 1 if index % STALE_FUND_EVERY == 2 else year
    starts = min(date(fund_year + 1, 3, 1) + timedelta(days=index % 20), today)
    fund = notice_draft(
        actor=drafter,
        compound=compound,
        item=items[FUND],
        title=f"{fund_year}年度专项维修资金筹集和使用情况公示",
        body=fund_body(compound.pk, fund_year),
        notice_starts_on=starts,
        issued_on=starts,
        document_number=f"业字〔{starts.year}〕3号",
        period_starts_on=date(fund_year, 1, 1),
        period_ends_on=date(fund_year, 12, 31),
        **common,
    )
    fund = _publish(fund, drafter=drafter, officer=officer)
    published += 1
    if index % CORRECTION_EVERY == 1:
        correction_on = min(starts + timedelta(days=12), today)
        correction = notice_correct(
            actor=drafter,
            original=fund,
            correction_note="屋面防水维修支出多记1,000.00元，已更正支出合计和期末余额。",
            body=fund_body(compound.pk, fund_year, corrected=True),
            notice_starts_on=correction_on,
            issued_on=correction_on,
            document_number=f"业字〔{correction_on.year}〕4号",
        )
        _publish(correction, drafter=drafter, officer=officer)
        published += 1
    return published


def seed_notices(*, region: Region, today: date, count: int = WENSHAN_DISCLOSING) -> dict:
    """``count`` compounds of the region publish their notices; returns the figures."""
    from .selectors.catalogue import catalogue_for

    compounds = list(
        Compound.objects.filter(region_path__startswith=region.path)
        .select_related("region")
        .order_by("region_path", "name", "pk")
    )
    actors = Actors()
    # The demo committee login's compound discloses, so its history is there to see.
    mine = (
        scoped(Compound.objects.filter(region_path__startswith=region.path), user=actors.member)
        if actors.member is not None
        else []
    )
    chosen = disclosing(compounds, count, include=list(mine))
    issuers = {}
    with translation.override("zh-hans"):
        for committee in Committee.objects.filter(
            is_active=True, compound__in=[c.pk for c in chosen]
        ).select_related("compound"):
            issuers[committee.compound_id] = str(committee)
    catalogues: dict[int, dict] = {}
    published = 0
    for index, compound in enumerate(chosen):
        if compound.region_id not in catalogues:
            catalogues[compound.region_id] = {
                item.code: item for item in catalogue_for(compound.region)
            }
        published += seed_compound(
            compound,
            index,
            items=catalogues[compound.region_id],
            issuer=issuers.get(compound.pk, f"{compound.name}业主委员会"),
            drafter=actors.drafter(compound),
            officer=actors.officer(compound),
            today=today,
        )
    return {"compounds": len(chosen), "published": published}


@contextmanager
def indexes_deferred() -> Iterator[None]:
    """Page saves inside leave the search index and the reference index alone (Wagtail:
    a backend's ``AUTO_UPDATE`` off and ``disable_reference_index_auto_update`` for bulk
    work); :func:`indexes_update` brings both up to date for the pages written."""
    backends = {
        name: {**conf, "AUTO_UPDATE": False}
        for name, conf in getattr(settings, "WAGTAILSEARCH_BACKENDS", {}).items()
    }
    with override_settings(WAGTAILSEARCH_BACKENDS=backends), disable_reference_index_auto_update():
        yield


def indexes_update(pages) -> None:
    """The search index and the reference index for ``pages`` (specific pages)."""
    pages = list(pages)
    by_model: dict[type, list] = {}
    for page in pages:
        by_model.setdefault(type(page), []).append(page)
    backend = get_search_backend()
    for model, objects in by_model.items():
        for start in range(0, len(objects), 500):
            backend.add_bulk(model, objects[start : start + 500])
    for page in pages:
        ReferenceIndex.create_or_update_for_object(page)


def seed_demo(*, plans: list, log: Log = lambda message: None, today: date | None = None) -> None:
    """Notices for 文山州 (called by ``manage.py seed_demo`` after the committees exist).
    A prefecture that already has notices is left alone."""
    today = today or timezone.localdate()
    for plan in plans:
        if plan.code != estates_demo.WENSHAN[0]:
            continue
        region = Region.objects.filter(code=plan.code).first()
        if (
            region is None
            or NoticePage.objects.filter(compound__region_path__startswith=region.path).exists()
        ):
            continue
        # A demo limited to a few compounds (``--compounds N``) gets its share.
        compounds = Compound.objects.filter(region_path__startswith=region.path).count()
        count = max(1, WENSHAN_DISCLOSING * min(compounds, WENSHAN_COMPOUNDS) // WENSHAN_COMPOUNDS)
        with transaction.atomic():
            with indexes_deferred():
                figures = seed_notices(region=region, today=today, count=count)
            indexes_update(
                [
                    *CompoundNoticesPage.objects.filter(
                        compound__region_path__startswith=region.path
                    ),
                    *NoticePage.objects.filter(compound__region_path__startswith=region.path),
                ]
            )
        log(f"{region.name}：{figures['compounds']} 个小区公示 {figures['published']} 则")
