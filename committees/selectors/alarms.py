"""Alarms for the street and community officers responsible for committees.

:func:`alarms_for` answers "which committees in my jurisdiction miss a deadline or a
rule today" with a fixed number of queries whatever the number of committees: current
terms with their member counts and branch/election facts come from one annotated query,
outgoing terms and departed members from two more, plus the calendar and rule profiles.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from math import ceil

from django.db.models import Count, Exists, OuterRef, Q, Subquery
from django.utils.translation import gettext_lazy as _

from common.jurisdiction import VIEW, scope_queryset
from estates.models import Compound

from ..choices import CommitteeKind, ElectionStatus, LeaveReason, PartyStatus, Position
from ..deadlines import WorkCalendar, add_months
from ..models.bodies import Committee, CommitteeMember, PartyBranch, Term
from ..models.elections import Election
from .committees import COMMITTEE_BRANCH_KINDS, RuleBook, latest_term_q

FIRST_MEETING_DAYS = 7  # DOMAIN 3.2
FILING_DAYS = 30  # DOMAIN 3.3
HANDOVER_DAYS = 10  # DOMAIN 3.8
MEMBER_HANDOVER_DAYS = 3  # DOMAIN 4.4
OWN_BRANCH_MIN = 3  # DOMAIN 8.1


class AlarmKind:
    FILING_OVERDUE = "filing_overdue"
    FIRST_MEETING_OVERDUE = "first_meeting_overdue"
    TERM_ENDING = "term_ending"
    BELOW_HALF = "below_half"
    HANDOVER_OVERDUE = "handover_overdue"
    MEMBER_HANDOVER_OVERDUE = "member_handover_overdue"
    BRANCH_MISSING = "branch_missing"
    PARTY_SHARE_LOW = "party_share_low"

    LABELS = {
        FILING_OVERDUE: _("逾期未备案"),
        FIRST_MEETING_OVERDUE: _("逾期未召开首次会议"),
        TERM_ENDING: _("任期将满未启动换届"),
        BELOW_HALF: _("委员不足设定人数半数"),
        HANDOVER_OVERDUE: _("换届逾期未移交"),
        MEMBER_HANDOVER_OVERDUE: _("离任委员逾期未移交"),
        BRANCH_MISSING: _("应建未建党支部"),
        PARTY_SHARE_LOW: _("党员委员比例偏低"),
    }
    CHOICES = list(LABELS.items())


MSG_FILING = _("应于%(due)s前向街道（乡镇）和区县住房城乡建设部门备案（DOMAIN 3.3）。")
MSG_FIRST_MEETING = _("应于%(due)s前召开首次会议，推选主任、副主任（DOMAIN 3.2）。")
MSG_TERM_ENDING = _("任期%(ends)s届满，应于%(start)s前启动换届选举（DOMAIN 3.8）。")
MSG_BELOW_HALF = _(
    "在任委员%(serving)s人，不足设定人数%(size)s人的半数，应召开业主大会补选（DOMAIN 3.7）。"
)
MSG_HANDOVER = _("第%(number)s届任期%(ends)s届满，应于%(due)s前向新一届移交（DOMAIN 3.8）。")
MSG_MEMBER_HANDOVER = _("%(name)s于%(left)s离任，应于%(due)s前移交档案和印章（DOMAIN 4.4）。")
MSG_BRANCH_MISSING = _(
    "有%(count)s名组织关系在本社区的正式党员委员，应单独成立党支部（DOMAIN 8.1）。"
)
MSG_PARTY_SHARE = _(
    "在任委员%(serving)s人，党员%(party)s人，按%(target)s目标应不少于%(needed)s人（DOMAIN 8.2，仅预警）。"
)


@dataclass(frozen=True)
class Alarm:
    kind: str
    compound: Compound
    committee: Committee
    due_on: date | None
    days_overdue: int  # negative: days left
    message: str

    @property
    def kind_label(self) -> str:
        return str(AlarmKind.LABELS[self.kind])

    @property
    def days_left(self) -> int:
        return -self.days_overdue

    @property
    def is_overdue(self) -> bool:
        return self.days_overdue > 0


def _serving(prefix: str = "members__") -> Q:
    return Q(**{f"{prefix}left_on__isnull": True}) & ~Q(**{f"{prefix}position": Position.RESERVE})


def _current_terms(user):
    party = _serving() & Q(members__party_status__in=[PartyStatus.FORMAL, PartyStatus.PROBATIONARY])
    formal = _serving() & Q(
        members__party_status=PartyStatus.FORMAL, members__party_registered_in_community=True
    )
    return (
        scope_queryset(Term.objects.filter(committee__is_active=True), user, VIEW)
        .filter(latest_term_q())
        .select_related("committee", "compound__region__parent")
        .annotate(
            serving_count=Count("members", filter=_serving(), distinct=True),
            party_count=Count("members", filter=party, distinct=True),
            formal_registered=Count("members", filter=formal, distinct=True),
            has_branch=Exists(
                PartyBranch.objects.filter(
                    committee_id=OuterRef("committee_id"),
                    kind__in=COMMITTEE_BRANCH_KINDS,
                    dissolved_on__isnull=True,
                )
            ),
            last_election_started=Subquery(
                Election.objects.filter(compound_id=OuterRef("compound_id"))
                .exclude(status=ElectionStatus.CANCELLED)
                .order_by("-started_on")
                .values("started_on")[:1]
            ),
        )
    )


def alarms_for(user, today: date, *, kinds: set[str] | None = None) -> list[Alarm]:
    """Every alarm in the user's view jurisdiction, most overdue first. Six queries."""
    calendar = WorkCalendar.load()
    rule_book = RuleBook.load()
    alarms: list[Alarm] = []

    def add(kind, term_or_committee, due_on, message, **params):
        committee = getattr(term_or_committee, "committee", term_or_committee)
        overdue = (today - due_on).days if due_on else 0
        alarms.append(
            Alarm(kind, committee.compound, committee, due_on, overdue, str(message % params))
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
        started = term.last_election_started
        if today >= start_by and not (started and started >= start_by):
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
        if term.formal_registered >= OWN_BRANCH_MIN and not term.has_branch:
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

    departed = (
        scope_queryset(
            CommitteeMember.objects.filter(left_on__isnull=False, handed_over_on__isnull=True),
            user,
            VIEW,
        )
        .exclude(leave_reason=LeaveReason.TERM_ENDED)  # covered by the term's handover
        .select_related("term__committee", "compound__region__parent")
    )
    for member in departed:
        committee = member.term.committee
        committee.compound = member.compound
        due = calendar.due_date(member.left_on, MEMBER_HANDOVER_DAYS)
        if today > due:
            add(
                AlarmKind.MEMBER_HANDOVER_OVERDUE,
                committee,
                due,
                MSG_MEMBER_HANDOVER,
                name=member.name,
                left=member.left_on,
                due=due,
            )

    if kinds:
        alarms = [a for a in alarms if a.kind in kinds]
    alarms.sort(key=lambda a: (-a.days_overdue if a.due_on else 0, a.compound.region_path, a.kind))
    return alarms
