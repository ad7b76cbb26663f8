"""Alarms for street and community officers (DOMAIN 3.2, 3.3, 3.7, 3.8, 4.2, 4.4, 8.1, 8.2)."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from committees.choices import BranchKind, ElectionStatus, LeaveReason, Position
from committees.elections.models import Election
from committees.models.bodies import PartyBranch, RuleProfile
from committees.selectors.alarms import AlarmKind, alarms_for
from committees.services import committees as svc
from estates.models import Ownership
from tests.committees.committee_helpers import form_committee, member_specs, street_officer
from tests.committees.election_helpers import elect_next_term
from tests.estates.admin_helpers import officer
from tests.factories import make_compound

pytestmark = pytest.mark.django_db

K = AlarmKind


def kinds(alarms, committee=None) -> set[str]:
    return {a.kind for a in alarms if committee is None or a.committee.pk == committee.pk}


def healthy(tree, compound=None, *, size=7, elected_on=date(2024, 3, 1)):
    """A committee with first meeting held, filed, 4 of 7 party members, own branch."""
    compound = compound or tree.compounds[0]
    actor = street_officer(tree, tree.streets.index(compound.region.parent))
    committee = form_committee(
        tree, compound=compound, size=size, elected_on=elected_on, formal=size // 2 + 1, actor=actor
    )
    term = committee.terms.get()
    svc.term_record_first_meeting(term=term, on=elected_on.replace(day=5), actor=actor)
    svc.term_file(term=term, on=elected_on.replace(day=20), reference="备〔2024〕1号", actor=actor)
    svc.party_branch_create(
        committee=committee,
        name=f"{compound.name}业委会党支部",
        founded_on=elected_on.replace(day=25),
        actor=actor,
    )
    return committee, term, actor


def test_healthy_committee_has_no_alarms(tree):
    healthy(tree)
    assert alarms_for(street_officer(tree), date(2024, 6, 1)) == []


def test_filing_and_first_meeting_overdue_e7(tree):
    """E7 dates: first meeting due 03-08, filing due 04-01 (03-31 is a Sunday)."""
    committee = form_committee(tree, formal=4)
    user = street_officer(tree)
    assert K.FIRST_MEETING_OVERDUE not in kinds(alarms_for(user, date(2024, 3, 8)))
    on_9th = {a.kind: a for a in alarms_for(user, date(2024, 3, 9))}
    assert on_9th[K.FIRST_MEETING_OVERDUE].due_on == date(2024, 3, 8)
    assert on_9th[K.FIRST_MEETING_OVERDUE].days_overdue == 1
    assert K.FILING_OVERDUE not in on_9th
    assert K.FILING_OVERDUE not in kinds(alarms_for(user, date(2024, 4, 1)))
    filing = next(a for a in alarms_for(user, date(2024, 4, 3)) if a.kind == K.FILING_OVERDUE)
    assert (filing.due_on, filing.days_overdue, filing.committee) == (
        date(2024, 4, 1),
        2,
        committee,
    )
    assert "2024-04-01" in filing.message


def test_e6_below_half_of_set_number(tree):
    """E6: set size 9 — 4 remaining triggers re-election, 5 remaining does not (DOMAIN 3.7)."""
    _, term, actor = healthy(tree, size=9)
    members = list(term.members.exclude(position=Position.CHAIR).order_by("-pk"))
    for member in members[:4]:
        svc.member_leave(
            member=member, on=date(2024, 5, 1), reason=LeaveReason.RESIGNED, actor=actor
        )
        svc.member_hand_over(member=member, on=date(2024, 5, 2), actor=actor)
    assert K.BELOW_HALF not in kinds(alarms_for(actor, date(2024, 6, 1)))  # 5 remain
    svc.member_leave(member=members[4], on=date(2024, 5, 1), reason=LeaveReason.HEALTH, actor=actor)
    alarms = alarms_for(actor, date(2024, 6, 1))
    below = [a for a in alarms if a.kind == K.BELOW_HALF]
    assert len(below) == 1 and "4人" in below[0].message  # 4 remain
    # The member who did not hand over within 3 days (DOMAIN 4.4).
    handover = [a for a in alarms if a.kind == K.MEMBER_HANDOVER_OVERDUE]
    assert len(handover) == 1 and handover[0].due_on == date(2024, 5, 6)  # 05-04 Sat → Mon


def test_e9_party_share_and_missing_branch(tree):
    """E9: 7 members need 4 party members (3 warns); 3 formal registered members need
    their own branch (DOMAIN 8.1, 8.2)."""
    user = street_officer(tree)
    three = form_committee(tree, compound=tree.compounds[0], formal=3)
    four = form_committee(tree, compound=tree.compounds[1], formal=2, probationary=2)
    alarms = alarms_for(user, date(2024, 3, 5))
    assert kinds(alarms, three) >= {K.PARTY_SHARE_LOW, K.BRANCH_MISSING}
    assert K.PARTY_SHARE_LOW not in kinds(alarms, four)
    assert K.BRANCH_MISSING not in kinds(alarms, four)  # 2 formal: a joint branch suffices
    share = next(a for a in alarms if a.kind == K.PARTY_SHARE_LOW)
    assert "应不少于4人" in share.message
    svc.party_branch_create(
        committee=three, name="业委会党支部", founded_on=date(2024, 3, 4), actor=user
    )
    assert K.BRANCH_MISSING not in kinds(alarms_for(user, date(2024, 3, 5)), three)


def test_party_share_target_is_configurable(tree):
    RuleProfile.objects.create(region=tree.streets[0], party_share_target="0.40")
    committee = form_committee(tree, formal=3)  # 3 of 7 ≥ 40%
    assert K.PARTY_SHARE_LOW not in kinds(
        alarms_for(street_officer(tree), date(2024, 3, 5)), committee
    )


def test_term_ending_without_election(tree):
    """DOMAIN 3.8: start the election 3 months before the term ends (2029-02-28)."""
    committee, _, actor = healthy(tree)
    assert K.TERM_ENDING not in kinds(alarms_for(actor, date(2028, 11, 27)))
    ending = next(a for a in alarms_for(actor, date(2028, 11, 28)) if a.kind == K.TERM_ENDING)
    assert ending.due_on == date(2028, 11, 28)
    cancelled = Election.objects.create(
        compound=committee.compound,
        committee=committee,
        kind="owners",
        term_number=2,
        seats=7,
        status=ElectionStatus.CANCELLED,
        started_on=date(2028, 12, 1),
    )
    assert K.TERM_ENDING in kinds(alarms_for(actor, date(2028, 12, 5)))
    cancelled.delete()
    Election.objects.create(
        compound=committee.compound,
        committee=committee,
        kind="owners",
        term_number=2,
        seats=7,
        started_on=date(2028, 12, 1),
    )
    assert K.TERM_ENDING not in kinds(alarms_for(actor, date(2028, 12, 5)))


def test_shenzhen_starts_six_months_ahead(tree):
    RuleProfile.objects.create(region=tree.communities[0], term_change_lead_months=6)
    _, _, actor = healthy(tree)
    due = next(a for a in alarms_for(actor, date(2028, 9, 1)) if a.kind == K.TERM_ENDING).due_on
    assert due == date(2028, 8, 28)


def test_handover_overdue_after_new_term(tree):
    """DOMAIN 3.8: hand over within 10 days of expiry (2029-02-28 → 03-10 is a Saturday →
    Monday 03-12)."""
    committee, first, actor = healthy(tree)
    elect_next_term(
        committee,
        member_specs(committee.compound, 7, formal=4),
        held_on=date(2029, 2, 20),
        starts_on=date(2029, 3, 1),
        actor=actor,
    )
    assert K.HANDOVER_OVERDUE not in kinds(alarms_for(actor, date(2029, 3, 12)))
    alarm = next(a for a in alarms_for(actor, date(2029, 3, 13)) if a.kind == K.HANDOVER_OVERDUE)
    assert (alarm.due_on, alarm.days_overdue) == (date(2029, 3, 12), 1)
    svc.term_hand_over(term=first, on=date(2029, 3, 14), actor=actor)
    assert K.HANDOVER_OVERDUE not in kinds(alarms_for(actor, date(2029, 3, 15)))


def test_alarms_follow_jurisdiction(tree):
    own = form_committee(tree, compound=tree.compounds[0])
    other = form_committee(tree, compound=tree.compounds[2])
    today = date(2024, 5, 1)
    community = officer("community_staff", tree.communities[0])
    assert {a.committee.pk for a in alarms_for(community, today)} == {own.pk}
    other_street = street_officer(tree, 1)
    assert {a.committee.pk for a in alarms_for(other_street, today)} == {other.pk}
    nobody = officer("community_staff")
    assert alarms_for(nobody, today) == []


def _committees_with_alarms(tree, compounds):
    for compound in compounds:
        committee = form_committee(tree, compound=compound, size=9, formal=3)
        actor = street_officer(tree, tree.streets.index(compound.region.parent))
        leaving, sold = committee.terms.get().members.order_by("-pk")[:2]
        svc.member_leave(
            member=leaving, on=date(2024, 4, 1), reason=LeaveReason.RESIGNED, actor=actor
        )
        Ownership.objects.filter(owner=sold.owner, compound=compound).delete()  # DOMAIN 4.2


def _measure(user):
    with CaptureQueriesContext(connection) as ctx:
        alarms = alarms_for(user, date(2028, 12, 1))
    return alarms, len(ctx.captured_queries)


def test_constant_query_count(tree):
    """The same number of queries for 4 and for 10 committees, every kind of alarm."""
    user = officer("platform_admin", tree.province)
    user.has_perm("estates.all_jurisdictions")  # warm the permission cache
    _committees_with_alarms(tree, tree.compounds)
    small, small_queries = _measure(user)
    extra = [make_compound(region=tree.communities[i % 4], name=f"翠苑{i}号小区") for i in range(6)]
    _committees_with_alarms(tree, extra)
    large, large_queries = _measure(user)
    assert small_queries == large_queries <= 6
    assert len({a.committee.pk for a in small if a.committee}) == 4
    assert len({a.committee.pk for a in large if a.committee}) == 10
    assert {
        K.FILING_OVERDUE,
        K.FIRST_MEETING_OVERDUE,
        K.TERM_ENDING,
        K.BRANCH_MISSING,
        K.PARTY_SHARE_LOW,
        K.MEMBER_HANDOVER_OVERDUE,
        K.NOT_OWNER,
        K.CALENDAR_MISSING,  # the administrator: no 2028 or 2029 holidays entered
    } <= kinds(large)
    # Rendering the rows touches no lazy relation.
    with CaptureQueriesContext(connection) as ctx:
        [
            (a.compound.region.parent.name, a.compound.region.name, a.committee.get_kind_display())
            for a in large
            if a.compound
        ]
    assert len(ctx.captured_queries) == 0


def test_constant_query_count_for_a_street_officer(tree):
    user = street_officer(tree)
    alarms_for(user, date(2024, 1, 1))  # the officer's grants are read once per request
    _committees_with_alarms(tree, tree.compounds[:2])
    _, small_queries = _measure(user)
    _committees_with_alarms(
        tree,
        [make_compound(region=tree.communities[i % 2], name=f"锦苑{i}号小区") for i in range(4)],
    )
    alarms, large_queries = _measure(user)
    assert small_queries == large_queries
    assert len({a.committee.pk for a in alarms}) == 6
    assert sum(a.kind == K.NOT_OWNER for a in alarms) == 6
    assert K.CALENDAR_MISSING not in kinds(alarms)  # street staff do not keep the calendar


def test_term_ending_silent_while_an_election_started_early_is_open(tree):
    """DOMAIN 3.8: an election started before the 3-month mark still counts as started."""
    committee, _, actor = healthy(tree)
    election = Election.objects.create(
        compound=committee.compound,
        committee=committee,
        kind="owners",
        term_number=2,
        seats=7,
        status=ElectionStatus.VETTING,
        started_on=date(2028, 10, 1),  # before the 2028-11-28 mark
    )
    assert K.TERM_ENDING not in kinds(alarms_for(actor, date(2028, 12, 5)))
    # Held, but the new term is not recorded yet: the 换届 happened, no alarm either.
    Election.objects.filter(pk=election.pk).update(
        status=ElectionStatus.HELD, held_on=date(2029, 1, 10)
    )
    assert K.TERM_ENDING not in kinds(alarms_for(actor, date(2029, 1, 20)))


def test_term_ending_ignores_the_election_that_made_the_term(tree):
    """The held election of the current term does not silence the next 换届 alarm."""
    committee, term, actor = healthy(tree)
    Election.objects.create(
        compound=committee.compound,
        committee=None,
        kind="owners",
        term_number=1,
        seats=7,
        status=ElectionStatus.HELD,
        started_on=date(2023, 12, 1),
        held_on=term.elected_on,
    )
    assert K.TERM_ENDING in kinds(alarms_for(actor, date(2028, 12, 5)))


def test_joint_branch_does_not_satisfy_three_formal_members(tree):
    """DOMAIN 8.1: with 3+ formal members registered in the community the committee
    needs its own branch; a joint branch recorded for it leaves the alarm on."""
    user = street_officer(tree)
    committee = form_committee(tree, formal=3)
    PartyBranch.objects.create(
        kind=BranchKind.JOINT,
        name="开化第1社区联合党支部",
        compound=committee.compound,
        committee=committee,
        member_count=5,
        founded_on=date(2024, 3, 4),
    )
    assert K.BRANCH_MISSING in kinds(alarms_for(user, date(2024, 3, 5)), committee)
    fewer = form_committee(tree, compound=tree.compounds[1], formal=2)
    assert K.BRANCH_MISSING not in kinds(alarms_for(user, date(2024, 3, 5)), fewer)


def test_member_no_longer_owner(tree):
    """DOMAIN 4.2: a serving member whose units in the compound are gone shows as an alarm
    until the seat is ended; members who still own elsewhere in it do not."""
    committee, term, actor = healthy(tree)
    member = term.members.order_by("pk").last()
    assert K.NOT_OWNER not in kinds(alarms_for(actor, date(2024, 6, 1)))
    Ownership.objects.filter(owner=member.owner, compound=committee.compound).delete()
    alarm = next(a for a in alarms_for(actor, date(2024, 6, 1)) if a.kind == K.NOT_OWNER)
    assert alarm.committee == committee and member.name in alarm.message
    assert "DOMAIN" not in alarm.message
    svc.member_leave(member=member, on=date(2024, 6, 2), reason=LeaveReason.NOT_OWNER, actor=actor)
    assert K.NOT_OWNER not in kinds(alarms_for(actor, date(2024, 6, 3)))


def test_former_owner_of_an_earlier_term_is_not_an_alarm(tree):
    committee, first, actor = healthy(tree)
    member = first.members.order_by("pk").last()
    elect_next_term(
        committee,
        member_specs(committee.compound, 7, formal=4),
        held_on=date(2029, 2, 20),
        starts_on=date(2029, 3, 1),
        actor=actor,
    )
    Ownership.objects.filter(owner=member.owner, compound=committee.compound).delete()
    current = committee.terms.get(number=2).members.filter(owner=member.owner)
    alarms = [a for a in alarms_for(actor, date(2029, 3, 5)) if a.kind == K.NOT_OWNER]
    assert len(alarms) == current.count()


def test_alarm_messages_carry_no_rule_numbers(tree):
    _, term, actor = healthy(tree)
    form_committee(tree, compound=tree.compounds[1], formal=3)
    member = term.members.order_by("pk").last()
    svc.member_leave(member=member, on=date(2028, 12, 1), reason=LeaveReason.HEALTH, actor=actor)
    alarms = alarms_for(actor, date(2029, 3, 20))
    assert len(kinds(alarms)) >= 5
    assert all("DOMAIN" not in a.message for a in alarms)
