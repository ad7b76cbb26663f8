"""Demo owners' votes (``manage.py seed_demo``), deterministic.

文山州: a few dozen votes on filings the street has accepted (DOMAIN 11.2), in the smaller
compounds, each through the services and workflows a committee uses: the vote is created
on the filing and opened (its electorate frozen from the registry), the notice published,
the ballots of most owners imported from sheets and a last few entered one by one from
the paper ballots, every batch checked by a second member (four eyes; one batch is
rejected and entered again), then the vote is closed and counted (DOMAIN 1.3–1.6), the
preliminary result published, objections recorded and answered during the window, and
the final result published. Most votes pass; some fail for want of participation
(DOMAIN 1.3) or of approval (DOMAIN 1.4); exactly one is in its objection window today,
two are still open and one was cancelled.

The vote services judge dates by the moment they are given (``at``: a vote opens only
on or after its first day, a ballot is never dated after that day, the final result waits
for the end of the window), so the demo passes each step an explicit moment derived from
``today`` (never later than the real clock): every audit entry, ballot, batch and
objection carries the date it would have had. The votes' own created/updated times are
the real ones.
"""

from __future__ import annotations

import csv
import io
import random
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Count
from django.utils import timezone

from committees.deadlines import WorkCalendar
from committees.models import CommitteeMember
from disclosures.filings.choices import FilingStatus, ScopeKind
from disclosures.filings.models import Filing
from disclosures.filings.rules import RuleBook
from estates import demo as estates_demo
from estates.models import Compound, Region
from estates.services import role_assign

from . import publication, services
from .choices import BallotChoice, Outcome
from .importing import ballots_import
from .models import ElectorateEntry, Vote

WENSHAN_VOTES = 30  # votes taken to their final result
OPEN_VOTES = 2
MAX_UNITS = 120  # the smaller compounds: a vote there has ballots for most units
PERIOD_DAYS = 9  # first to last day of a vote

Log = Callable[[str], None]


@dataclass(frozen=True)
class Profile:
    """How the owners of one vote behave: the share of persons who vote, and the shares
    of those who agree and oppose (the rest abstain)."""

    turnout: float
    agree: float
    oppose: float


PASS = Profile(0.86, 0.86, 0.09)
NO_QUORUM = Profile(0.55, 0.82, 0.12)  # DOMAIN 1.3: fewer than 2/3 take part
SHORT = Profile(0.84, 0.40, 0.46)  # DOMAIN 1.4: approval short
IN_PROGRESS = Profile(0.45, 0.80, 0.12)
# The outcome each finished vote is planned for, by its position in a cycle of 8.
CYCLE = (PASS, PASS, NO_QUORUM, PASS, PASS, SHORT, PASS, PASS)

PROXIES = ("李明", "王芳", "张伟", "刘洋", "陈静", "杨帆")
OBJECTIONS = (
    (
        "我户投的是反对票，请核对。",
        "经核对纸质表决票和录入记录，该户表决意见记录为反对，与纸质票一致。",
    ),
    (
        "表决期间我户未收到表决票。",
        "经核实，表决票已于表决开始当日送达并由家属签收，签收记录可在业委会办公室查阅。",
    ),
    (
        "请公布各楼栋参与表决的户数。",
        "各楼栋参与表决户数已在小区公告栏补充公布，表决结果不受影响。",
    ),
)


def at(day: date, hour: int = 10, minute: int = 0) -> datetime:
    """The moment of a step on ``day``; one later today than the real clock waits at
    the real time."""
    moment = timezone.make_aware(datetime.combine(day, time(hour, minute)))
    return min(moment, timezone.now())


class Desk:
    """The two committee members of each voting compound who organise its vote: the
    first enters the ballots, the second checks them. Made once per compound (no
    password: they stand for the committee in the demo's history), named after the
    committee's current members."""

    def __init__(self):
        self.User = get_user_model()
        self.pairs: dict[int, tuple] = {}

    def _user(self, username: str, name: str, compound: Compound):
        user = self.User.objects.filter(username=username).first()
        if user is None:
            user = self.User(username=username, first_name=name, is_active=True)
            user.set_unusable_password()
            user.save()
            role_assign(user=user, role="committee_member", target=compound)
        return user

    def pair(self, compound: Compound) -> tuple:
        if compound.pk not in self.pairs:
            names = list(
                CommitteeMember.objects.filter(compound=compound, left_on__isnull=True)
                .order_by("pk")
                .values_list("name", flat=True)[:2]
            )
            names += ["业委会委员", "业委会委员"][len(names) :]
            self.pairs[compound.pk] = (
                self._user(f"bj-{compound.pk}-1", names[0], compound),
                self._user(f"bj-{compound.pk}-2", names[1], compound),
            )
        return self.pairs[compound.pk]


@dataclass
class Plan:
    filing: Filing
    kind: str  # "final", "window", "open", "cancelled"
    starts_on: date
    ends_on: date
    profile: Profile = PASS
    number: int = 0  # position among the votes taken to their final result


def candidates(region: Region, max_units: int = MAX_UNITS) -> list[tuple[Filing, date]]:
    """Accepted whole-compound filings in the smaller compounds, one per compound (its
    oldest), with the first day a vote on it may open (DOMAIN 11.2)."""
    book = RuleBook.load()
    filings = (
        Filing.objects.filter(
            compound__region_path__startswith=region.path,
            status=FilingStatus.ACCEPTED,
            scope_kind=ScopeKind.COMPOUND,
            accepted_on__isnull=False,
        )
        .annotate(unit_count=Count("compound__units"))
        .filter(unit_count__gt=0, unit_count__lte=max_units)
        .select_related("compound")
        .order_by("accepted_on", "pk")
    )
    seen: set[int] = set()
    found = []
    for filing in filings:
        if filing.compound_id in seen:
            continue
        seen.add(filing.compound_id)
        rules = book.for_path(filing.compound.region_path)
        found.append((filing, rules.earliest_vote_on(filing.accepted_on)))
    return found


def plan_votes(
    region: Region, today: date, *, count: int = WENSHAN_VOTES, max_units: int = MAX_UNITS
) -> list[Plan]:
    """Which filing gets which vote: the newest filings the votes still running (two
    open, one in its objection window), then one cancelled, then up to ``count`` of the
    older ones taken to their final result (those old enough for the whole path)."""
    calendar = WorkCalendar.load()
    pool = candidates(region, max_units)
    plans: list[Plan] = []

    def take(fits, make) -> None:
        for index in range(len(pool) - 1, -1, -1):
            filing, earliest = pool[index]
            if fits(earliest):
                plans.append(make(filing, earliest))
                del pool[index]
                return

    def running(filing: Filing, earliest: date) -> Plan:
        starts_on = max(earliest, today - timedelta(days=4))
        ends_on = starts_on + timedelta(days=PERIOD_DAYS)
        return Plan(filing, "open", starts_on, ends_on, IN_PROGRESS)

    for _n in range(OPEN_VOTES):
        take(lambda e: e <= today - timedelta(days=3), running)
    window_ends = today - timedelta(days=3)
    take(
        lambda e: e <= window_ends - timedelta(days=PERIOD_DAYS),
        lambda f, e: Plan(
            f, "window", window_ends - timedelta(days=PERIOD_DAYS), window_ends, PASS
        ),
    )
    take(
        lambda e: e <= today - timedelta(days=2),
        lambda f, e: Plan(f, "cancelled", e, e + timedelta(days=PERIOD_DAYS)),
    )
    finished = 0
    for filing, earliest in pool:
        if finished >= count:
            break
        starts_on = earliest + timedelta(days=finished % 5)
        ends_on = starts_on + timedelta(days=PERIOD_DAYS)
        # Counted the day after the last, the region's objection window (moved off a
        # rest day, DOMAIN 1.10), the final result the day after it.
        window = publication.objection_days_for(filing.compound)
        if calendar.due_date(ends_on + timedelta(days=1), window) + timedelta(days=1) > today:
            continue
        plans.append(
            Plan(filing, "final", starts_on, ends_on, CYCLE[finished % len(CYCLE)], finished)
        )
        finished += 1
    return plans


def choices_for(entries: list[ElectorateEntry], profile: Profile, seed: int) -> dict[int, str]:
    """Each voting person's one choice (SPC 9: a person's units carry one choice), by
    exact shares of the persons; returned per electorate entry."""
    persons = sorted({e.person for e in entries})
    random.Random(seed).shuffle(persons)
    voters = persons[: round(len(persons) * profile.turnout)]
    agree = round(len(voters) * profile.agree)
    oppose = round(len(voters) * profile.oppose)
    choice: dict[int, str] = {}
    for index, person in enumerate(voters):
        if index < agree:
            choice[person] = BallotChoice.AGREE
        elif index < agree + oppose:
            choice[person] = BallotChoice.OPPOSE
        else:
            choice[person] = BallotChoice.ABSTAIN
    return {e.pk: choice[e.person] for e in entries if e.person in choice}


def _sheet(rows: list[tuple[ElectorateEntry, str, date]]) -> bytes:
    """The ballots of one sitting as the committee's sheet (CSV, UTF-8)."""
    labels = dict(BallotChoice.choices)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["楼栋", "单元", "房号", "表决意见", "投票日期", "受托人"])
    for index, (entry, choice, day) in enumerate(rows):
        proxy = PROXIES[index % len(PROXIES)] if index % 13 == 5 else ""
        writer.writerow(
            [entry.building_name, entry.entrance, entry.room, str(labels[choice]), f"{day}", proxy]
        )
    return out.getvalue().encode("utf-8")


class VoteRun:
    """One vote from creation to where its plan leaves it, each step at its moment."""

    def __init__(self, plan: Plan, index: int, desk: Desk, today: date):
        self.plan, self.index, self.today = plan, index, today
        self.clerk, self.checker = desk.pair(plan.filing.compound)
        self.vote: Vote | None = None

    def open(self) -> None:
        plan = self.plan
        self.vote = services.vote_create(
            filing=plan.filing,
            actor=self.clerk,
            starts_on=plan.starts_on,
            ends_on=plan.ends_on,
            at=at(plan.starts_on - timedelta(days=1), 16),
        )
        services.vote_open(vote=self.vote, actor=self.clerk, at=at(plan.starts_on, 9))
        publication.publish_notice(vote=self.vote, actor=self.clerk, at=at(plan.starts_on, 9))

    def ballots(self, *, until: date, confirm_last: bool = True) -> None:
        """The ballots of the planned choices, cast up to ``until``: two sheets imported
        (the second day and mid-period), then the last few entered one by one from
        the paper ballots; the checker confirms each batch the same evening."""
        vote, plan = self.vote, self.plan
        entries = list(vote.electorate.order_by("building_name", "entrance", "room"))
        choice = choices_for(entries, plan.profile, seed=self.index)
        rows = [e for e in entries if e.pk in choice]
        paper = rows[-3:] if len(rows) > 10 else []
        sheets = rows[: len(rows) - len(paper)]
        half = len(sheets) // 2
        days = [plan.starts_on + timedelta(days=1), plan.starts_on + timedelta(days=5)]
        for number, (part, day) in enumerate(((sheets[:half], days[0]), (sheets[half:], days[1]))):
            if not part or day > until:
                continue
            batch_rows = [(e, choice[e.pk], day) for e in part]
            ballots = ballots_import(
                vote=vote,
                actor=self.clerk,
                data=_sheet(batch_rows),
                name=f"第{number + 1}批表决票.csv",
                at=at(day, 19),
            )
            services.batch_confirm(batch=ballots[0].batch, actor=self.checker, at=at(day, 21))
        day = min(plan.ends_on, until)
        if not paper or day <= days[0]:
            return
        batch = self._enter(paper, choice, day, 17)
        if plan.kind == "final" and plan.number == 0:
            # Four eyes at work: the checker finds a slip against the paper ballots and
            # sends the batch back; it stays void and the ballots go in again.
            services.batch_reject(
                batch=batch,
                actor=self.checker,
                reason="第2张表决票录入的房号与纸质票不符，请核对后重新录入。",
                at=at(day, 18),
            )
            batch = self._enter(paper, choice, day, 19)
        if confirm_last:
            services.batch_confirm(batch=batch, actor=self.checker, at=at(day, 21))

    def _enter(self, entries: list[ElectorateEntry], choice: dict[int, str], day: date, hour: int):
        """The paper ballots entered one a minute from ``hour`` on ``day``."""
        ballot = None
        for minute, entry in enumerate(entries):
            ballot = services.ballot_enter(
                vote=self.vote,
                actor=self.clerk,
                building=entry.building_name,
                entrance=entry.entrance,
                room=entry.room,
                choice=choice[entry.pk],
                cast_on=day,
                at=at(day, hour, minute),
            )
        return ballot.batch

    def count(self, day: date) -> None:
        services.vote_close(vote=self.vote, actor=self.clerk, at=at(day, 9))
        services.vote_count(vote=self.vote, actor=self.clerk, at=at(day, 15))
        publication.publish_preliminary(vote=self.vote, actor=self.clerk, at=at(day, 17))

    def objection(self, lodged_on: date, number: int, *, answer_on: date | None) -> None:
        content, answer = OBJECTIONS[number % len(OBJECTIONS)]
        entries = list(self.vote.electorate.order_by("pk")[:7])
        entry = entries[number % len(entries)]
        objection = publication.objection_lodge(
            vote=self.vote,
            actor=self.clerk,
            lodged_by_name=f"{entry}业主",
            content=content,
            entry=entry,
            lodged_on=lodged_on,
            at=at(lodged_on, 11),
        )
        if answer_on is not None:
            publication.objection_answer(
                objection=objection, actor=self.clerk, answer=answer, at=at(answer_on, 16)
            )

    def run(self) -> Vote:
        plan = self.plan
        self.open()
        if plan.kind == "cancelled":
            services.vote_cancel(
                vote=self.vote,
                actor=self.clerk,
                reason="物业服务企业选聘方案需按业主意见调整，本次表决取消，调整后重新报备。",
                at=at(min(plan.starts_on + timedelta(days=2), self.today), 10),
            )
            return self.vote
        if plan.kind == "open":
            # Under way: the first sheet checked, today's paper ballots awaiting checking.
            self.ballots(until=self.today, confirm_last=False)
            return self.vote
        self.ballots(until=plan.ends_on)
        counted_on = plan.ends_on + timedelta(days=1)
        self.count(counted_on)
        if plan.kind == "window":
            # Exactly one vote is in its objection window: one objection answered, one
            # still to answer.
            self.objection(counted_on + timedelta(days=1), 0, answer_on=self.today)
            self.objection(self.today, 1, answer_on=None)
            return self.vote
        if plan.number % 4 == 1:
            self.objection(
                counted_on + timedelta(days=1),
                plan.number,
                answer_on=counted_on + timedelta(days=3),
            )
        publication.publish_final(
            vote=self.vote, actor=self.clerk, at=at(self.vote.objections_until + timedelta(days=1))
        )
        return self.vote


def seed_votes(
    *, region: Region, today: date, count: int = WENSHAN_VOTES, max_units: int = MAX_UNITS
) -> dict[str, int]:
    """The votes of :func:`plan_votes`, each taken through the services to where its
    plan leaves it, at moments derived from ``today``. Returns how many ended how."""
    plans = plan_votes(region, today, count=count, max_units=max_units)
    desk = Desk()
    figures: dict[str, int] = {}
    for index, plan in enumerate(plans):
        vote = VoteRun(plan, index, desk, today).run()
        key = vote.result.get("outcome") if plan.kind == "final" else plan.kind
        figures[key] = figures.get(key, 0) + 1
    return figures


def seed_demo(*, plans: list, log: Log = lambda message: None, today: date | None = None) -> None:
    """Votes for 文山州 (called by ``manage.py seed_demo`` after the filings exist). A
    prefecture that already has votes is left alone."""
    today = today or timezone.localdate()
    for plan in plans:
        if plan.code != estates_demo.WENSHAN[0]:
            continue
        region = Region.objects.filter(code=plan.code).first()
        if (
            region is None
            or Vote.objects.filter(compound__region_path__startswith=region.path).exists()
        ):
            continue
        with transaction.atomic():
            figures = seed_votes(region=region, today=today)
        log(
            f"{region.name}：业主表决 {sum(figures.values())} 次（"
            f"通过 {figures.get(Outcome.PASSED, 0)}，"
            f"参与未达法定比例 {figures.get(Outcome.NO_QUORUM, 0)}，"
            f"同意未达法定比例 {figures.get(Outcome.REJECTED, 0)}，"
            f"异议期中 {figures.get('window', 0)}，表决中 {figures.get('open', 0)}，"
            f"已取消 {figures.get('cancelled', 0)}）"
        )
