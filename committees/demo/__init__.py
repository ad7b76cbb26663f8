"""Demo committees for the seed (``manage.py seed_demo``), deterministic from fixed seeds.

文山州 (DOMAIN 0.5): every one of the 873 compounds has one active committee, 768 业委会
and 105 物委会; each committee's current term came out of an election whose candidates
went through the joint review of the county's departments (DOMAIN §9), so the past
elections hold several thousand department reviews (person-times), a small share failed
and a few flagged for fee arrears (flags never fail, E12). Committees with at least three
formal party members registered in the community have their own branch, others with
some formal members share joint branches within their community (DOMAIN 8.1); the
companies of the 11 红色物业 compounds get a branch, a joint branch or an instructor
(DOMAIN 8.4). A few terms end within three months, a few filings are overdue, a few
committees are below half strength and two lack the branch they need, so the alarms
have entries; two elections are open (one in vetting, one with a published list).

文山州 is made the way users make data: through the services and workflows the admin
uses, with one fixed clock (``today``) passed as explicit dates, so every committee,
term, member, election, candidate, review and branch has its audit history
(:mod:`.write`); many answers at once go through the reviewers' bulk service. The rest
of 云南省 (DOMAIN 0.4: 6,829 业委会 and 9,792 物委会 over 18,800 compounds,
``--scale province``) is written in bulk (:mod:`.province`), which writes the same rows
without the history (``audited=False``). The elections in progress and the 红色物业
branches always go through the services (:mod:`.live`).

- :mod:`.plan`: what a committee will be (terms, members, election, answers);
- :mod:`.layout`: which compounds get which committee, the alarm cases, the branches;
- :mod:`.write`: writing 文山州's plan through the services (``audited``);
- :mod:`.live`: the elections in progress and the 红色物业 branches;
- :mod:`.province`: the bulk path.
"""

from __future__ import annotations

from datetime import date

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from estates import demo as estates_demo
from estates.choices import DepartmentKind
from estates.models import Region

from ..choices import FindingCategory
from ..deadlines import WorkCalendar
from ..elections.services.reviews import review_checks_configure
from ..models import ReviewCheck
from .layout import prefecture_plan
from .live import live_elections, red_property_branches
from .plan import (
    PROVINCE_MANAGEMENT,
    PROVINCE_OWNERS,
    WENSHAN_MANAGEMENT,
    WENSHAN_OWNERS,
    Log,
    _apportion,
)
from .province import write_in_bulk
from .write import write_through_services

# 综合行政执法 checks illegal construction alongside housing (DOMAIN §9 "住建/城管").
ENFORCEMENT_CHECK = (
    DepartmentKind.ENFORCEMENT,
    FindingCategory.BUILDING,
    "违法建设、占用公共部位（综合执法）",
)
# 文山州 through the services: the whole seed_demo took 75 s on SQLite and 118 s on
# PostgreSQL on 2 cores (committees 64 s and 103 s of it), within its 2-minute budget.
AUDITED = True
COUNT_LABELS = {
    "committees": _("委员会"),
    "members": _("委员"),
    "branches": _("党组织"),
    "elections": _("选举"),
    "candidates": _("候选人"),
    "reviews": _("联审意见"),
    "red_property_branches": _("红色物业党组织"),
}


def _review_checks(region: Region) -> None:
    """DOMAIN §9: the usual checks for 文山州, plus 综合执法 alongside housing. The party
    discipline check stays off: 文山州's reviewing departments have no 纪检 office, and
    vetting refuses to start while an active check has no department to answer it."""
    review_checks_configure(region=region)
    ReviewCheck.objects.filter(region=region, department_kind=DepartmentKind.DISCIPLINE).update(
        is_active=False
    )
    kind, category, description = ENFORCEMENT_CHECK
    ReviewCheck.objects.get_or_create(
        region=region,
        department_kind=kind,
        category=category,
        defaults={"description": description},
    )


def seed_demo(
    *,
    plans: list[estates_demo.PrefecturePlan],
    log: Log = lambda message: None,
    today: date | None = None,
    audited: bool = AUDITED,
) -> None:
    """Committees for the seeded prefectures (called by ``manage.py seed_demo``).
    Compounds that already have a committee are left alone, so a second run adds
    nothing. ``today`` is the demo's one clock: every date written derives from it."""
    today = today or timezone.localdate()
    calendar = WorkCalendar.load()
    admin = get_user_model().objects.filter(username="admin", is_superuser=True).first()
    others = [p for p in plans if p.code != estates_demo.WENSHAN[0]]
    sizes = [len(p.compounds) for p in others]
    owner_shares = _apportion(PROVINCE_OWNERS - WENSHAN_OWNERS, sizes)
    management_shares = _apportion(PROVINCE_MANAGEMENT - WENSHAN_MANAGEMENT, sizes)
    quota = {
        p.code: (o, m) for p, o, m in zip(others, owner_shares, management_shares, strict=True)
    }
    quota[estates_demo.WENSHAN[0]] = (WENSHAN_OWNERS, WENSHAN_MANAGEMENT)
    for plan in plans:
        region = Region.objects.filter(code=plan.code).first()
        if region is None:
            continue
        wenshan = plan.code == estates_demo.WENSHAN[0]
        counts: dict = {}
        with transaction.atomic():
            if wenshan:
                _review_checks(region)
            prefecture = prefecture_plan(
                plan,
                owners=quota[plan.code][0],
                management=quota[plan.code][1],
                today=today,
                calendar=calendar,
                with_elections=wenshan,
            )
            # 文山州 through the services as the platform administrator (the demo logins
            # exist before this runs); the other prefectures, or 文山州 without an
            # administrator or when not ``audited``, in bulk.
            if prefecture is not None and wenshan and audited and admin is not None:
                counts = write_through_services(prefecture, actor=admin, today=today)
            elif prefecture is not None:
                counts = write_in_bulk(prefecture, today)
            if prefecture is not None and wenshan:
                live_elections(prefecture.committees, today, log)
            if wenshan:
                counts["red_property_branches"] = red_property_branches(region.path, today)
        if counts:
            summary = "，".join(f"{COUNT_LABELS[k]} {v}" for k, v in counts.items() if v)
            log(f"  {region.name}：{summary}")


__all__ = ["seed_demo"]
