"""Alarms for the street and community officers responsible for committees.

:func:`alarms_for` answers "which committees in my jurisdiction miss a deadline or a
rule today" with a fixed number of queries whatever the number of committees: current
terms with their member counts and branch/election facts come from one annotated query,
outgoing terms and members to follow up (departed, or no longer owners) from two more,
plus the calendar and rule profiles. Those who maintain the holiday calendar also get an
alarm while this year's or, from December 1st, next year's calendar is missing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import ceil

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from common.jurisdiction import VIEW, scope_queryset
from estates.models import Compound, Ownership

from ..choices import (
    BranchKind,
    CommitteeKind,
    ElectionStatus,
    LeaveReason,
    PartyStatus,
    Position,
)
from ..deadlines import WorkCalendar, add_months
from ..elections.models import Election
from ..models.bodies import OWN_BRANCH_MIN, Committee, CommitteeMember, PartyBranch, Term
from .committees import RuleBook, latest_term_q

FIRST_MEETING_DAYS = 7  # DOMAIN 3.2
FILING_DAYS = 30  # DOMAIN 3.3
HANDOVER_DAYS = 10  # DOMAIN 3.8
MEMBER_HANDOVER_DAYS = 3  # DOMAIN 4.4
CALENDAR_REMINDER = (12, 1)  # next year's holidays are due from December 1st
CALENDAR_PERM = "committees.change_calendarday"


class AlarmKind:
    FILING_OVERDUE = "filing_overdue"
    FIRST_MEETING_OVERDUE = "first_meeting_overdue"
    TERM_ENDING = "term_ending"
    BELOW_HALF = "below_half"
    HANDOVER_OVERDUE = "handover_overdue"
    MEMBER_HANDOVER_OVERDUE = "member_handover_overdue"
    BRANCH_MISSING = "branch_missing"
    PARTY_SHARE_LOW = "party_share_low"
    NOT_OWNER = "not_owner"
    CALENDAR_MISSING = "calendar_missing"

    LABELS = {
        FILING_OVERDUE: _("逾期未备案"),
        FIRST_MEETING_OVERDUE: _("逾期未召开首次会议"),
        TERM_ENDING: _("任期将满未启动换届"),
        BELOW_HALF: _("委员不足设定人数半数"),
        HANDOVER_OVERDUE: _("换届逾期未移交"),
        MEMBER_HANDOVER_OVERDUE: _("离任委员逾期未移交"),
        BRANCH_MISSING: _("应建未建党支部"),
        PARTY_SHARE_LOW: _("党员委员比例偏低"),
        NOT_OWNER: _("委员已不是业主"),
        CALENDAR_MISSING: _("节假日安排未录入"),
    }
    CHOICES = list(LABELS.items())


MSG_FILING = _("应于%(due)s前向街道（乡镇）和区县住房城乡建设部门备案。")
MSG_FIRST_MEETING = _("应于%(due)s前召开首次会议，推选主任、副主任。")
MSG_TERM_ENDING = _("任期%(ends)s届满，应于%(start)s前启动换届选举。")
MSG_BELOW_HALF = _("在任委员%(serving)s人，不足设定人数%(size)s人的半数，应召开业主大会补选。")
MSG_HANDOVER = _("第%(number)s届任期%(ends)s届满，应于%(due)s前向新一届移交。")
MSG_MEMBER_HANDOVER = _("%(name)s于%(left)s离任，应于%(due)s前移交档案和印章。")
MSG_BRANCH_MISSING = _(
    "有%(count)s名组织关系在本社区的正式党员委员，应单独成立党支部，联合党支部不能代替。"
)
MSG_PARTY_SHARE = _(
    "在任委员%(serving)s人，党员%(party)s人，按%(target)s的目标应不少于%(needed)s人（仅预警）。"
)
MSG_NOT_OWNER = _("%(name)s已不是本小区业主，委员资格自然终止，应登记离任并办理移交。")
MSG_CALENDAR_NEXT_YEAR = _(
    "尚未录入%(year)s年的法定节假日和调休安排，请在“节假日与调休”中录入，否则该年的期限只按周末推算。"
)
MSG_CALENDAR_THIS_YEAR = _(
    "尚未录入%(year)s年的法定节假日和调休安排，本年的期限只按周末推算，可能不准确。"
)
MSG_CALENDAR_UNCHECKED = _("该期限所在年份尚未录入节假日安排，只按周末推算，请核对。")


@dataclass(frozen=True)
class Alarm:
    """One alarm. ``compound`` and ``committee`` are None for the platform-wide alarm
    about the holiday calendar; ``calendar_entered`` is False when ``due_on`` falls in a
    year whose holidays have not been entered (the date may then move)."""

    kind: str
    compound: Compound | None
    committee: Committee | None
    due_on: date | None
    days_overdue: int  # negative: days left
    message: str
    calendar_entered: bool = True
    term: Term | None = None
    member_id: int | None = None

    @property
    def key(self) -> str:
        """What the alarm is about, stable from one day to the next: its kind, the
        committee, term or member, and the deadline. A new deadline (a later term, another
        member) is a new alarm; marking one handled does not hide the next."""
        return ":".join(
            [
                self.kind,
                str(self.committee.pk if self.committee else ""),
                str(self.term.pk if self.term else ""),
                str(self.member_id or ""),
                self.due_on.isoformat() if self.due_on else "",
            ]
        )

    @property
    def can_be_handled(self) -> bool:
        """The holiday calendar alarm ends when the calendar is entered, not by a note."""
        return self.committee is not None

    @property
    def kind_label(self) -> str:
        return str(AlarmKind.LABELS[self.kind])

    @property
    def days_left(self) -> int:
        return -self.days_overdue

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0

    @property
    def calendar_warning(self) -> str:
        return "" if self.calendar_entered else str(MSG_CALENDAR_UNCHECKED)


def _serving(prefix: str = "members__") -> Q:
    return Q(**{f"{prefix}left_on__isnull": True}) & ~Q(**{f"{prefix}position": Position.RESERVE})


def _current_terms(user):
    party = _serving() & Q(members__party_status__in=[PartyStatus.FORMAL, PartyStatus.PROBATIONARY])
    formal = _serving() & Q(
        members__party_status=PartyStatus.FORMAL, members__party_registered_in_community=True
    )
    open_branch = PartyBranch.objects.filter(
        committee_id=OuterRef("committee_id"), dissolved_on__isnull=True
    )
    # DOMAIN 3.8: an election under way (neither held nor cancelled), or one held after
    # this term was elected whose term is not recorded yet, means the 换届 has started.
    election_started = Election.objects.filter(compound_id=OuterRef("compound_id")).filter(
        ~Q(status__in=[ElectionStatus.HELD, ElectionStatus.CANCELLED])
        | Q(status=ElectionStatus.HELD, held_on__gt=OuterRef("elected_on"))
    )
    return (
        scope_queryset(Term.objects.filter(committee__is_active=True), user, VIEW)
        .filter(latest_term_q())
        .select_related("committee", "compound__region__parent")
        .annotate(
            serving_count=Count("members", filter=_serving(), distinct=True),
            party_count=Count("members", filter=party, distinct=True),
            formal_registered=Count("members", filter=formal, distinct=True),
            # DOMAIN 8.1: only the committee's own branch satisfies the rule for 3 or
            # more formal members; a joint branch is for committees with fewer.
            has_own_branch=Exists(open_branch.filter(kind=BranchKind.COMMITTEE)),
            election_started=Exists(election_started),
        )
    )


def _members_to_follow(user):
    """One query: members who left without handing over (DOMAIN 4.4), and members of a
    current term who no longer own a unit in the compound (DOMAIN 4.2)."""
    departed = Q(left_on__isnull=False, handed_over_on__isnull=True) & ~Q(
        leave_reason=LeaveReason.TERM_ENDED  # covered by the term's handover
    )
    owns_here = Exists(
        Ownership.objects.filter(owner_id=OuterRef("owner_id"), compound_id=OuterRef("compound_id"))
    )
    current = Exists(Term.objects.filter(pk=OuterRef("term_id")).filter(latest_term_q()))
    not_owner = Q(left_on__isnull=True, owner__isnull=False, term__committee__is_active=True) & (
        current & ~owns_here
    )
    return (
        scope_queryset(CommitteeMember.objects.all(), user, VIEW)
        .filter(departed | not_owner)
        .annotate(is_departed=ExpressionWrapper(departed, output_field=BooleanField()))
        .select_related("term__committee", "compound__region__parent")
        .order_by("pk")
    )


def calendar_alarms(user, today: date, calendar: WorkCalendar) -> list[Alarm]:
    """For those who maintain the holiday calendar: this year's calendar missing, or next
    year's from December 1st on (DOMAIN 1.10 deadlines depend on it). No query: the
    calendar is loaded and the user's permissions are cached."""
    if not user.has_perm(CALENDAR_PERM):
        return []
    alarms = []
    if today.year not in calendar.years:
        alarms.append(
            Alarm(
                AlarmKind.CALENDAR_MISSING,
                None,
                None,
                None,
                0,
                str(MSG_CALENDAR_THIS_YEAR % {"year": today.year}),
                calendar_entered=False,
            )
        )
    if today >= date(today.year, *CALENDAR_REMINDER) and today.year + 1 not in calendar.years:
        due = date(today.year, 12, 31)
        alarms.append(
            Alarm(
                AlarmKind.CALENDAR_MISSING,
                None,
                None,
                due,
                (today - due).days,
                str(MSG_CALENDAR_NEXT_YEAR % {"year": today.year + 1}),
            )
        )
    return alarms


def alarms_for(user, today: date, *, kinds: set[str] | None = None) -> list[Alarm]:
    """Every alarm in the user's view jurisdiction, most overdue first. Six queries."""
    calendar = WorkCalendar.load()
    rule_book = RuleBook.load()
    alarms: list[Alarm] = calendar_alarms(user, today, calendar)

    def add(kind, term_or_committee, due_on, message, member=None, **params):
        committee = getattr(term_or_committee, "committee", term_or_committee)
        term = term_or_committee if isinstance(term_or_committee, Term) else None
        overdue = (today - due_on).days if due_on else 0
        # Deadlines in days move off rest days (DOMAIN 1.10); the term-ending date is
        # counted in months and does not depend on the holiday calendar.
        entered = kind == AlarmKind.TERM_ENDING or not due_on or calendar.covers(due_on)
        alarms.append(
            Alarm(
                kind,
                committee.compound,
                committee,
                due_on,
                overdue,
                str(message % params),
                calendar_entered=entered,
                term=term,
                member_id=member.pk if member is not None else None,
            )
        )

    for term in _current_terms(user):
        committee = term.committee
        committee.compound = term.compound  # share the selected compound and region
        rules = rule_book.for_path(term.compound.region_path)
        if term.filed_on is None:
            due = calendar.due_date(term.elected_on, FILING_DAYS)
            if today > due:
                add(AlarmKind.FILING_OVERDUE, term, due, MSG_FILING, due=due)
        if committee.kind == CommitteeKind.OWNERS and term.first_meeting_on is None:
            due = calendar.due_date(term.elected_on, FIRST_MEETING_DAYS)
            if today > due:
                add(AlarmKind.FIRST_MEETING_OVERDUE, term, due, MSG_FIRST_MEETING, due=due)
        start_by = add_months(term.ends_on, -rules.term_change_lead_months)
        if today >= start_by and not term.election_started:
            add(
                AlarmKind.TERM_ENDING,
                term,
                start_by,
                MSG_TERM_ENDING,
                ends=term.ends_on,
                start=start_by,
            )
        if term.serving_count * 2 < committee.set_size:  # DOMAIN 3.7, E6
            add(
                AlarmKind.BELOW_HALF,
                term,
                None,
                MSG_BELOW_HALF,
                serving=term.serving_count,
                size=committee.set_size,
            )
        if term.formal_registered >= OWN_BRANCH_MIN and not term.has_own_branch:  # DOMAIN 8.1
            add(
                AlarmKind.BRANCH_MISSING,
                term,
                None,
                MSG_BRANCH_MISSING,
                count=term.formal_registered,
            )
        if committee.kind == CommitteeKind.OWNERS and term.serving_count:
            needed = ceil(rules.party_share_target * term.serving_count)
            if term.party_count < needed:  # DOMAIN 8.2, E9: 7 members need 4
                add(
                    AlarmKind.PARTY_SHARE_LOW,
                    term,
                    None,
                    MSG_PARTY_SHARE,
                    serving=term.serving_count,
                    party=term.party_count,
                    target=f"{rules.party_share_target * 100:.0f}%",
                    needed=needed,
                )

    outgoing = (
        scope_queryset(Term.objects.filter(handed_over_on__isnull=True), user, VIEW)
        .filter(~latest_term_q())
        .select_related("committee", "compound__region__parent")
    )
    for term in outgoing:
        term.committee.compound = term.compound
        due = calendar.due_date(term.ends_on, HANDOVER_DAYS)
        if today > due:
            add(
                AlarmKind.HANDOVER_OVERDUE,
                term,
                due,
                MSG_HANDOVER,
                number=term.number,
                ends=term.ends_on,
                due=due,
            )

    for member in _members_to_follow(user):
        committee = member.term.committee
        committee.compound = member.compound
        if not member.is_departed:  # DOMAIN 4.2: no longer an owner
            add(
                AlarmKind.NOT_OWNER, committee, None, MSG_NOT_OWNER, member=member, name=member.name
            )
            continue
        due = calendar.due_date(member.left_on, MEMBER_HANDOVER_DAYS)
        if today > due:
            add(
                AlarmKind.MEMBER_HANDOVER_OVERDUE,
                committee,
                due,
                MSG_MEMBER_HANDOVER,
                member=member,
                name=member.name,
                left=member.left_on,
                due=due,
            )

    if kinds:
        alarms = [a for a in alarms if a.kind in kinds]
    alarms.sort(
        key=lambda a: (
            -a.days_overdue if a.due_on else 0,
            a.compound.region_path if a.compound else "",
            a.kind,
        )
    )
    return alarms
