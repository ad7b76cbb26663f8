"""The registry back office: scoped listings, search, filters, masking, forms, dashboard."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse
from guardian.shortcuts import assign_perm

from common.jurisdiction import MANAGE
from common.validators import mask_id_number, mask_phone
from estates import services
from estates.choices import RegionLevel
from estates.models import Compound, Owner, Ownership, Unit
from tests.estates.admin_helpers import officer, url
from tests.factories import make_compound, make_user, valid_credit_code, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]


def body(response) -> str:
    assert response.status_code == 200, response.status_code
    return response.content.decode()


class TestCompoundListing:
    def test_street_officer_sees_only_own_street(self, client, tree):
        client.force_login(officer("street_staff", tree.streets[0]))
        html = body(client.get(url("compound")))
        assert "开化第1社区阳光花园小区" in html
        assert "开化第2社区阳光花园小区" in html
        assert "卧龙第1社区阳光花园小区" not in html
        assert "卧龙第2社区阳光花园小区" not in html

    def test_search_by_chinese_fragment(self, client, tree):
        client.force_login(officer("platform_admin", tree.province))
        html = body(client.get(url("compound"), {"q": "卧龙第2"}))
        assert "卧龙第2社区阳光花园小区" in html
        assert "开化第1社区阳光花园小区" not in html

    def test_filter_by_community_and_red_property(self, client, tree):
        red = make_compound(region=tree.communities[1], name="红旗小区", is_red_property=True)
        client.force_login(officer("street_staff", tree.streets[0]))
        html = body(client.get(url("compound"), {"community": tree.communities[1].pk}))
        assert "开化第2社区阳光花园小区" in html and red.name in html
        assert "开化第1社区阳光花园小区" not in html
        html = body(client.get(url("compound"), {"is_red_property": "true"}))
        assert red.name in html and "开化第2社区阳光花园小区" not in html

    def test_filter_choices_are_scoped(self, client, tree):
        client.force_login(officer("community_staff", tree.communities[0]))
        html = body(client.get(url("compound")))
        assert "开化第1社区" in html
        # The other communities are not even offered as filter options.
        assert "开化第2社区" not in html
        assert "卧龙第1社区" not in html

    def test_filter_by_street(self, client, tree):
        client.force_login(officer("platform_admin", tree.province))
        html = body(client.get(url("compound"), {"street": tree.streets[1].pk}))
        assert "卧龙第1社区阳光花园小区" in html
        assert "开化第1社区阳光花园小区" not in html


class TestOwnerIdentity:
    def owner_of(self, compound: Compound) -> Owner:
        return Owner.objects.filter(ownerships__compound=compound).order_by("pk").first()

    def test_community_officer_sees_masked_values_only(self, client, tree):
        owner = self.owner_of(tree.compounds[0])
        client.force_login(officer("community_staff", tree.communities[0]))
        for page in (url("owner"), url("owner", "inspect", owner.pk)):
            html = body(client.get(page))
            assert owner.name in html
            assert owner.id_number not in html
            assert owner.phone not in html
            assert mask_id_number(owner.id_number) in html
            assert mask_phone(owner.phone) in html
        assert mask_id_number(owner.id_number).startswith("532***********")

    def test_ownership_listing_masks_too(self, client, tree):
        owner = self.owner_of(tree.compounds[0])
        client.force_login(officer("committee_member", tree.compounds[0]))
        html = body(client.get(url("ownership")))
        assert owner.name in html and owner.id_number not in html
        assert mask_id_number(owner.id_number) in html

    def test_street_officer_sees_full_values(self, client, tree):
        owner = self.owner_of(tree.compounds[0])
        client.force_login(officer("street_staff", tree.streets[0]))
        html = body(client.get(url("owner", "inspect", owner.pk)))
        assert owner.id_number in html and owner.phone in html

    def test_edit_form_without_identity_permission_hides_values(self, client, tree):
        owner = self.owner_of(tree.compounds[0])
        user = make_user()
        for codename in ("access_admin", "view_owner", "change_owner"):
            user.user_permissions.add(Permission.objects.get(codename=codename))
        assign_perm("estates.manage_jurisdiction", user, tree.communities[0])
        client.force_login(user)
        html = body(client.get(url("owner", "edit", owner.pk)))
        assert owner.id_number not in html and owner.phone not in html
        assert mask_id_number(owner.id_number) in html
        # Posting cannot overwrite the hidden values either.
        response = client.post(
            url("owner", "edit", owner.pk),
            {"kind": "person", "name": "李改名", "id_number": valid_id_number(), "phone": ""},
        )
        assert response.status_code == 302
        fresh = Owner.objects.get(pk=owner.pk)
        assert (fresh.name, fresh.id_number, fresh.phone) == (
            "李改名",
            owner.id_number,
            owner.phone,
        )

    def test_search_by_full_id_number_not_by_fragment(self, client, tree):
        owner = self.owner_of(tree.compounds[0])
        client.force_login(officer("community_staff", tree.communities[0]))
        assert mask_id_number(owner.id_number) in body(
            client.get(url("owner"), {"q": owner.id_number.lower()})
        )
        html = body(client.get(url("owner"), {"q": owner.id_number[:10]}))
        assert mask_id_number(owner.id_number) not in html
        assert owner.name in body(client.get(url("owner"), {"q": owner.name[:3]}))


class TestForms:
    def test_compound_region_choices_limited_to_manage_jurisdiction(self, client, tree):
        client.force_login(officer("street_staff", tree.streets[0]))
        html = body(client.get(url("compound", "add")))
        assert "卧龙第1社区" not in html
        # The community is chosen in a chooser listing the communities the officer manages.
        chooser = client.get(
            reverse("estates_region_chooser:choose"),
            {"scope": MANAGE, "level": RegionLevel.COMMUNITY.value},
        )
        listing = chooser.json()["html"]
        assert "开化第1社区" in listing and "卧龙第1社区" not in listing
        response = client.post(
            url("compound", "add"), {"region": tree.communities[2].pk, "name": "越界小区"}
        )
        assert response.status_code == 200
        assert not Compound.objects.filter(name="越界小区").exists()
        response = client.post(
            url("compound", "add"),
            {"region": tree.communities[1].pk, "name": "新建和谐小区", "address": "开化路8号"},
        )
        assert response.status_code == 302
        created = Compound.objects.get(name="新建和谐小区")
        assert created.region_path == tree.communities[1].path

    def test_company_credit_code_error_is_chinese(self, client, tree):
        client.force_login(officer("street_staff", tree.streets[0]))
        code = valid_credit_code()
        wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
        html = body(
            client.post(
                url("propertycompany", "add"),
                {
                    "name": "文山安居物业服务有限公司",
                    "credit_code": wrong,
                    "region": tree.streets[0].pk,
                },
            )
        )
        assert "统一社会信用代码校验位不正确" in html
        response = client.post(
            url("propertycompany", "add"),
            {
                "name": "文山安居物业服务有限公司",
                "credit_code": code.lower(),
                "region": tree.streets[0].pk,
                "contact_phone": "0876-2123456",
            },
        )
        assert response.status_code == 302

    def test_unit_area_must_be_positive(self, client, tree):
        building = tree.compounds[0].buildings.get()
        client.force_login(officer("street_staff", tree.streets[0]))
        data = {
            "building": building.pk,
            "entrance": "2单元",
            "room": "301",
            "area_source": "register",
        }
        html = body(client.post(url("unit", "add"), {**data, "exclusive_area": "0"}))
        assert "专有部分面积必须大于0" in html
        response = client.post(url("unit", "add"), {**data, "exclusive_area": "96.30"})
        assert response.status_code == 302
        unit = Unit.objects.get(entrance="2单元", room="301")
        assert unit.compound_id == tree.compounds[0].pk
        assert unit.exclusive_area == Decimal("96.30")

    def test_owner_create_checks_id_number_and_links_unit(self, client, tree):
        unit = Unit.objects.filter(compound=tree.compounds[0]).first()
        client.force_login(officer("street_staff", tree.streets[0]))
        good = valid_id_number(777)
        bad = good[:-1] + ("0" if good[-1] != "0" else "1")
        data = {"kind": "person", "name": "王芳", "phone": "139 0876 5432", "unit": unit.pk}
        html = body(client.post(url("owner", "add"), {**data, "id_number": bad}))
        assert "居民身份证号码校验位不正确" in html
        html = body(client.post(url("owner", "add"), {**data, "id_number": good, "phone": "123"}))
        assert "请输入有效的手机号码" in html
        response = client.post(
            url("owner", "add"), {**data, "id_number": good, "is_registered": "on"}
        )
        assert response.status_code == 302
        owner = Owner.objects.get(id_number=good)
        assert owner.phone == "13908765432"
        assert Ownership.objects.filter(owner=owner, unit=unit, compound=unit.compound).exists()

    def test_owner_create_cannot_use_unit_of_other_street(self, client, tree):
        foreign_unit = Unit.objects.filter(compound=tree.compounds[3]).first()
        client.force_login(officer("street_staff", tree.streets[0]))
        data = {"kind": "person", "name": "赵越", "id_number": valid_id_number(778)}
        body(client.post(url("owner", "add"), {**data, "unit": foreign_unit.pk}))
        assert not Owner.objects.filter(name="赵越").exists()

    def test_region_edit_cannot_move_the_path(self, client, tree):
        community = tree.communities[0]
        client.force_login(officer("platform_admin", tree.province))
        response = client.post(
            url("region", "edit", community.pk),
            {"name": "开化第一社区", "short_name": "", "code": "999999999", "parent": ""},
        )
        assert response.status_code == 302
        community.refresh_from_db()
        assert community.name == "开化第一社区" and community.code == "532601001001"

    def test_region_create_checks_level_against_parent(self, client, tree):
        client.force_login(officer("platform_admin", tree.province))
        data = {"parent": tree.streets[0].pk, "code": "532601001009", "name": "新社区"}
        html = body(client.post(url("region", "add"), {**data, "level": RegionLevel.STREET}))
        assert "下级区域的层级必须低于上级区域" in html
        response = client.post(url("region", "add"), {**data, "level": RegionLevel.COMMUNITY})
        assert response.status_code == 302


class TestDashboard:
    def test_panel_names_jurisdiction_and_counts(self, client, tree):
        client.force_login(officer("community_staff", tree.communities[0]))
        html = body(client.get("/admin/"))
        assert "我的辖区" in html
        assert "社区/村：开化第1社区（管理）" in html
        assert "<span>1</span> 小区" in html and "<span>4</span> 房屋" in html
        assert "<span>4</span> 业主" in html

    def test_committee_member_panel(self, client, tree):
        client.force_login(officer("committee_member", tree.compounds[1]))
        html = body(client.get("/admin/"))
        assert "小区：开化第2社区阳光花园小区（查看）" in html


def grow(tree, compounds: int, units: int) -> None:
    for i in range(compounds):
        community = tree.communities[i % 2]
        compound = make_compound(region=community, name=f"扩容小区{i}", units=units)
        # Give one owner a second unit so joins could duplicate rows if done wrong.
        owner = Owner.objects.filter(ownerships__compound=compound).first()
        services.ownership_add(owner=owner, unit=Unit.objects.filter(compound=compound).last())


@pytest.mark.parametrize(
    ("model", "params"),
    [
        ("compound", {}),
        ("compound", {"community": "first"}),
        ("unit", {}),
        ("owner", {"q": "业主"}),
        ("ownership", {}),
        ("building", {}),
        ("grid", {}),
        ("gridstaff", {}),
        ("propertycompany", {}),
        ("region", {}),
    ],
)
def test_listing_queries_are_flat(client, tree, django_assert_max_num_queries, model, params):
    """≤ 15 queries, and the same number whether the street holds 2 or 42 compounds."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = officer("street_staff", tree.streets[0])
    if params.get("community") == "first":
        params = {"community": tree.communities[0].pk}
    counts = []
    for extra in (0, 40):
        grow(tree, extra, units=6)
        client.force_login(user)
        with django_assert_max_num_queries(15), CaptureQueriesContext(connection) as ctx:
            assert client.get(url(model), params).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_dashboard_panel_costs_the_same_for_any_size(tree):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from estates.viewsets import JurisdictionPanel

    user = officer("street_staff", tree.streets[0])
    contexts, counts = [], []
    for extra in (0, 30):
        grow(tree, extra, units=3)
        user = type(user).objects.get(pk=user.pk)  # fresh permission and grant caches
        with CaptureQueriesContext(connection) as ctx:
            contexts.append(JurisdictionPanel(user).get_context_data())
        counts.append(len(ctx.captured_queries))
    # permissions 2 + grants 1 + region names 1 + three counts
    assert counts == [7, 7]
    assert [c for _, c in contexts[1]["counts"]] == [32, 2 * 4 + 30 * 3, 2 * 4 + 30 * 3]
    assert contexts[1]["grants"] == [{"name": "开化街道", "kind": "街道/乡镇", "manage": True}]


def test_history_and_usage_of_other_jurisdiction_are_404(client, tree):
    client.force_login(officer("street_staff", tree.streets[0]))
    other = tree.compounds[3]
    assert client.get(url("compound", "history", other.pk)).status_code == 404
    assert client.get(url("compound", "usage", other.pk)).status_code == 404
    own = tree.compounds[0]
    assert client.get(url("compound", "history", own.pk)).status_code == 200


def test_menu_group_lists_only_permitted_models(client, tree):
    client.force_login(officer("committee_member", tree.compounds[0]))
    html = body(client.get(url("compound")))
    # The sidebar is JSON inside the page, with non-ASCII escaped.
    assert "基础信息".encode("unicode_escape").decode() in html
    assert url("compound") in html and url("owner") in html
    assert url("region") not in html and url("department") not in html


def test_ownership_add_links_a_co_owner_by_id_number(client, tree):
    owner = Owner.objects.filter(ownerships__compound=tree.compounds[0]).first()
    unit = Unit.objects.filter(compound=tree.compounds[1]).first()
    client.force_login(officer("street_staff", tree.streets[0]))
    data = {"unit": unit.pk, "is_registered": "on"}
    html = body(client.post(url("ownership", "add"), {**data, "owner_id_number": "5326"}))
    assert "没有该证件号码的业主" in html
    response = client.post(url("ownership", "add"), {**data, "owner_id_number": owner.id_number})
    assert response.status_code == 302
    assert Ownership.objects.get(owner=owner, unit=unit).compound_id == tree.compounds[1].pk
    html = body(client.post(url("ownership", "add"), {**data, "owner_id_number": owner.id_number}))
    assert "该业主已登记为此房屋的业主" in html
