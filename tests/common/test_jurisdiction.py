"""common.jurisdiction: grants → queryset filters, and the permission policy built on it."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser, Group, Permission
from guardian.shortcuts import assign_perm

from common.jurisdiction import (
    MANAGE,
    VIEW,
    Jurisdiction,
    forget_jurisdiction,
    jurisdiction_of,
    minimal_paths,
    scope_queryset,
    user_covers,
)
from common.permission_policies import JurisdictionPermissionPolicy
from estates import services
from estates.choices import RegionLevel
from estates.models import Compound, Owner, PropertyCompany, Region, Unit
from tests.factories import make_compound, make_user, valid_credit_code

pytestmark = pytest.mark.django_db


def grant(user_or_group, level: str, target) -> None:
    assign_perm(f"estates.{level}", user_or_group, target)
    if hasattr(user_or_group, "username"):
        forget_jurisdiction(user_or_group)


def names(queryset) -> set[str]:
    return set(queryset.values_list("name", flat=True))


class TestRegionSubtree:
    def test_street_grant_covers_its_compounds_only(self, tree):
        user = make_user()
        grant(user, VIEW, tree.streets[0])
        assert names(scope_queryset(Compound.objects.all(), user)) == {
            "开化第1社区阳光花园小区",
            "开化第2社区阳光花园小区",
        }

    def test_code_that_is_a_string_prefix_does_not_leak(self, tree):
        """532601001 vs 5326010011: paths end with '/', so the prefix match stops there."""
        sibling = services.region_create(
            code="5326010011", name="开化东街道", level=RegionLevel.STREET, parent=tree.county
        )
        community = services.region_create(
            code="532601001101", name="东城社区", level=RegionLevel.COMMUNITY, parent=sibling
        )
        leak = make_compound(region=community, name="东城小区", units=1)
        assert leak.region_path.startswith("530000/532600/532601/5326010011/")
        user = make_user()
        grant(user, MANAGE, tree.streets[0])
        visible = scope_queryset(Compound.objects.all(), user)
        assert "东城小区" not in names(visible)
        assert not user_covers(user, leak)
        assert user_covers(user, tree.compounds[0], MANAGE)

    def test_units_and_owners_follow_their_compound(self, tree):
        user = make_user()
        grant(user, VIEW, tree.communities[0])
        units = scope_queryset(Unit.objects.all(), user)
        assert set(units.values_list("compound_id", flat=True)) == {tree.compounds[0].pk}
        owners = scope_queryset(Owner.objects.all(), user)
        assert owners.count() == 4
        assert set(owners.values_list("ownerships__compound_id", flat=True)) == {
            tree.compounds[0].pk
        }

    def test_regions_themselves_are_scoped_to_the_subtree(self, tree):
        user = make_user()
        grant(user, VIEW, tree.streets[1])
        assert names(scope_queryset(Region.objects.all(), user)) == {
            "卧龙街道",
            "卧龙第1社区",
            "卧龙第2社区",
        }


class TestCompoundGrant:
    def test_compound_grant_sees_one_compound(self, tree):
        user = make_user()
        grant(user, VIEW, tree.compounds[1])
        assert names(scope_queryset(Compound.objects.all(), user)) == {"开化第2社区阳光花园小区"}
        assert scope_queryset(Unit.objects.all(), user).count() == 4
        # A compound grant does not reach the community's regions.
        assert not scope_queryset(Region.objects.all(), user).exists()

    def test_company_seen_through_a_served_compound(self, tree):
        company = PropertyCompany.objects.create(
            name="文山和家物业服务有限公司", credit_code=valid_credit_code(), region=tree.county
        )
        tree.compounds[1].property_company = company
        tree.compounds[1].save()
        user = make_user()
        grant(user, VIEW, tree.compounds[1])
        assert names(scope_queryset(PropertyCompany.objects.all(), user)) == {company.name}


class TestLevelsAndHolders:
    def test_manage_implies_view_but_not_the_reverse(self, tree):
        manager, viewer = make_user(), make_user()
        grant(manager, MANAGE, tree.communities[0])
        grant(viewer, VIEW, tree.communities[0])
        assert jurisdiction_of(manager, VIEW).paths == (tree.communities[0].path,)
        assert jurisdiction_of(viewer, VIEW).paths == (tree.communities[0].path,)
        assert jurisdiction_of(viewer, MANAGE).is_empty
        assert user_covers(manager, tree.compounds[0], MANAGE)
        assert not user_covers(viewer, tree.compounds[0], MANAGE)

    def test_group_grants_count(self, tree):
        group = Group.objects.create(name="卧龙街道联审组")
        grant(group, VIEW, tree.streets[1])
        user = make_user()
        user.groups.add(group)
        assert names(scope_queryset(Compound.objects.all(), user)) == {
            "卧龙第1社区阳光花园小区",
            "卧龙第2社区阳光花园小区",
        }

    def test_grants_of_groups_the_user_is_not_in_do_not_count(self, tree):
        """Region and compound grants held by other groups (another street's review
        team, another compound's committee) give nothing to a user outside them."""
        others = Group.objects.create(name="开化街道联审组")
        grant(others, MANAGE, tree.streets[0])
        committee = Group.objects.create(name="卧龙第2社区业委会")
        grant(committee, VIEW, tree.compounds[3])
        outsider = make_user()
        outsider.groups.add(Group.objects.create(name="无授权的组"))
        assert jurisdiction_of(outsider, VIEW).is_empty
        assert scope_queryset(Compound.objects.all(), outsider).count() == 0
        assert not user_covers(outsider, tree.compounds[0], VIEW)
        mine = Group.objects.create(name="卧龙街道联审组")
        grant(mine, VIEW, tree.streets[1])
        member = make_user()
        member.groups.add(mine)
        assert names(scope_queryset(Compound.objects.all(), member)) == {
            "卧龙第1社区阳光花园小区",
            "卧龙第2社区阳光花园小区",
        }
        assert jurisdiction_of(member, MANAGE).is_empty
        assert not user_covers(member, tree.compounds[0], VIEW)

    def test_compound_grant_through_a_group(self, tree):
        group = Group.objects.create(name="开化第1社区业委会")
        grant(group, MANAGE, tree.compounds[0])
        grant(Group.objects.create(name="开化第2社区业委会"), MANAGE, tree.compounds[1])
        user = make_user()
        user.groups.add(group)
        assert names(scope_queryset(Compound.objects.all(), user)) == {"开化第1社区阳光花园小区"}
        assert user_covers(user, tree.compounds[0], MANAGE)
        assert not user_covers(user, tree.compounds[1], VIEW)

    def test_anonymous_and_inactive_users_see_nothing(self, tree):
        inactive = make_user(is_active=False)
        grant(inactive, MANAGE, tree.province)
        for user in (AnonymousUser(), inactive, None):
            assert jurisdiction_of(user).is_empty
            assert not scope_queryset(Compound.objects.all(), user).exists()
            assert not user_covers(user, tree.compounds[0])

    def test_user_without_grants_sees_nothing(self, tree):
        assert not scope_queryset(Compound.objects.all(), make_user()).exists()

    def test_platform_permission_and_superuser_see_everything(self, tree):
        admin = make_user()
        admin.user_permissions.add(Permission.objects.get(codename="all_jurisdictions"))
        root = make_user(is_superuser=True)
        for user in (admin, root):
            assert jurisdiction_of(user, MANAGE).everything
            assert scope_queryset(Compound.objects.all(), user).count() == 4

    def test_nested_grants_are_collapsed(self, tree):
        user = make_user()
        grant(user, VIEW, tree.streets[0])
        grant(user, VIEW, tree.communities[0])
        grant(user, VIEW, tree.communities[3])
        assert jurisdiction_of(user).paths == (tree.streets[0].path, tree.communities[3].path)
        assert minimal_paths(["a/b/", "a/", "c/"]) == ("a/", "c/")


class TestCost:
    def test_one_query_for_both_levels_then_cached(self, tree, django_assert_max_num_queries):
        user = make_user()
        grant(user, MANAGE, tree.streets[0])
        grant(user, VIEW, tree.compounds[3])
        user = type(user).objects.get(pk=user.pk)
        with django_assert_max_num_queries(3):  # permissions (2) + grants (1)
            view = jurisdiction_of(user, VIEW)
        with django_assert_max_num_queries(0):
            manage = jurisdiction_of(user, MANAGE)
            assert jurisdiction_of(user, VIEW) is view
        assert view.compound_ids == {tree.compounds[3].pk}
        assert manage.compound_ids == frozenset()
        assert manage.paths == (tree.streets[0].path,)

    def test_forget_drops_the_cache(self, tree):
        user = make_user()
        assert jurisdiction_of(user).is_empty
        grant(user, VIEW, tree.streets[0])  # forgets
        assert not jurisdiction_of(user).is_empty

    def test_invalid_level(self):
        with pytest.raises(ValueError):
            jurisdiction_of(AnonymousUser(), "edit")

    def test_empty_jurisdiction_q_matches_nothing(self, tree):
        assert not Compound.objects.filter(Jurisdiction().q("region_path", "pk")).exists()


class TestPolicy:
    @pytest.fixture
    def policy(self):
        return JurisdictionPermissionPolicy(Compound)

    def test_view_needs_model_permission_and_any_grant(self, tree, policy):
        user = make_user()
        grant(user, VIEW, tree.communities[0])
        assert not policy.user_has_permission_for_instance(user, "view", tree.compounds[0])
        user.user_permissions.add(Permission.objects.get(codename="view_compound"))
        user = type(user).objects.get(pk=user.pk)
        assert policy.user_has_permission_for_instance(user, "view", tree.compounds[0])
        assert not policy.user_has_permission_for_instance(user, "view", tree.compounds[1])
        assert list(policy.instances_user_has_any_permission_for(user, ["view"])) == [
            tree.compounds[0]
        ]

    def test_change_needs_a_manage_grant(self, tree, policy):
        user = make_user()
        user.user_permissions.add(Permission.objects.get(codename="change_compound"))
        grant(user, VIEW, tree.streets[0])
        assert not policy.user_has_permission(user, "change")
        grant(user, MANAGE, tree.communities[1])
        assert policy.user_has_permission(user, "change")
        assert policy.user_has_permission_for_instance(user, "change", tree.compounds[1])
        assert not policy.user_has_permission_for_instance(user, "change", tree.compounds[0])
        assert policy.user_has_any_permission_for_instance(user, ["change"], tree.compounds[1])
        assert not policy.user_has_any_permission_for_instance(user, ["change"], tree.compounds[0])
