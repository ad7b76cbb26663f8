"""Committee services: forming, term events, members, seals, archives, party branches.

Every refusal is asserted by its message constant and leaves row counts and the audit log
unchanged.
"""

from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from committees.choices import BranchKind, CommitteeKind, LeaveReason, Position
from committees.models.bodies import (
    ArchiveRecord,
    Committee,
    CommitteeMember,
    PartyBranch,
    RuleProfile,
    Seal,
    Term,
)
from committees.services import MemberSpec
from committees.services import committees as svc
from estates.models import Owner, PropertyCompany
from tests.committees.committee_helpers import (
    PRE_SYSTEM,
    form_committee,
    member_specs,
    owners_in,
    street_officer,
)
from tests.committees.election_helpers import elect_next_term
from tests.estates.admin_helpers import officer
from tests.factories import make_compound, valid_credit_code, valid_id_number

pytestmark = pytest.mark.django_db

TABLES = (Committee, Term, CommitteeMember, PartyBranch, Seal, ArchiveRecord, ModelLogEntry)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in TABLES}


@contextmanager
def refused(message, exc=ValidationError):
    """The call raises with ``message`` and writes nothing (rows and audit log)."""
    before = counts()
    with pytest.raises(exc) as info:
        yield
    if exc is ValidationError:
        assert info.value.messages and info.value.message == message
    else:
        assert str(info.value) == str(message)
    assert counts() == before


def form(tree, compound=None, *, size=7, kind=CommitteeKind.OWNERS, members=None, **kw):
    compound = compound or tree.compounds[0]
    spec_kwargs = {
        k: kw.pop(k) for k in ("formal", "probationary", "registered", "reserves") if k in kw
    }
    return svc.committee_register_existing(
        compound=compound,
        kind=kind,
        set_size=size,
        elected_on=kw.pop("elected_on", date(2024, 3, 1)),
        members=members if members is not None else member_specs(compound, size, **spec_kwargs),
        reason=kw.pop("reason", PRE_SYSTEM),
        actor=kw.pop("actor", None) or street_officer(tree),
        **kw,
    )


class TestCommitteeForm:
    def test_forms_committee_first_term_and_members(self, tree):
        committee = form(tree, size=7)
        term = committee.terms.get()
        assert (committee.kind, committee.set_size, committee.is_active) == ("owners", 7, True)
        assert (term.number, term.elected_on, term.starts_on) == (
            1,
            date(2024, 3, 1),
            date(2024, 3, 1),
        )
        assert term.ends_on == date(2029, 2, 28)  # DOMAIN 3.1: at most 5 years
        assert term.members.count() == 7
        assert (
            ModelLogEntry.objects.filter(action="committees.committee.register_existing").count()
            == 1
        )

    @pytest.mark.parametrize("size", [4, 6, 13, 3, 1])
    def test_owners_committee_size_refused(self, tree, size):
        """DOMAIN 3.1: 5–11 members, odd."""
        compound = tree.compounds[0]
        actor = street_officer(tree)
        members = member_specs(compound, size)
        with refused(svc.MSG_OWNERS_SIZE):
            form(tree, compound, size=size, members=members, actor=actor)

    def test_three_member_committee_only_where_the_region_allows_it(self, tree):
        """DOMAIN 3.1 Hangzhou variant: 3 members for ≤100 households, off by default."""
        compound, actor = tree.compounds[0], street_officer(tree)
        members = member_specs(compound, 3)
        with refused(svc.MSG_OWNERS_SIZE):
            form(tree, compound, size=3, members=members, actor=actor)
        RuleProfile.objects.create(region=tree.streets[0], small_committee_allowed=True)
        assert form(tree, compound, size=3, members=members, actor=actor).set_size == 3

    def test_three_member_committee_refused_above_household_limit(self, tree):
        compound, actor = tree.compounds[0], street_officer(tree)
        RuleProfile.objects.create(
            region=tree.streets[0], small_committee_allowed=True, small_committee_max_households=2
        )
        members = member_specs(compound, 3)
        with refused(svc.MSG_OWNERS_SIZE_SMALL):
            form(tree, compound, size=3, members=members, actor=actor)

    def test_second_active_committee_refused(self, tree):
        form(tree)
        actor = street_officer(tree)
        members = member_specs(tree.compounds[0], 5)
        with refused(svc.MSG_SECOND_ACTIVE):
            form(tree, size=5, members=members, actor=actor)

    def test_non_owner_member_refused(self, tree):
        """DOMAIN 4.1: 业委会 members are owners in the compound."""
        compound, actor = tree.compounds[0], street_officer(tree)
        outsider = Owner.objects.filter(ownerships__compound=tree.compounds[2]).first()
        members = member_specs(compound, 4) + [MemberSpec(owner=outsider)]
        with refused(svc.MSG_NOT_OWNER):
            form(tree, compound, size=5, members=members, actor=actor)
        nameless = member_specs(compound, 4) + [MemberSpec(name="李社区")]
        with refused(svc.MSG_NOT_OWNER):
            form(tree, compound, size=5, members=nameless, actor=actor)

    def test_member_list_must_match_set_size(self, tree):
        compound, actor = tree.compounds[0], street_officer(tree)
        members = member_specs(compound, 5)
        with refused(svc.MSG_MEMBER_COUNT):
            form(tree, compound, size=7, members=members, actor=actor)

    def test_duplicate_owner_refused(self, tree):
        compound, actor = tree.compounds[0], street_officer(tree)
        members = member_specs(compound, 4)
        members.append(MemberSpec(owner=members[1].owner))
        with refused(svc.MSG_DUPLICATE_MEMBER):
            form(tree, compound, size=5, members=members, actor=actor)

    def test_term_longer_than_five_years_refused(self, tree):
        compound, actor = tree.compounds[0], street_officer(tree)
        members = member_specs(compound, 5)
        with refused(svc.MSG_TERM_TOO_LONG):
            form(tree, compound, size=5, members=members, actor=actor, ends_on=date(2029, 3, 1))

    def test_management_committee_size_and_owner_share(self, tree):
        """DOMAIN 7.2: 物委会 odd ≥7 with owners at least half."""
        compound, actor = tree.compounds[1], street_officer(tree)
        owners = member_specs(compound, 4)
        reps = [MemberSpec(name=n) for n in ("刘居委", "陈街道", "杨民警")]
        committee = form(
            tree, compound, kind=CommitteeKind.MANAGEMENT, members=owners + reps, actor=actor
        )
        assert committee.terms.get().ends_on == date(2027, 2, 28)  # 3-year term by default
        other, five = tree.compounds[3], street_officer(tree, 1)
        specs = member_specs(other, 5)
        with refused(svc.MSG_MANAGEMENT_SIZE):
            form(tree, other, size=5, kind=CommitteeKind.MANAGEMENT, members=specs, actor=five)
        few_owners = member_specs(other, 3) + [MemberSpec(name=f"代表{i}") for i in range(4)]
        # Beijing's owner share applies where the region's profile asks (DOMAIN 7.2).
        RuleProfile.objects.create(region=tree.streets[1], management_owner_share_required=True)
        with refused(svc.MSG_MANAGEMENT_OWNERS):
            form(tree, other, kind=CommitteeKind.MANAGEMENT, members=few_owners, actor=five)

    def test_management_minimum_is_configurable(self, tree):
        """Guangzhou: ≥9 members (DOMAIN 7.3)."""
        RuleProfile.objects.create(region=tree.streets[1], management_min_size=9)
        compound, actor = tree.compounds[3], street_officer(tree, 1)
        specs = member_specs(compound, 7)
        with refused(svc.MSG_MANAGEMENT_SIZE):
            form(tree, compound, kind=CommitteeKind.MANAGEMENT, members=specs, actor=actor)

    def test_outside_jurisdiction_refused(self, tree):
        compound = tree.compounds[2]  # 卧龙街道
        actor = street_officer(tree, 0)
        members = member_specs(compound, 5)
        with refused(svc.MSG_DENIED, PermissionDenied):
            form(tree, compound, size=5, members=members, actor=actor)

    def test_committee_member_role_cannot_form(self, tree):
        compound = tree.compounds[0]
        actor = officer("committee_member", compound)
        members = member_specs(compound, 5)
        with refused(svc.MSG_DENIED, PermissionDenied):
            form(tree, compound, size=5, members=members, actor=actor)


class TestTermEvents:
    def test_first_meeting_chooses_chair(self, tree):
        committee = form(tree)
        term = committee.terms.get()
        actor = street_officer(tree)
        chair, vice = term.members.order_by("pk")[2:4]
        svc.term_record_first_meeting(
            term=term, on=date(2024, 3, 6), actor=actor, chair=chair, vice_chairs=[vice]
        )
        term.refresh_from_db()
        assert term.first_meeting_on == date(2024, 3, 6)
        assert list(term.members.filter(position=Position.CHAIR)) == [chair]
        assert list(term.members.filter(position=Position.VICE_CHAIR)) == [vice]
        with refused(svc.MSG_FIRST_MEETING_DONE):
            svc.term_record_first_meeting(term=term, on=date(2024, 3, 7), actor=actor)

    def test_filing_then_refiling_refused(self, tree):
        term = form(tree).terms.get()
        actor = street_officer(tree)
        with refused(svc.MSG_FILING_REFERENCE):
            svc.term_file(term=term, on=date(2024, 3, 20), reference=" ", actor=actor)
        # Late filing is accepted (the alarm showed the delay).
        svc.term_file(term=term, on=date(2024, 5, 6), reference="开化备〔2024〕12号", actor=actor)
        term.refresh_from_db()
        assert term.filed_on == date(2024, 5, 6)
        with refused(svc.MSG_ALREADY_FILED):
            svc.term_file(term=term, on=date(2024, 5, 7), reference="X", actor=actor)

    def test_next_term_and_handover(self, tree):
        committee = form(tree)
        first = committee.terms.get()
        actor = street_officer(tree)
        with refused(svc.MSG_NO_NEXT_TERM):
            svc.term_hand_over(term=first, on=date(2029, 3, 5), actor=actor)
        second = elect_next_term(
            committee,
            member_specs(committee.compound, 7),
            held_on=date(2029, 2, 20),
            starts_on=date(2029, 3, 1),
            actor=actor,
        )
        assert second.number == 2
        assert not first.members.filter(left_on__isnull=True).exists()
        assert set(first.members.values_list("leave_reason", flat=True)) == {LeaveReason.TERM_ENDED}
        svc.term_hand_over(term=first, on=date(2029, 3, 8), actor=actor)
        first.refresh_from_db()
        assert first.handed_over_on == date(2029, 3, 8)


class TestMembers:
    def test_member_leave_and_states(self, tree):
        term = form(tree).terms.get()
        actor = street_officer(tree)
        member = term.members.order_by("pk")[1]
        with refused(svc.MSG_LEAVE_BEFORE_START):
            svc.member_leave(
                member=member, on=date(2024, 2, 1), reason=LeaveReason.RESIGNED, actor=actor
            )
        with refused(svc.MSG_NOT_LEFT):
            svc.member_hand_over(member=member, on=date(2024, 6, 1), actor=actor)
        svc.member_leave(
            member=member, on=date(2024, 6, 1), reason=LeaveReason.RESIGNED, actor=actor
        )
        with refused(svc.MSG_ALREADY_LEFT):
            svc.member_leave(
                member=member, on=date(2024, 6, 2), reason=LeaveReason.HEALTH, actor=actor
            )
        svc.member_hand_over(member=member, on=date(2024, 6, 3), actor=actor)
        with refused(svc.MSG_ALREADY_HANDED_OVER):
            svc.member_hand_over(member=member, on=date(2024, 6, 4), actor=actor)
        assert ModelLogEntry.objects.filter(action__startswith="committees.member.").count() == 2

    def test_reserves_move_up_in_vote_order(self, tree):
        """DOMAIN 3.7 local variant."""
        term = form(tree, reserves=2).terms.get()
        actor = street_officer(tree)
        with refused(svc.MSG_NO_VACANCY):
            svc.reserve_promote(term=term, on=date(2024, 6, 1), actor=actor)
        leaving = term.members.exclude(position=Position.RESERVE).order_by("pk")[:3]
        for member in leaving:
            svc.member_leave(
                member=member, on=date(2024, 6, 1), reason=LeaveReason.NOT_OWNER, actor=actor
            )
        promoted = svc.reserve_promote(term=term, on=date(2024, 6, 10), actor=actor)
        assert [m.reserve_order for m in promoted] == [1, 2]
        assert all(m.position == Position.MEMBER for m in promoted)
        with refused(svc.MSG_NO_RESERVE):
            svc.reserve_promote(term=term, on=date(2024, 6, 11), actor=actor)


class TestSealsArchivesBranches:
    def test_seal_only_after_filing(self, tree):
        """DOMAIN 3.3: seals are made only after filing; 3.6: one named keeper."""
        committee = form(tree)
        term = committee.terms.get()
        actor = street_officer(tree)
        keeper = term.members.get(position=Position.CHAIR)
        with refused(svc.MSG_SEAL_BEFORE_FILING):
            svc.seal_register(
                committee=committee,
                name="业主委员会印章",
                made_on=date(2024, 3, 20),
                keeper=keeper,
                actor=actor,
            )
        svc.term_file(term=term, on=date(2024, 3, 25), reference="开化备〔2024〕3号", actor=actor)
        with refused(svc.MSG_SEAL_BEFORE_FILING):
            svc.seal_register(
                committee=committee,
                name="业主委员会印章",
                made_on=date(2024, 3, 24),
                keeper=keeper,
                actor=actor,
            )
        seal = svc.seal_register(
            committee=committee,
            name="业主委员会印章",
            made_on=date(2024, 3, 28),
            keeper=keeper,
            actor=actor,
        )
        assert seal.keeper == keeper
        svc.member_leave(
            member=keeper, on=date(2024, 7, 1), reason=LeaveReason.RESIGNED, actor=actor
        )
        with refused(svc.MSG_SEAL_KEEPER):
            svc.seal_register(
                committee=committee,
                name="财务专用章",
                made_on=date(2024, 7, 2),
                keeper=keeper,
                actor=actor,
            )
        svc.member_hand_over(member=keeper, on=date(2024, 7, 3), actor=actor)
        seal.refresh_from_db()
        assert seal.returned_on == date(2024, 7, 3)

    def test_archive_add(self, tree):
        committee = form(tree)
        record = svc.archive_add(
            committee=committee,
            kind="minutes",
            title="第一次委员会会议记录",
            dated_on=date(2024, 3, 6),
            actor=street_officer(tree),
        )
        assert record.compound_id == committee.compound_id
        assert ModelLogEntry.objects.filter(action="committees.archive.add").count() == 1

    def test_e9_joint_branch_not_own(self, tree):
        """E9: 2 formal + 1 probationary member → joint branch, not their own (DOMAIN 8.1)."""
        committee = form(tree, formal=2, probationary=1)
        actor = street_officer(tree)
        with refused(svc.MSG_BRANCH_TOO_FEW):
            svc.party_branch_create(
                committee=committee,
                name="阳光花园业委会党支部",
                founded_on=date(2024, 4, 1),
                kind=BranchKind.COMMITTEE,
                actor=actor,
            )
        branch = svc.party_branch_create(
            committee=committee,
            name="开化第1社区物业联合党支部",
            founded_on=date(2024, 4, 1),
            actor=actor,
        )
        assert branch.kind == BranchKind.JOINT

    def test_three_formal_registered_members_get_own_branch(self, tree):
        committee = form(tree, formal=3)
        actor = street_officer(tree)
        branch = svc.party_branch_create(
            committee=committee,
            name="阳光花园业委会党支部",
            founded_on=date(2024, 4, 1),
            secretary="王建国",
            actor=actor,
        )
        assert (branch.kind, branch.member_count) == (BranchKind.COMMITTEE, 3)
        with refused(svc.MSG_BRANCH_EXISTS):
            svc.party_branch_create(
                committee=committee, name="重复", founded_on=date(2024, 4, 2), actor=actor
            )

    def test_members_registered_elsewhere_do_not_count(self, tree):
        committee = form(tree, formal=4, registered=False)
        branch = svc.party_branch_create(
            committee=committee,
            name="联合党支部",
            founded_on=date(2024, 4, 1),
            actor=street_officer(tree),
        )
        assert branch.kind == BranchKind.JOINT

    def test_red_property_branch_linked_to_company(self, tree):
        """DOMAIN 8.4: the service company gets a branch, joint branch or instructor."""
        compound, actor = tree.compounds[0], street_officer(tree)
        with refused(svc.MSG_NO_COMPANY):
            svc.red_property_branch_create(
                compound=compound,
                kind=BranchKind.INSTRUCTOR,
                name="党建指导员",
                founded_on=date(2024, 5, 1),
                actor=actor,
            )
        compound.property_company = PropertyCompany.objects.create(
            name="文山安居物业服务有限公司", credit_code=valid_credit_code(), region=compound.region
        )
        compound.save()
        with refused(svc.MSG_BRANCH_KIND):
            svc.red_property_branch_create(
                compound=compound,
                kind=BranchKind.COMMITTEE,
                name="x",
                founded_on=date(2024, 5, 1),
                actor=actor,
            )
        branch = svc.red_property_branch_create(
            compound=compound,
            kind=BranchKind.INSTRUCTOR,
            name="红色物业党建指导员",
            secretary="赵德胜",
            founded_on=date(2024, 5, 1),
            actor=actor,
        )
        assert branch.property_company == compound.property_company
        assert branch.committee is None


def test_helpers_use_real_owners(tree):
    compound = make_compound(region=tree.communities[0], name="文笔小区", units=2)
    assert len(owners_in(compound, 6)) == 6
    assert valid_id_number()  # factories' checksums stay valid
    assert form_committee(tree, compound=compound, size=5).set_size == 5
