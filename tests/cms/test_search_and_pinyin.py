"""Search by several words, by company, community or street, and by pinyin; Chinese names in
pinyin order on the public site and in the admin listings, on SQLite (stored sort key) and
PostgreSQL (ICU zh collation). Run on both: `scripts/with-postgres .venv/bin/pytest ...`."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from estates import selectors, services
from estates.choices import RegionLevel
from estates.loading import bulk_insert
from estates.models import Compound, Region
from estates.pinyin import pinyin_columns
from tests.cms.builders import make_company
from tests.cms.test_portal_performance import QUERY_BUDGET, queries_for
from tests.factories import make_user

pytestmark = pytest.mark.django_db

# Created in this order; code-point order would be 东 安 白 翠 阳.
CREATION_ORDER = ["东方小区", "阳光小区", "安居小区", "白云小区", "翠湖小区"]
PINYIN_ORDER = ["安居小区", "白云小区", "翠湖小区", "东方小区", "阳光小区"]


def names(page) -> list[str]:
    return [c.name for c in page]


# ---------------------------------------------------------------- the pinyin columns


def test_pinyin_columns():
    assert pinyin_columns("阳光花园") == ("yang guang hua yuan", "yangguanghuayuan yghy")
    assert pinyin_columns("SOHO现代城")[0] == "soho xian dai cheng"
    assert pinyin_columns("重庆路")[0] == "chong qing lu"  # a word's reading, not 重 zhong
    assert pinyin_columns("") == ("", "")
    # Syllable by syllable, as in a dictionary: 安心 (an xin) before 昂 (ang).
    assert pinyin_columns("安心")[0] < pinyin_columns("昂")[0]


def test_columns_follow_every_save_and_bulk_insert(tree):
    compound = services.compound_create(region=tree.communities[0], name="阳光新城")
    compound.refresh_from_db()
    assert (compound.name_sort, compound.name_pinyin) == pinyin_columns("阳光新城")
    compound.name = "白云新城"
    compound.save(update_fields=["name"])
    compound.refresh_from_db()
    assert compound.name_sort == "bai yun xin cheng"
    region = tree.communities[0]
    assert region.name_sort == pinyin_columns(region.name)[0]
    # The sheet importer and the demo seed insert in bulk, without save().
    (pk,) = bulk_insert(
        Compound, ["region_id", "region_path", "name"], [(region.pk, region.path, "翠湖新城")]
    )
    assert Compound.objects.get(pk=pk).name_pinyin == "cuihuxincheng chxc"


# ---------------------------------------------------------------- search


@pytest.fixture
def searchable(tree, portal):
    company = make_company(region=tree.county, name="文山安居物业服务有限公司")
    kaihua, wolong = tree.communities[0], tree.communities[2]
    return {
        "阳光小区": services.compound_create(region=kaihua, name="阳光小区", address="开化路1号"),
        "花园小区": services.compound_create(region=kaihua, name="花园小区", address="阳光路2号"),
        "卧龙阳光花园": services.compound_create(
            region=wolong, name="卧龙阳光花园", property_company=company
        ),
    }


def search(q: str) -> list[str]:
    return names(selectors.compound_list_public(q=q))


def test_every_word_must_match(searchable, tree):
    # The tree's four compounds are all called …阳光花园小区.
    both = search("阳光 花园")
    assert "卧龙阳光花园" in both and "花园小区" in both  # 花园 in the name, 阳光 in the address
    assert "阳光小区" not in both  # 花园 nowhere
    assert search("阳光\u3000花园") == both  # an ideographic space separates words too
    assert search("阳光  花园  阳光") == both


def test_company_community_and_street_names_are_searched(searchable, tree):
    assert search("安居物业") == ["卧龙阳光花园"]
    assert set(search("卧龙 阳光")) == {"卧龙阳光花园", *(c.name for c in tree.compounds[2:])}
    kaihua = set(search("开化街道"))
    assert kaihua == {"阳光小区", "花园小区", *(c.name for c in tree.compounds[:2])}


def test_pinyin_finds_the_name(searchable):
    assert "阳光小区" in search("yangguang")
    assert search("yangguang") == search("YangGuang")
    assert search("yangguangxiaoqu") == ["阳光小区"]
    assert search("ygxq") == ["阳光小区"]  # initials
    assert "卧龙阳光花园" in search("yang guang hua yuan")


def test_names_starting_with_the_query_rank_first(searchable):
    found = search("阳光")
    assert found[0] == "阳光小区"
    assert found.index("卧龙阳光花园") < found.index("花园小区")  # name match before address


def test_search_page_finds_several_words_within_budget(client, searchable):
    response = client.get("/search/", {"q": "阳光 花园"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "卧龙阳光花园" in html and "阳光小区</a>" not in html
    single = queries_for(client, "/search/?q=%E9%98%B3%E5%85%89")
    several = queries_for(client, "/search/?q=%E9%98%B3%E5%85%89+%E8%8A%B1%E5%9B%AD+yg")
    pinyin = queries_for(client, "/search/?q=yangguang")
    assert single == several == pinyin <= QUERY_BUDGET


def test_a_very_long_search_is_cut_not_refused(client, searchable):
    response = client.get("/search/", {"q": "阳光 " * 1000})
    assert response.status_code == 200
    assert "阳光小区" in response.content.decode()


# ---------------------------------------------------------------- pinyin order


@pytest.fixture
def community(tree, portal):
    street = services.region_create(
        code="532601005", name="新街道", level=RegionLevel.STREET, parent=tree.county
    )
    community = services.region_create(
        code="532601005001", name="新社区", level=RegionLevel.COMMUNITY, parent=street
    )
    for name in CREATION_ORDER:
        services.compound_create(region=community, name=name)
    return community


def test_sql_sorts_by_icu_collation_or_sort_key(community):
    sql = str(selectors.compound_list_public(region=community).query)
    if connection.vendor == "postgresql":
        assert 'COLLATE "zh-x-icu"' in sql
    else:
        assert "name_sort" in sql


def test_community_page_lists_compounds_in_pinyin_order(client, community):
    assert names(selectors.compound_list_public(region=community)) == PINYIN_ORDER
    html = client.get(f"/r/{community.code}/").content.decode()
    positions = [html.index(f">{name}</a>") for name in PINYIN_ORDER]
    assert positions == sorted(positions)


def test_search_results_tie_in_pinyin_order(community):
    found = names(selectors.compound_list_public(region=community, q="小区"))
    assert found == PINYIN_ORDER


def test_region_lists_are_in_pinyin_order(client, tree, portal):
    # 卧龙 (wo) was created after 开化 (kai); add 安宁 (an) and 砚山 (yan) after both.
    for code, name in (("532601006", "砚山街道"), ("532601007", "安宁街道")):
        services.region_create(code=code, name=name, level=RegionLevel.STREET, parent=tree.county)
    expected = ["安宁街道", "开化街道", "卧龙街道", "砚山街道"]
    assert names(selectors.region_list_children(parent=tree.county)) == expected
    assert names(selectors.region_list_children_by_code(code=tree.county.code)) == expected
    html = client.get(f"/r/{tree.county.code}/").content.decode()
    positions = [html.index(f">{name}</a>") for name in expected]
    assert positions == sorted(positions)


def test_front_page_lists_prefectures_in_pinyin_order(client, tree, portal):
    services.region_create(
        code="530100", name="昆明市", level=RegionLevel.PREFECTURE, parent=tree.province
    )
    services.region_create(
        code="530300", name="曲靖市", level=RegionLevel.PREFECTURE, parent=tree.province
    )
    regions, _totals = selectors.portal_overview()
    prefectures = [r.name for r in regions if r.level == RegionLevel.PREFECTURE]
    assert prefectures == ["昆明市", "曲靖市", "文山壮族苗族自治州"]
    assert regions[0].name == "云南省"


@pytest.fixture
def admin_client(client, tree):
    admin = make_user("pingtai-admin")
    services.role_assign(user=admin, role="platform_admin", target=tree.province)
    client.force_login(admin)
    return client


def listed(client, model: str, **params) -> list[str]:
    response = client.get(reverse(f"estates_{model}:index"), params)
    assert response.status_code == 200
    return [obj.name for obj in response.context["object_list"]]


def test_admin_compound_listing_sorts_names_by_pinyin(admin_client, community):
    in_community = [n for n in listed(admin_client, "compound") if n in PINYIN_ORDER]
    assert in_community == PINYIN_ORDER  # default: by community, then pinyin
    by_name = [n for n in listed(admin_client, "compound", ordering="name") if n in PINYIN_ORDER]
    assert by_name == PINYIN_ORDER
    descending = [
        n for n in listed(admin_client, "compound", ordering="-name") if n in PINYIN_ORDER
    ]
    assert descending == PINYIN_ORDER[::-1]


def test_admin_region_listing_sorts_each_level_by_pinyin(admin_client, tree):
    services.region_create(
        code="532601007", name="安宁街道", level=RegionLevel.STREET, parent=tree.county
    )
    regions = listed(admin_client, "region")
    streets = [n for n in regions if n.endswith("街道")]
    assert streets == ["安宁街道", "开化街道", "卧龙街道"]
    assert regions.index("云南省") < regions.index("文山市") < regions.index("安宁街道")
    assert Region.objects.get(name="安宁街道").name_sort == "an ning jie dao"


def test_admin_search_finds_pinyin(admin_client, community):
    assert listed(admin_client, "compound", q="dongfang") == ["东方小区"]


def test_admin_inspect_page_hides_the_pinyin_columns(admin_client, community):
    compound = Compound.objects.get(name="阳光小区")
    html = admin_client.get(reverse("estates_compound:inspect", args=[compound.pk])).text
    assert "阳光小区" in html
    assert "yang guang" not in html and "拼音排序" not in html


def test_grid_staff_of_one_post_are_in_pinyin_order(client, tree, portal):
    from estates.choices import GridRole

    compound = services.compound_create(region=tree.communities[0], name="网格小区")
    building = services.building_create(compound=compound, name="1栋")
    grid = services.grid_create(
        region=tree.communities[0], name="网格一", code="G-PINYIN", buildings=[building]
    )
    # Code-point order would be 周 (5468) before 安 (5B89) before 白 (767D).
    for name, phone in (("白雪", "13808760003"), ("周敏", "13808760001"), ("安娜", "13808760002")):
        services.grid_staff_add(grid=grid, role=GridRole.CLEANER, name=name, phone=phone)
    services.grid_staff_add(grid=grid, role=GridRole.HEAD, name="赵丽", phone="13808760004")
    html = client.get(f"/c/{compound.pk}/").content.decode()
    section = html.split('id="grid-heading"')[1]
    positions = [section.index(name) for name in ("赵丽", "安娜", "白雪", "周敏")]
    assert positions == sorted(positions)  # the head first, then cleaners by pinyin


def test_admin_filter_choices_are_in_pinyin_order(admin_client, tree, community):
    services.region_create(
        code="532601005002", name="安宁社区", level=RegionLevel.COMMUNITY, parent=community.parent
    )
    response = admin_client.get(reverse("estates_compound:index"))
    choices = response.context["filters"].form.fields["community"].queryset
    assert [c.name for c in choices] == [
        "安宁社区",
        "开化第1社区",
        "开化第2社区",
        "卧龙第1社区",
        "卧龙第2社区",
        "新社区",
    ]
