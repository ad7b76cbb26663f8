"""Writes for committees: forming a committee with its first term, term events (first
meeting, filing, handover, 换届), members leaving and reserves moving up, seals,
archives and party branches.

Every service is atomic, keyword-only and audited through Wagtail's log; a refusal
raises ``ValidationError`` (or ``PermissionDenied``) with a message constant below and
leaves the database as it was.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.log_actions import log

from common.access import authorise
from common.jurisdiction import MANAGE
from estates.models import Compound, Owner, Ownership, PropertyCompany, Unit

from ..choices import (
    ArchiveKind,
    BranchKind,
    CandidateStatus,
    CommitteeKind,
    ElectionStatus,
    LeaveReason,
    PartyStatus,
    Position,
)
from ..deadlines import add_years
from ..elections.models import Candidate, Election
from ..models.bodies import (
    BRANCH_MAX_MEMBERS,
    MSG_BRANCH_SIZE,
    OWN_BRANCH_MIN,
    ArchiveRecord,
    Committee,
    CommitteeMember,
    PartyBranch,
    Seal,
    Term,
)
from ..selectors.committees import COMMITTEE_BRANCH_KINDS, Rules, rules_for

MSG_DENIED = _("您没有权限在该小区执行此操作。")
MSG_SECOND_ACTIVE = _("该小区已有在任的业委会或物委会，不能再组建。")
MSG_OWNERS_SIZE = _("业委会委员人数应为5至11人的单数。")
MSG_OWNERS_SIZE_SMALL = _("业委会委员人数应为5至11人的单数；100户以下小区可为3人。")
MSG_MANAGEMENT_SIZE = _("物委会委员人数应为不少于%(min)s人的单数。")
MSG_MANAGEMENT_OWNERS = _("物委会委员中业主代表应不少于%(share)s。")
MSG_MANAGEMENT_CHAIR = _(
    "本地规则要求物委会主任由居民委员会代表担任，请在名单中指定一名非业主的主任。"
)
MSG_MANAGEMENT_VICE_CHAIR = _("本地规则要求物委会副主任由业主担任。")
MSG_MEMBER_COUNT = _("委员名单人数（%(count)s人）与设定人数（%(size)s人）不一致。")
MSG_NOT_OWNER = _("业委会委员须为本小区业主：%(names)s 不是本小区业主。")
MSG_FAILED_CANDIDATE = _("%(names)s 未通过本小区最近一次选举的资格联审，不能担任委员。")
MSG_NOT_ELECTED = _("%(names)s 不是本次选举通过资格联审的候选人，不能担任委员。")
MSG_ELECTION_NOT_HELD = _("只能根据已完成的选举产生委员会，该选举尚未完成。")
MSG_ELECTION_OTHER = _("该选举不是本委员会的换届选举。")
MSG_ELECTION_KIND = _("该选举的委员会类型与要产生的委员会不一致。")
MSG_ELECTION_USED = _("该选举已产生过一届委员会。")
MSG_REGISTER_REASON = _("登记系统上线前已成立的委员会，须填写理由。")
MSG_REGISTER_HAS_ELECTION = _("该小区在系统中已有选举记录，委员会应根据选举结果产生。")
MSG_DUPLICATE_MEMBER = _("同一业主不能重复列入委员名单：%(names)s。")
MSG_ONE_CHAIR = _("一届委员会只能有一名主任。")
MSG_RESERVE_ORDER = _("候补委员须填写互不相同的候补顺序。")
MSG_TERM_TOO_LONG = _("任期不得超过5年。")
MSG_TERM_DATES = _("任期届满日期须晚于任期开始日期。")
MSG_BEFORE_ELECTION = _("日期不能早于选举日期。")
MSG_FIRST_MEETING_DONE = _("本届首次会议已登记。")
MSG_NOT_SERVING = _("%(name)s 不是本届在任委员。")
MSG_ALREADY_FILED = _("本届委员会已备案。")
MSG_FILING_REFERENCE = _("请填写备案编号。")
MSG_ALREADY_HANDED_OVER = _("已登记移交。")
MSG_NO_NEXT_TERM = _("新一届委员会产生后才能登记移交。")
MSG_ALREADY_LEFT = _("该委员已离任。")
MSG_LEAVE_BEFORE_START = _("离任日期不能早于任职日期。")
MSG_LEAVE_REASON = _("请选择离任原因。")
MSG_NOT_LEFT = _("该委员尚未离任。")
MSG_NO_VACANCY = _("委员会没有空缺，无需递补。")
MSG_NO_RESERVE = _("没有可递补的候补委员，应召开业主大会补选。")
MSG_INACTIVE = _("该委员会已撤销。")
MSG_SEAL_BEFORE_FILING = _("委员会备案后才能刻制印章。")
MSG_SEAL_KEEPER = _("印章保管人须为本届在任委员。")
MSG_BRANCH_TOO_FEW = _(
    "本社区正式党员委员不足3名（现有%(count)s名），不能单独成立党支部，应成立联合党支部。"
)
MSG_BRANCH_EXISTS = _("该委员会已有党支部。")
MSG_BRANCH_COUNT = _("党员人数不能为负数。")
MSG_BRANCH_JOINT_TOO_MANY = _(
    "本社区正式党员委员已有%(count)s名，应单独成立党支部，不能以联合党支部代替。"
)
MSG_BRANCH_DISSOLVED_EARLY = _("撤销日期不能早于成立日期。")
MSG_BRANCH_KIND = _("请选择物业企业党支部、联合党支部或党建指导员。")
MSG_NO_COMPANY = _("该小区没有登记物业服务企业。")


@dataclass(frozen=True)
class MemberSpec:
    """One elected member (or reserve) of a new term."""

    name: str = ""
    owner: Owner | None = None
    position: str = Position.MEMBER
    party_status: str = PartyStatus.NONE
    party_registered_in_community: bool = False
    reserve_order: int | None = None
    cross_appointment: str = ""

    @property
    def display_name(self) -> str:
        return self.name or (self.owner.name if self.owner else "")


def _authorise(actor, perm: str, compound: Compound) -> None:
    """Role (model permission) and a manage grant over the compound (STYLE 2.5)."""
    authorise(actor, perm, compound, level=MANAGE, message=MSG_DENIED)


def _audit(instance, action: str, actor, **data: Any) -> None:
    log(instance=instance, action=action, user=actor, data=_jsonable(data))


def _jsonable(data: dict[str, Any]) -> dict[str, Any]:
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


def _percent(share) -> str:
    return f"{share * 100:.0f}%"


def validate_size(*, compound: Compound, kind: str, set_size: int, rules: Rules) -> None:
    """DOMAIN 3.1 (业委会 5–11, odd; Hangzhou 3 for ≤100 households) and 7.2 (物委会 odd
    ≥7, configurable)."""
    if kind == CommitteeKind.OWNERS:
        if set_size % 2 == 1 and 5 <= set_size <= 11:
            return
        if set_size == 3 and rules.small_committee_allowed:
            households = Unit.objects.filter(compound=compound).count()
            if households <= rules.small_committee_max_households:
                return
        message = MSG_OWNERS_SIZE_SMALL if rules.small_committee_allowed else MSG_OWNERS_SIZE
        raise ValidationError(message, code="committee_size")
    if set_size % 2 == 0 or set_size < rules.management_min_size:
        raise ValidationError(
            MSG_MANAGEMENT_SIZE,
            code="committee_size",
            params={"min": rules.management_min_size},
        )


def validate_management(*, serving: list[MemberSpec], rules: Rules) -> None:
    """DOMAIN 7.2 (Beijing), where the region's rule profile asks for it: owners hold at
    least the set share of the seats; the 居委会's representative (a seat without an
    owner) chairs and every vice-chair is an owner. National rules set neither."""
    if rules.management_owner_share_required:
        owner_seats = sum(m.owner is not None for m in serving)
        if owner_seats < rules.management_owner_share * len(serving):
            raise ValidationError(
                MSG_MANAGEMENT_OWNERS,
                code="management_owners",
                params={"share": _percent(rules.management_owner_share)},
            )
    if rules.management_community_chair:
        chairs = [m for m in serving if m.position == Position.CHAIR]
        if len(chairs) != 1 or chairs[0].owner is not None:
            raise ValidationError(MSG_MANAGEMENT_CHAIR, code="management_chair")
        vice_chairs = [m for m in serving if m.position == Position.VICE_CHAIR]
        if any(m.owner is None for m in vice_chairs):
            raise ValidationError(MSG_MANAGEMENT_VICE_CHAIR, code="management_vice_chair")


def validate_management_officers(*, term: Term, chair: CommitteeMember | None, vice_chairs) -> None:
    """DOMAIN 7.2 (Beijing), where the profile asks: a 物委会's chair chosen later is
    still the 居委会's representative (no owner seat) and its vice-chairs are owners."""
    if not rules_for(term.compound).management_community_chair:
        return
    if chair is not None and chair.owner_id is not None:
        raise ValidationError(MSG_MANAGEMENT_CHAIR, code="management_chair")
    if any(m.owner_id is None for m in vice_chairs):
        raise ValidationError(MSG_MANAGEMENT_VICE_CHAIR, code="management_vice_chair")


def validate_members(
    *, compound: Compound, kind: str, set_size: int, members: list[MemberSpec], rules: Rules
) -> None:
    """The list matches the set size; 业委会 members are owners in the compound (DOMAIN
    4.1); a 物委会 has at least the configured share of owners (DOMAIN 7.2)."""
    serving = [m for m in members if m.position != Position.RESERVE]
    reserves = [m for m in members if m.position == Position.RESERVE]
    if len(serving) != set_size:
        raise ValidationError(
            MSG_MEMBER_COUNT,
            code="member_count",
            params={"count": len(serving), "size": set_size},
        )
    if sum(m.position == Position.CHAIR for m in serving) > 1:
        raise ValidationError(MSG_ONE_CHAIR, code="one_chair")
    orders = [m.reserve_order for m in reserves]
    if None in orders or len(set(orders)) != len(orders):
        raise ValidationError(MSG_RESERVE_ORDER, code="reserve_order")
    owner_ids = Counter(m.owner.pk for m in members if m.owner is not None)
    duplicates = [m.display_name for m in members if m.owner and owner_ids[m.owner.pk] > 1]
    if duplicates:
        raise ValidationError(
            MSG_DUPLICATE_MEMBER,
            code="duplicate_member",
            params={"names": "、".join(sorted(set(duplicates)))},
        )
    owners_here = set(
        Ownership.objects.filter(compound=compound, owner_id__in=owner_ids).values_list(
            "owner_id", flat=True
        )
    )
    # 物委会 seats for the 居委会 or street may go to non-owners; an owner seat still
    # has to be an owner here.
    strangers = [
        m.display_name
        for m in members
        if (m.owner is None and kind == CommitteeKind.OWNERS)
        or (m.owner is not None and m.owner.pk not in owners_here)
    ]
    if strangers:
        raise ValidationError(
            MSG_NOT_OWNER, code="not_owner", params={"names": "、".join(strangers)}
        )
    # A candidate the joint review failed cannot stand (DOMAIN §9): not in the latest
    # election of this compound that reached the review.
    latest = (
        Election.objects.filter(compound=compound)
        .exclude(
            status__in=[ElectionStatus.DRAFT, ElectionStatus.NOMINATING, ElectionStatus.CANCELLED]
        )
        .order_by("-started_on", "-pk")
        .values("pk")[:1]
    )
    failed = list(
        Candidate.objects.filter(
            election__in=latest, owner_id__in=owner_ids, status=CandidateStatus.FAILED
        ).values_list("name", flat=True)
    )
    if failed:
        raise ValidationError(
            MSG_FAILED_CANDIDATE, code="failed_candidate", params={"names": "、".join(failed)}
        )
    if kind == CommitteeKind.MANAGEMENT:
        validate_management(serving=serving, rules=rules)


def _term_dates(
    *, kind: str, elected_on: date, starts_on: date | None, ends_on: date | None
) -> tuple[date, date]:
    """DOMAIN 3.1: a term lasts at most 5 years; 物委会 default 3 years (7.2)."""
    starts_on = starts_on or elected_on
    if starts_on < elected_on:
        raise ValidationError(MSG_BEFORE_ELECTION, code="before_election")
    if ends_on is None:
        years = 5 if kind == CommitteeKind.OWNERS else 3
        ends_on = add_years(starts_on, years) - timedelta(days=1)
    if ends_on <= starts_on:
        raise ValidationError(MSG_TERM_DATES, code="term_dates")
    if ends_on >= add_years(starts_on, 5):
        raise ValidationError(MSG_TERM_TOO_LONG, code="term_too_long")
    return starts_on, ends_on


def _create_members(*, term: Term, members: list[MemberSpec]) -> list[CommitteeMember]:
    return CommitteeMember.objects.bulk_create(
        CommitteeMember(
            term=term,
            compound_id=term.compound_id,
            owner=m.owner,
            name=m.display_name,
            position=m.position,
            reserve_order=m.reserve_order if m.position == Position.RESERVE else None,
            started_on=term.starts_on,
            party_status=m.party_status,
            party_registered_in_community=m.party_registered_in_community,
            cross_appointment=m.cross_appointment,
        )
        for m in members
    )


def _held_election(
    election: Election, *, compound: Compound, kind: str, committee: Committee | None = None
) -> Election:
    """The held election a term comes from (DOMAIN §9, 3.8): locked, of this compound
    and kind (and of this committee for 换届), and not yet used for a term."""
    election = Election.objects.select_for_update().get(pk=election.pk)
    if election.compound_id != compound.pk or (
        committee is not None and election.committee_id != committee.pk
    ):
        raise ValidationError(MSG_ELECTION_OTHER, code="election_other")
    if election.kind != kind:
        raise ValidationError(MSG_ELECTION_KIND, code="election_kind")
    if election.status != ElectionStatus.HELD or election.held_on is None:
        raise ValidationError(MSG_ELECTION_NOT_HELD, code="election_not_held")
    if election.term_id is not None:
        raise ValidationError(MSG_ELECTION_USED, code="election_used")
    return election


def validate_elected(*, election: Election, members: list[MemberSpec]) -> None:
    """Vetting binds who takes a seat (DOMAIN §9): every owner on the list, reserves
    included, is a candidate of the election whom the joint review passed. Seats without
    an owner exist only on a 物委会 (the 居委会's or street's representatives, DOMAIN 7.2),
    which validate_members checks."""
    passed = set(
        Candidate.objects.filter(election=election, status=CandidateStatus.PASSED).values_list(
            "owner_id", flat=True
        )
    )
    outsiders = [
        m.display_name for m in members if m.owner is not None and m.owner.pk not in passed
    ]
    if outsiders:
        raise ValidationError(
            MSG_NOT_ELECTED, code="not_elected", params={"names": "、".join(outsiders)}
        )


def _create_committee(
    *,
    compound: Compound,
    kind: str,
    set_size: int,
    elected_on: date,
    members: list[MemberSpec],
    starts_on: date | None,
    ends_on: date | None,
    election: Election | None = None,
) -> tuple[Committee, Term]:
    """A committee with its first term and members, after the size and member rules
    (and, from an election, only its passed candidates)."""
    if Committee.objects.filter(compound=compound, is_active=True).exists():
        raise ValidationError(MSG_SECOND_ACTIVE, code="second_active")
    rules = rules_for(compound)
    validate_size(compound=compound, kind=kind, set_size=set_size, rules=rules)
    validate_members(compound=compound, kind=kind, set_size=set_size, members=members, rules=rules)
    if election is not None:
        validate_elected(election=election, members=members)
    starts_on, ends_on = _term_dates(
        kind=kind, elected_on=elected_on, starts_on=starts_on, ends_on=ends_on
    )
    try:
        with transaction.atomic():
            committee = Committee.objects.create(
                compound=compound, kind=kind, set_size=set_size, formed_on=elected_on
            )
    except IntegrityError:
        # committee_one_active_per_compound: a concurrent formation won the race.
        raise ValidationError(MSG_SECOND_ACTIVE, code="second_active") from None
    term = Term.objects.create(
        committee=committee,
        compound=compound,
        number=1,
        elected_on=elected_on,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _create_members(term=term, members=members)
    return committee, term


@transaction.atomic
def committee_form(
    *,
    election: Election,
    set_size: int,
    members: list[MemberSpec],
    actor,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Committee:
    """Form a 业委会 or 物委会 from a held election: its first term and members, who are
    the election's passed candidates (DOMAIN §9)."""
    compound = Compound.objects.get(pk=election.compound_id)
    _authorise(actor, "committees.add_committee", compound)
    election = _held_election(election, compound=compound, kind=election.kind)
    committee, term = _create_committee(
        compound=compound,
        kind=election.kind,
        set_size=set_size,
        elected_on=election.held_on,
        members=members,
        starts_on=starts_on,
        ends_on=ends_on,
        election=election,
    )
    election.term = term
    election.save(update_fields=["term", "updated_at"])
    _audit(
        committee,
        "committees.committee.form",
        actor,
        kind=election.kind,
        set_size=set_size,
        elected_on=election.held_on,
        election=election.pk,
        members=[m.display_name for m in members],
    )
    return committee


@transaction.atomic
def committee_register_existing(
    *,
    compound: Compound,
    kind: str,
    set_size: int,
    elected_on: date,
    members: list[MemberSpec],
    reason: str,
    actor,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Committee:
    """Register a committee elected before the system was used (no election in it),
    with the reason; its history shows it as registered, not elected here. A compound
    with an election in the system forms its committee from that election instead."""
    _authorise(actor, "committees.add_committee", compound)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(MSG_REGISTER_REASON, code="register_reason")
    if Election.objects.filter(compound=compound).exclude(status=ElectionStatus.CANCELLED).exists():
        raise ValidationError(MSG_REGISTER_HAS_ELECTION, code="register_has_election")
    committee, _term = _create_committee(
        compound=compound,
        kind=kind,
        set_size=set_size,
        elected_on=elected_on,
        members=members,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    _audit(
        committee,
        "committees.committee.register_existing",
        actor,
        kind=kind,
        set_size=set_size,
        elected_on=elected_on,
        reason=reason,
        members=[m.display_name for m in members],
    )
    return committee


@transaction.atomic
def term_create_next(
    *,
    committee: Committee,
    election: Election,
    members: list[MemberSpec],
    actor,
    set_size: int | None = None,
    starts_on: date | None = None,
    ends_on: date | None = None,
) -> Term:
    """换届 (DOMAIN 3.8): the next term from the committee's held election, its members
    the election's passed candidates (DOMAIN §9); the outgoing term's members leave when
    it ends, and its handover is then due within 10 days."""
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    compound = committee.compound
    _authorise(actor, "committees.add_term", compound)
    if not committee.is_active:
        raise ValidationError(MSG_INACTIVE, code="inactive")
    election = _held_election(election, compound=compound, kind=committee.kind, committee=committee)
    elected_on = election.held_on
    set_size = set_size or committee.set_size
    rules = rules_for(compound)
    validate_size(compound=compound, kind=committee.kind, set_size=set_size, rules=rules)
    validate_members(
        compound=compound, kind=committee.kind, set_size=set_size, members=members, rules=rules
    )
    validate_elected(election=election, members=members)
    previous = committee.terms.order_by("-number").first()
    starts_on, ends_on = _term_dates(
        kind=committee.kind, elected_on=elected_on, starts_on=starts_on, ends_on=ends_on
    )
    term = Term.objects.create(
        committee=committee,
        compound=compound,
        number=(previous.number + 1) if previous else 1,
        elected_on=elected_on,
        starts_on=starts_on,
        ends_on=ends_on,
    )
    if previous is not None:
        previous.members.filter(left_on__isnull=True).update(
            left_on=min(previous.ends_on, starts_on), leave_reason=LeaveReason.TERM_ENDED
        )
    if committee.set_size != set_size:
        committee.set_size = set_size
        committee.save(update_fields=["set_size", "updated_at"])
    _create_members(term=term, members=members)
    election.term = term
    election.save(update_fields=["term", "updated_at"])
    _audit(
        term,
        "committees.term.create",
        actor,
        number=term.number,
        elected_on=elected_on,
        election=election.pk,
        members=[m.display_name for m in members],
    )
    return term


def _locked_term(term: Term) -> Term:
    return Term.objects.select_for_update().select_related("committee").get(pk=term.pk)


@transaction.atomic
def term_record_first_meeting(
    *,
    term: Term,
    on: date,
    actor,
    chair: CommitteeMember | None = None,
    vice_chairs: list[CommitteeMember] | tuple = (),
) -> Term:
    """The first meeting chooses the chair and vice-chairs (DOMAIN 3.2: due within 7 days;
    a late meeting is still recorded and the alarm shows it was late)."""
    term = _locked_term(term)
    _authorise(actor, "committees.change_term", term.compound)
    if term.first_meeting_on is not None:
        raise ValidationError(MSG_FIRST_MEETING_DONE, code="first_meeting_done")
    if on < term.elected_on:
        raise ValidationError(MSG_BEFORE_ELECTION, code="before_election")
    chosen = [m for m in [chair, *vice_chairs] if m is not None]
    serving_ids = set(
        term.members.filter(left_on__isnull=True)
        .exclude(position=Position.RESERVE)
        .values_list("pk", flat=True)
    )
    for member in chosen:
        if member.pk not in serving_ids:
            raise ValidationError(MSG_NOT_SERVING, code="not_serving", params={"name": member.name})
    if term.committee.kind == CommitteeKind.MANAGEMENT:
        validate_management_officers(term=term, chair=chair, vice_chairs=vice_chairs)
    if chair is not None:
        term.members.filter(position=Position.CHAIR).exclude(pk=chair.pk).update(
            position=Position.MEMBER
        )
        CommitteeMember.objects.filter(pk=chair.pk).update(position=Position.CHAIR)
    if vice_chairs:
        CommitteeMember.objects.filter(pk__in=[m.pk for m in vice_chairs]).update(
            position=Position.VICE_CHAIR
        )
    term.first_meeting_on = on
    term.save(update_fields=["first_meeting_on", "updated_at"])
    _audit(
        term,
        "committees.term.first_meeting",
        actor,
        on=on,
        chair=chair.name if chair else "",
        vice_chairs=[m.name for m in vice_chairs],
    )
    return term


@transaction.atomic
def term_file(*, term: Term, on: date, reference: str, actor) -> Term:
    """备案 with the street and the housing authority (DOMAIN 3.3: due within 30 days;
    late filing is accepted, the alarm showed the delay)."""
    term = _locked_term(term)
    _authorise(actor, "committees.change_term", term.compound)
    if term.filed_on is not None:
        raise ValidationError(MSG_ALREADY_FILED, code="already_filed")
    if on < term.elected_on:
        raise ValidationError(MSG_BEFORE_ELECTION, code="before_election")
    reference = reference.strip()
    if not reference:
        raise ValidationError(MSG_FILING_REFERENCE, code="filing_reference")
    term.filed_on, term.filing_reference = on, reference
    term.save(update_fields=["filed_on", "filing_reference", "updated_at"])
    _audit(term, "committees.term.file", actor, on=on, reference=reference)
    return term


@transaction.atomic
def term_hand_over(*, term: Term, on: date, actor) -> Term:
    """The outgoing committee handed everything to the new one (DOMAIN 3.8)."""
    term = _locked_term(term)
    _authorise(actor, "committees.change_term", term.compound)
    if term.handed_over_on is not None:
        raise ValidationError(MSG_ALREADY_HANDED_OVER, code="already_handed_over")
    if not Term.objects.filter(committee_id=term.committee_id, number__gt=term.number).exists():
        raise ValidationError(MSG_NO_NEXT_TERM, code="no_next_term")
    term.handed_over_on = on
    term.save(update_fields=["handed_over_on", "updated_at"])
    _audit(term, "committees.term.hand_over", actor, on=on)
    return term


@transaction.atomic
def member_leave(*, member: CommitteeMember, on: date, reason: str, actor) -> CommitteeMember:
    """A member's seat ends (DOMAIN 4.2 automatic end, 4.3 removal); the archives and seals
    are then due back within 3 days (4.4)."""
    member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
    _authorise(actor, "committees.change_committeemember", member.compound)
    if member.left_on is not None:
        raise ValidationError(MSG_ALREADY_LEFT, code="already_left")
    if reason not in LeaveReason.values:
        raise ValidationError(MSG_LEAVE_REASON, code="leave_reason")
    if on < member.started_on:
        raise ValidationError(MSG_LEAVE_BEFORE_START, code="leave_before_start")
    member.left_on, member.leave_reason = on, reason
    member.save(update_fields=["left_on", "leave_reason", "updated_at"])
    _audit(member, "committees.member.leave", actor, on=on, reason=reason)
    return member


@transaction.atomic
def member_hand_over(*, member: CommitteeMember, on: date, actor) -> CommitteeMember:
    """A former member handed over archives and seals (DOMAIN 4.4)."""
    member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
    _authorise(actor, "committees.change_committeemember", member.compound)
    if member.left_on is None:
        raise ValidationError(MSG_NOT_LEFT, code="not_left")
    if member.handed_over_on is not None:
        raise ValidationError(MSG_ALREADY_HANDED_OVER, code="already_handed_over")
    member.handed_over_on = on
    member.save(update_fields=["handed_over_on", "updated_at"])
    Seal.objects.filter(keeper=member, returned_on__isnull=True).update(returned_on=on)
    _audit(member, "committees.member.hand_over", actor, on=on)
    return member


@transaction.atomic
def reserve_promote(*, term: Term, on: date, actor) -> list[CommitteeMember]:
    """Reserves fill vacancies in vote order (DOMAIN 3.7 local variant); with none left
    the committee must re-elect, which the alarm shows while it is below half."""
    term = _locked_term(term)
    _authorise(actor, "committees.change_committeemember", term.compound)
    serving = term.members.filter(left_on__isnull=True).exclude(position=Position.RESERVE).count()
    vacancies = term.committee.set_size - serving
    if vacancies <= 0:
        raise ValidationError(MSG_NO_VACANCY, code="no_vacancy")
    reserves = list(
        term.members.filter(left_on__isnull=True, position=Position.RESERVE).order_by(
            "reserve_order"
        )[:vacancies]
    )
    if not reserves:
        raise ValidationError(MSG_NO_RESERVE, code="no_reserve")
    for member in reserves:
        member.position, member.started_on = Position.MEMBER, on
        member.save(update_fields=["position", "started_on", "updated_at"])
        _audit(member, "committees.member.promote", actor, on=on, order=member.reserve_order)
    return reserves


@transaction.atomic
def seal_register(
    *, committee: Committee, name: str, made_on: date, keeper: CommitteeMember, actor
) -> Seal:
    """Seals are made only after filing (DOMAIN 3.3) and each has one named keeper, a
    serving member (3.6)."""
    _authorise(actor, "committees.add_seal", committee.compound)
    if not committee.is_active:
        raise ValidationError(MSG_INACTIVE, code="inactive")
    term = committee.terms.order_by("-number").first()
    if term is None or term.filed_on is None or made_on < term.filed_on:
        raise ValidationError(MSG_SEAL_BEFORE_FILING, code="seal_before_filing")
    keeper_serving = (
        term.members.filter(pk=keeper.pk, left_on__isnull=True)
        .exclude(position=Position.RESERVE)
        .exists()
    )
    if not keeper_serving:
        raise ValidationError(MSG_SEAL_KEEPER, code="seal_keeper")
    seal = Seal.objects.create(
        committee=committee,
        compound_id=committee.compound_id,
        name=name,
        made_on=made_on,
        keeper=keeper,
    )
    _audit(seal, "committees.seal.register", actor, name=name, keeper=keeper.name, made_on=made_on)
    return seal


@transaction.atomic
def archive_add(
    *,
    committee: Committee,
    kind: str,
    title: str,
    dated_on: date,
    actor,
    document=None,
) -> ArchiveRecord:
    """File a record in the committee's archive (DOMAIN 3.6)."""
    _authorise(actor, "committees.add_archiverecord", committee.compound)
    record = ArchiveRecord(
        committee=committee,
        compound_id=committee.compound_id,
        kind=kind,
        title=title,
        dated_on=dated_on,
        document=document,
    )
    record.full_clean()
    record.save()
    _audit(record, "committees.archive.add", actor, kind=ArchiveKind(kind).value, title=title)
    return record


def formal_members_registered(term: Term) -> int:
    """Formal party members serving on the term whose membership is in the community
    (DOMAIN 8.1 counts only these; probationary members do not count)."""
    return (
        term.members.filter(
            left_on__isnull=True,
            party_status=PartyStatus.FORMAL,
            party_registered_in_community=True,
        )
        .exclude(position=Position.RESERVE)
        .count()
    )


@transaction.atomic
def party_branch_create(
    *,
    committee: Committee,
    name: str,
    founded_on: date,
    actor,
    secretary: str = "",
    kind: str | None = None,
    member_count: int | None = None,
) -> PartyBranch:
    """A committee with ≥3 formal party members registered in the community sets up its own
    branch, which a joint branch cannot replace; with fewer, its members join a joint
    branch (DOMAIN 8.1, E9). Without a ``kind`` the rule picks one. When a committee
    that was in a joint branch sets up its own, its place in the joint branch ends."""
    _authorise(actor, "committees.add_partybranch", committee.compound)
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    if not committee.is_active:
        raise ValidationError(MSG_INACTIVE, code="inactive")
    open_branches = PartyBranch.objects.filter(
        committee=committee, kind__in=COMMITTEE_BRANCH_KINDS, dissolved_on__isnull=True
    )
    term = committee.terms.order_by("-number").first()
    formal = formal_members_registered(term) if term else 0
    own_branch = formal >= OWN_BRANCH_MIN
    if kind is None:
        kind = BranchKind.COMMITTEE if own_branch else BranchKind.JOINT
    if kind not in COMMITTEE_BRANCH_KINDS:
        raise ValidationError(MSG_BRANCH_KIND, code="branch_kind")
    if open_branches.filter(kind=BranchKind.COMMITTEE).exists() or (
        kind == BranchKind.JOINT and open_branches.exists()
    ):
        raise ValidationError(MSG_BRANCH_EXISTS, code="branch_exists")
    if kind == BranchKind.COMMITTEE and not own_branch:
        raise ValidationError(MSG_BRANCH_TOO_FEW, code="branch_too_few", params={"count": formal})
    if kind == BranchKind.JOINT and own_branch:
        raise ValidationError(
            MSG_BRANCH_JOINT_TOO_MANY, code="branch_own_required", params={"count": formal}
        )
    member_count = formal if member_count is None else member_count
    _check_branch_size(member_count)
    for joint in open_branches.filter(kind=BranchKind.JOINT):
        joint.dissolved_on = max(founded_on, joint.founded_on)
        joint.save(update_fields=["dissolved_on", "updated_at"])
        _audit(joint, "committees.partybranch.update", actor, dissolved_on=joint.dissolved_on)
    branch = PartyBranch.objects.create(
        kind=kind,
        name=name,
        compound_id=committee.compound_id,
        committee=committee,
        property_company_id=committee.compound.property_company_id,
        secretary=secretary,
        member_count=member_count,
        founded_on=founded_on,
    )
    _audit(branch, "committees.partybranch.create", actor, kind=kind, formal_members=formal)
    return branch


UNCHANGED: Any = object()  # an argument not given to an update service


def _check_branch_size(member_count: int) -> None:
    """DOMAIN 8.1: at most 50 members per branch, on creation and on every edit."""
    if member_count < 0:
        raise ValidationError(MSG_BRANCH_COUNT, code="branch_count")
    if member_count > BRANCH_MAX_MEMBERS:
        raise ValidationError(MSG_BRANCH_SIZE, code="branch_size")


@transaction.atomic
def party_branch_update(
    *,
    branch: PartyBranch,
    actor,
    name: Any = UNCHANGED,
    secretary: Any = UNCHANGED,
    member_count: Any = UNCHANGED,
    dissolved_on: Any = UNCHANGED,
) -> PartyBranch:
    """Edit a branch's name, secretary, size or dissolution (``None`` reopens it); the
    50-member limit holds (DOMAIN 8.1). Arguments not given stay as they are; a change
    is audited."""
    branch = PartyBranch.objects.select_for_update().get(pk=branch.pk)
    _authorise(actor, "committees.change_partybranch", branch.compound)
    wanted = {
        "name": name,
        "secretary": secretary,
        "member_count": member_count,
        "dissolved_on": dissolved_on,
    }
    changed = {
        field: value
        for field, value in wanted.items()
        if value is not UNCHANGED and getattr(branch, field) != value
    }
    if "member_count" in changed:
        _check_branch_size(changed["member_count"])
    if changed.get("dissolved_on") and changed["dissolved_on"] < branch.founded_on:
        raise ValidationError(MSG_BRANCH_DISSOLVED_EARLY, code="branch_dissolved_early")
    if not changed:
        return branch
    for field, value in changed.items():
        setattr(branch, field, value)
    branch.full_clean(validate_unique=False)
    branch.save(update_fields=[*changed, "updated_at"])
    _audit(branch, "committees.partybranch.update", actor, **changed)
    return branch


RED_PROPERTY_KINDS = (BranchKind.COMPANY, BranchKind.JOINT, BranchKind.INSTRUCTOR)


@transaction.atomic
def red_property_branch_create(
    *,
    compound: Compound,
    kind: str,
    name: str,
    founded_on: date,
    actor,
    secretary: str = "",
    property_company: PropertyCompany | None = None,
    member_count: int = 0,
) -> PartyBranch:
    """红色物业 (DOMAIN 8.4): the compound's service company gets a branch, a joint branch
    or an assigned party-building instructor."""
    _authorise(actor, "committees.add_partybranch", compound)
    if kind not in RED_PROPERTY_KINDS:
        raise ValidationError(MSG_BRANCH_KIND, code="branch_kind")
    company = property_company or compound.property_company
    if company is None:
        raise ValidationError(MSG_NO_COMPANY, code="no_company")
    _check_branch_size(member_count)
    branch = PartyBranch.objects.create(
        kind=kind,
        name=name,
        compound=compound,
        property_company=company,
        secretary=secretary,
        member_count=member_count,
        founded_on=founded_on,
    )
    _audit(branch, "committees.partybranch.create", actor, kind=kind, company=company.name)
    return branch


MSG_ALREADY_DISSOLVED = _("该委员会已撤销。")
MSG_DISSOLVE_REASON = _("请填写撤销理由。")


@transaction.atomic
def committee_dissolve(*, committee: Committee, on: date, reason: str, actor) -> Committee:
    """A committee ends (e.g. a 物委会 once a 业委会 is elected, DOMAIN 7.2); the compound
    may then form a new one. The reason is required and kept in the audit entry."""
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(MSG_DISSOLVE_REASON, code="dissolve_reason")
    committee = Committee.objects.select_for_update().get(pk=committee.pk)
    _authorise(actor, "committees.change_committee", committee.compound)
    if not committee.is_active:
        raise ValidationError(MSG_ALREADY_DISSOLVED, code="already_dissolved")
    if on < committee.formed_on:
        raise ValidationError(MSG_BEFORE_ELECTION, code="before_election")
    committee.is_active, committee.dissolved_on = False, on
    committee.save(update_fields=["is_active", "dissolved_on", "updated_at"])
    _audit(committee, "committees.committee.dissolve", actor, on=on, reason=reason)
    return committee


@transaction.atomic
def member_update_party(
    *,
    member: CommitteeMember,
    party_status: str,
    party_registered_in_community: bool,
    cross_appointment: str,
    actor,
) -> CommitteeMember:
    """Party details of a member (DOMAIN 8.1–8.3); they feed the branch and share alarms."""
    member = CommitteeMember.objects.select_for_update().get(pk=member.pk)
    _authorise(actor, "committees.change_committeemember", member.compound)
    wanted = {
        "party_status": party_status,
        "party_registered_in_community": party_registered_in_community,
        "cross_appointment": cross_appointment,
    }
    changed = [name for name, value in wanted.items() if getattr(member, name) != value]
    if not changed:
        return member
    for name in changed:
        setattr(member, name, wanted[name])
    member.full_clean(validate_unique=False, validate_constraints=False)
    member.save(update_fields=[*changed, "updated_at"])
    _audit(member, "committees.member.party", actor, **{n: wanted[n] for n in changed})
    return member


# Audit actions and their labels, registered with Wagtail in wagtail_hooks.
LOG_ACTIONS: tuple[tuple[str, Any], ...] = (
    ("committees.committee.form", _("组建委员会")),
    ("committees.committee.register_existing", _("登记系统上线前已成立的委员会")),
    ("committees.committee.dissolve", _("撤销委员会")),
    ("committees.term.create", _("换届产生新一届委员会")),
    ("committees.term.first_meeting", _("登记首次会议")),
    ("committees.term.file", _("登记备案")),
    ("committees.term.hand_over", _("登记换届移交")),
    ("committees.member.leave", _("委员离任")),
    ("committees.member.hand_over", _("离任委员完成移交")),
    ("committees.member.promote", _("候补委员递补")),
    ("committees.member.party", _("更新委员党员信息")),
    ("committees.seal.register", _("登记印章")),
    ("committees.archive.add", _("归档")),
    ("committees.partybranch.create", _("成立党组织")),
    ("committees.partybranch.update", _("修改党组织")),
    ("committees.alarm.handle", _("预警已处理")),
)
