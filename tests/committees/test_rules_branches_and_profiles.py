"""Rules read right: a joint branch is no substitute for a committee's own (DOMAIN 8.1),
the 50-member limit holds on every edit (DOMAIN 8.1), and the Beijing 物委会 rules on
chair and owner share apply only where the region's rule profile asks (DOMAIN 7.2)."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from wagtail.models import ModelLogEntry

from committees.choices import BranchKind, CommitteeKind, Position
from committees.models.bodies import PartyBranch, RuleProfile
from committees.selectors.committees import rules_for
from committees.services import MemberSpec
from committees.services import committees as svc
from tests.committees.committee_helpers import form_committee, member_specs, street_officer
from tests.estates.admin_helpers import officer

pytestmark = pytest.mark.django_db


def _branch(committee, kind, actor, **kw):
    return svc.party_branch_create(
        committee=committee,
        kind=kind,
        name=kw.pop("name", f"{committee.compound.name}党组织"),
        founded_on=kw.pop("founded_on", date(2024, 4, 1)),
        actor=actor,
        **kw,
    )


class TestJointBranch:
    def test_joint_branch_refused_for_three_formal_members(self, tree):
        """DOMAIN 8.1: 3 formal members registered in the community → their own branch."""
        committee = form_committee(tree, formal=3)
        actor = street_officer(tree)
        with pytest.raises(ValidationError) as info:
            _branch(committee, BranchKind.JOINT, actor)
        assert info.value.message == svc.MSG_BRANCH_JOINT_TOO_MANY
        assert "3名" in info.value.messages[0]
        assert not PartyBranch.objects.exists()
        assert _branch(committee, BranchKind.COMMITTEE, actor).kind == BranchKind.COMMITTEE

    def test_joint_branch_still_right_for_fewer(self, tree):
        committee = form_committee(tree, formal=2, probationary=1)
        branch = _branch(committee, BranchKind.JOINT, street_officer(tree))
        assert branch.kind == BranchKind.JOINT

    def test_own_branch_replaces_an_earlier_joint_one(self, tree):
        """A committee that grew to 3 formal members leaves its joint branch for its own."""
        committee = form_committee(tree, formal=3)
        actor = street_officer(tree)
        joint = PartyBranch.objects.create(
            kind=BranchKind.JOINT,
            name="开化第1社区联合党支部",
            compound=committee.compound,
            committee=committee,
            member_count=6,
            founded_on=date(2024, 3, 10),
        )
        own = _branch(committee, BranchKind.COMMITTEE, actor, founded_on=date(2024, 5, 1))
        joint.refresh_from_db()
        assert joint.dissolved_on == date(2024, 5, 1)
        assert own.dissolved_on is None
        with pytest.raises(ValidationError) as info:
            _branch(committee, BranchKind.JOINT, actor)
        assert info.value.message == svc.MSG_BRANCH_EXISTS


class TestBranchLimit:
    def test_service_refuses_more_than_fifty_on_edit(self, tree):
        committee = form_committee(tree, formal=3)
        actor = street_officer(tree)
        branch = _branch(committee, BranchKind.COMMITTEE, actor)
        before = ModelLogEntry.objects.count()
        with pytest.raises(ValidationError) as info:
            svc.party_branch_update(branch=branch, member_count=51, actor=actor)
        assert info.value.message == svc.MSG_BRANCH_SIZE
        branch.refresh_from_db()
        assert branch.member_count == 3 and ModelLogEntry.objects.count() == before
        svc.party_branch_update(branch=branch, dissolved_on=date(2024, 9, 1), actor=actor)
        svc.party_branch_update(branch=branch, member_count=50, secretary="王建国", actor=actor)
        branch.refresh_from_db()
        assert (branch.member_count, branch.secretary) == (50, "王建国")
        assert branch.dissolved_on == date(2024, 9, 1)  # not given, so kept
        assert ModelLogEntry.objects.filter(action="committees.partybranch.update").count() == 2

    def test_database_refuses_more_than_fifty(self, tree):
        committee = form_committee(tree, formal=3)
        branch = _branch(committee, BranchKind.COMMITTEE, street_officer(tree))
        with pytest.raises(IntegrityError), transaction.atomic():
            PartyBranch.objects.filter(pk=branch.pk).update(member_count=51)

    @pytest.mark.urls("tests.estates.admin_urls")
    def test_admin_edit_form_refuses_more_than_fifty(self, client, tree):
        committee = form_committee(tree, formal=3)
        branch = _branch(committee, BranchKind.COMMITTEE, street_officer(tree))
        client.force_login(officer("community_staff", tree.communities[0]))
        edit = reverse("committees_partybranch:edit", args=[branch.pk])
        data = {"name": branch.name, "secretary": "", "member_count": 51, "dissolved_on": ""}
        response = client.post(edit, data)
        assert response.status_code == 200
        assert str(svc.MSG_BRANCH_SIZE) in response.content.decode()
        branch.refresh_from_db()
        assert branch.member_count == 3
        response = client.post(edit, {**data, "member_count": 12})
        assert response.status_code == 302
        branch.refresh_from_db()
        assert branch.member_count == 12
        assert ModelLogEntry.objects.filter(action="committees.partybranch.update").exists()


def _management_members(compound, *, owners: int, reps: list[MemberSpec]) -> list[MemberSpec]:
    specs = [
        MemberSpec(owner=s.owner, position=Position.MEMBER) for s in member_specs(compound, owners)
    ]
    return specs + reps


def _check(compound, members):
    svc.validate_members(
        compound=compound,
        kind=CommitteeKind.MANAGEMENT,
        set_size=len([m for m in members if m.position != Position.RESERVE]),
        members=members,
        rules=rules_for(compound),
    )


class TestBeijingManagementRules:
    """DOMAIN 7.2: Beijing's 物委会 — owners at least half, the 居委会's representative
    chairs, owners as vice-chairs — only where the profile switches it on."""

    def test_national_rules_check_neither(self, tree):
        compound = tree.compounds[0]
        reps = [MemberSpec(name=n) for n in ("刘居委", "陈街道", "杨民警", "赵社区")]
        members = _management_members(compound, owners=3, reps=reps)
        members[0] = MemberSpec(owner=members[0].owner, position=Position.CHAIR)
        _check(compound, members)  # 3 owners of 7, an owner chairs: accepted

    def test_beijing_owner_share(self, tree):
        RuleProfile.objects.create(region=tree.streets[0], management_owner_share_required=True)
        compound = tree.compounds[0]
        reps = [MemberSpec(name=n) for n in ("刘居委", "陈街道", "杨民警", "赵社区")]
        with pytest.raises(ValidationError) as info:
            _check(compound, _management_members(compound, owners=3, reps=reps))
        assert info.value.message == svc.MSG_MANAGEMENT_OWNERS
        _check(compound, _management_members(compound, owners=4, reps=reps[:3]))

    def test_beijing_chair_and_vice_chair(self, tree):
        RuleProfile.objects.create(region=tree.streets[0], management_community_chair=True)
        compound = tree.compounds[0]
        owners = _management_members(compound, owners=4, reps=[])
        community_chair = MemberSpec(name="刘居委", position=Position.CHAIR)
        others = [MemberSpec(name="陈街道"), MemberSpec(name="杨民警")]
        # An owner in the chair: refused.
        owner_chair = [MemberSpec(owner=owners[0].owner, position=Position.CHAIR), *owners[1:]]
        with pytest.raises(ValidationError) as info:
            _check(compound, [*owner_chair, *others, MemberSpec(name="刘居委")])
        assert info.value.message == svc.MSG_MANAGEMENT_CHAIR
        # No chair named: refused.
        with pytest.raises(ValidationError) as info:
            _check(compound, [*owners, *others, MemberSpec(name="刘居委")])
        assert info.value.message == svc.MSG_MANAGEMENT_CHAIR
        # A representative as vice-chair: refused.
        vice_rep = [MemberSpec(name="陈街道", position=Position.VICE_CHAIR), others[1]]
        with pytest.raises(ValidationError) as info:
            _check(compound, [*owners, community_chair, *vice_rep])
        assert info.value.message == svc.MSG_MANAGEMENT_VICE_CHAIR
        # The 居委会 representative chairs, an owner is vice-chair: accepted.
        vice_owner = [MemberSpec(owner=owners[0].owner, position=Position.VICE_CHAIR), *owners[1:]]
        _check(compound, [*vice_owner, community_chair, *others])

    def test_profile_applies_below_its_region_only(self, tree):
        RuleProfile.objects.create(region=tree.streets[1], management_community_chair=True)
        compound = tree.compounds[0]  # 开化街道: national rules
        members = _management_members(compound, owners=4, reps=[MemberSpec(name="陈街道")] * 3)
        _check(compound, members)
        assert rules_for(tree.compounds[2]).management_community_chair
        assert not rules_for(compound).management_community_chair


def test_beijing_chair_holds_at_the_first_meeting(tree):
    """DOMAIN 7.2: the first meeting cannot hand a Beijing 物委会's chair to an owner nor
    make a representative vice-chair; national rules leave the choice open."""
    RuleProfile.objects.create(region=tree.streets[0], management_community_chair=True)
    compound, actor = tree.compounds[0], street_officer(tree)
    owners = _management_members(compound, owners=4, reps=[])
    reps = [MemberSpec(name="刘居委", position=Position.CHAIR), MemberSpec(name="陈街道")]
    committee = svc.committee_register_existing(
        compound=compound,
        kind=CommitteeKind.MANAGEMENT,
        set_size=7,
        elected_on=date(2024, 3, 1),
        members=[*owners, *reps, MemberSpec(name="杨民警")],
        reason="系统上线前由街道组建",
        actor=actor,
    )
    term = committee.terms.get()
    owner_member = term.members.filter(owner__isnull=False).order_by("pk").first()
    rep_member = term.members.get(name="陈街道")
    with pytest.raises(ValidationError) as info:
        svc.term_record_first_meeting(
            term=term, on=date(2024, 3, 5), chair=owner_member, actor=actor
        )
    assert info.value.message == svc.MSG_MANAGEMENT_CHAIR
    with pytest.raises(ValidationError) as info:
        svc.term_record_first_meeting(
            term=term, on=date(2024, 3, 5), vice_chairs=[rep_member], actor=actor
        )
    assert info.value.message == svc.MSG_MANAGEMENT_VICE_CHAIR
    term.refresh_from_db()
    assert term.first_meeting_on is None
    svc.term_record_first_meeting(
        term=term, on=date(2024, 3, 5), vice_chairs=[owner_member], actor=actor
    )
    owner_member.refresh_from_db()
    assert owner_member.position == Position.VICE_CHAIR


@pytest.mark.urls("tests.estates.admin_urls")
class TestRuleProfileAdmin:
    def test_platform_admin_switches_beijing_rules_on_for_a_street(self, client, tree):
        client.force_login(officer("platform_admin", tree.province))
        response = client.post(
            reverse("committees_ruleprofile:add"),
            {
                "region": tree.streets[0].pk,
                "small_committee_max_households": 100,
                "term_change_lead_months": 3,
                "management_min_size": 7,
                "management_owner_share": "0.50",
                "management_owner_share_required": "on",
                "management_community_chair": "on",
                "party_share_target": "0.50",
            },
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        rules = rules_for(tree.compounds[0])
        assert rules.management_community_chair and rules.management_owner_share_required
        assert not rules_for(tree.compounds[2]).management_community_chair
        assert client.get(reverse("committees_ruleprofile:index")).status_code == 200

    def test_street_staff_read_but_cannot_change(self, client, tree):
        profile = RuleProfile.objects.create(region=tree.streets[0], term_change_lead_months=6)
        other = RuleProfile.objects.create(region=tree.streets[1], term_change_lead_months=6)
        client.force_login(street_officer(tree))
        html = client.get(reverse("committees_ruleprofile:index")).content.decode()
        assert tree.streets[0].name in html and tree.streets[1].name not in html
        add = client.get(reverse("committees_ruleprofile:add"))
        edit = client.post(
            reverse("committees_ruleprofile:edit", args=[profile.pk]),
            {"region": profile.region_id, "management_community_chair": "on"},
        )
        for response in (add, edit):
            assert response.status_code in (302, 403, 404)
            assert response.status_code != 302 or response.url == "/admin/"
        profile.refresh_from_db()
        assert not profile.management_community_chair
        assert client.get(reverse("committees_ruleprofile:edit", args=[other.pk])).status_code in (
            302,
            403,
            404,
        )


def test_committee_forms_speak_plain_chinese():
    """Help texts and refusals shown on the committee screens carry no rule numbers."""
    from committees.models.bodies import Committee, CommitteeMember

    texts = [str(svc.MSG_NO_RESERVE)]
    for model in (Committee, CommitteeMember, RuleProfile, PartyBranch):
        texts += [str(f.help_text) for f in model._meta.get_fields() if getattr(f, "help_text", "")]
    assert texts and not [t for t in texts if "DOMAIN" in t]
