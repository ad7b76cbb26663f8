"""The public portal: pages generated from the registry, in Chinese, accessible, fast."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from cms.caching import CACHE_HEADER
from cms.models import PortalHomePage
from estates import services
from tests.cms.builders import make_company, make_full_compound

pytestmark = pytest.mark.django_db

QUERY_BUDGET = 6


def get(client, url, **kwargs):
    response = client.get(url, **kwargs)
    assert response.status_code == 200, (url, response.status_code)
    return response, response.content.decode()


@pytest.fixture
def compound(tree, portal):
    """A red-property compound with a company, two grids and 3 × 4 units of 1,028.89 m²."""
    community = tree.communities[0]
    company = make_company(region=tree.county)
    return make_full_compound(
        region=community,
        name="阳光花园小区",
        buildings=3,
        units_per_building=4,
        grids=2,
        area=Decimal("1028.89"),
        property_company=company,
        is_red_property=True,
        completed_year=2008,
    )


class TestHomePage:
    def test_lists_province_and_prefectures_with_counts(self, client, tree, portal):
        _response, html = get(client, "/")
        assert '<html lang="zh-Hans">' in html
        assert "<title>首页 · 物业治理公开信息</title>" in html
        assert "云南省" in html
        assert f'href="/r/{tree.prefecture.code}/"' in html
        assert "文山壮族苗族自治州" in html
        assert "4 个小区" in html

    def test_accessibility_landmarks_and_no_inline_script(self, client, tree, portal):
        _, html = get(client, "/")
        assert 'class="skip-link" href="#main"' in html
        assert '<main id="main"' in html
        assert "<header" in html and "<footer" in html
        assert 'role="search"' in html
        assert '<label for="search-q">' in html and 'id="search-q"' in html
        assert "<script" not in html  # CSP: script-src self + nonce, and no script needed
        assert "style=" not in html

    def test_language_switch_is_a_link_and_pages_carry_no_visitor_token(self, client, portal):
        response, html = get(client, "/search/?q=%E9%98%B3%E5%85%89")
        assert 'href="/lang/en/?next=/search/%3Fq%3D%25E9%2598%25B3%25E5%2585%2589"' in html
        assert "csrfmiddlewaretoken" not in html
        response = client.get("/lang/en/?next=/search/%3Fq%3D%25E9%2598%25B3%25E5%2585%2589")
        assert (
            response.status_code == 302 and response["Location"] == "/search/?q=%E9%98%B3%E5%85%89"
        )
        assert client.cookies["django_language"].value == "en"
        _, html = get(client, "/search/?q=%E9%98%B3%E5%85%89")
        assert '<html lang="en">' in html
        # A cached copy is byte-for-byte the page (nothing per visitor to fill in). A search
        # that finds nothing is never stored, so the search page without a query shows it.
        _, html = get(client, "/search/")
        response, again = get(client, "/search/")
        assert response[CACHE_HEADER] == "hit" and again == html

    def test_language_switch_refuses_unknown_languages_and_foreign_redirects(self, client, portal):
        assert client.get("/lang/xx/").status_code == 404
        response = client.get("/lang/en/?next=https://evil.example/")
        assert response["Location"] == "/"

    def test_english_is_a_separate_cache_entry(self, client, portal):
        get(client, "/")
        client.cookies["django_language"] = "en"
        response, html = get(client, "/")
        assert '<html lang="en">' in html
        assert response[CACHE_HEADER] == "miss"


class TestRegionPages:
    def test_county_lists_streets_with_counts_and_breadcrumbs(self, client, tree, portal):
        _, html = get(client, f"/r/{tree.county.code}/")
        assert "<title>文山市 · 物业治理公开信息</title>" in html
        assert "<h1>文山市" in html
        assert 'aria-label="当前位置"' in html
        assert f'href="/r/{tree.province.code}/">云南省</a>' in html
        assert f'href="/r/{tree.streets[0].code}/">开化街道</a>' in html
        assert "2 个小区" in html

    def test_community_lists_its_compounds(self, client, tree, portal):
        community = tree.communities[0]
        _, html = get(client, f"/r/{community.code}/")
        assert community.name in html
        assert f'href="/c/{tree.compounds[0].pk}/"' in html
        assert tree.compounds[2].name not in html  # another street's compound

    def test_unknown_region_is_404(self, client, portal):
        assert client.get("/r/999999/").status_code == 404


class TestCompoundPage:
    def test_shows_registry_facts(self, client, compound):
        _, html = get(client, f"/c/{compound.pk}/")
        assert "<title>阳光花园小区 · 物业治理公开信息</title>" in html
        assert '<h1 id="compound-heading">阳光花园小区' in html
        assert compound.address in html
        for crumb in ("开化第1社区", "开化街道", "文山市", "文山壮族苗族自治州"):
            assert crumb in html
        assert "红色物业" in html
        assert "2008年" in html
        # Numbers with their units, never broken across lines.
        assert '<dd><span class="nowrap">3\u00a0栋</span></dd>' in html  # buildings
        assert '<dd><span class="nowrap">12\u00a0套</span></dd>' in html  # units
        assert '<dd><span class="nowrap">12,346.68\u00a0平方米</span></dd>' in html  # 12 × 1,028.89
        assert f"{compound.updated_at.year}年" in html and "月" in html

    def test_shows_company_and_grid_staff_with_tap_to_call(self, client, compound):
        _, html = get(client, f"/c/{compound.pk}/")
        assert "文山安居物业服务有限公司" in html
        assert 'href="tel:0876-2123456"' in html
        assert "阳光花园小区第1网格" in html and "阳光花园小区第2网格" in html
        for role in ("网格长", "先锋员", "治安员", "保洁员"):
            assert role in html
        assert 'href="tel:13808760000"' in html
        # Grid sign order: head before vanguard before security before cleaner.
        first_grid = html.split("阳光花园小区第1网格")[1].split("阳光花园小区第2网格")[0]
        assert first_grid.index("网格长") < first_grid.index("先锋员") < first_grid.index("保洁员")

    def test_compound_without_company_or_staff(self, client, tree, portal):
        bare = services.compound_create(region=tree.communities[1], name="老城区小区")
        _, html = get(client, f"/c/{bare.pk}/")
        # Plain words: the system knows there is neither a company nor a committee.
        assert "本小区未登记物业服务企业，也未成立业主委员会或物业管理委员会" in html
        assert "可能" not in html
        assert "本小区暂未登记网格工作人员" in html
        assert '<dd><span class="nowrap">0.00\u00a0平方米</span></dd>' in html

    def test_photo_is_a_rendition_with_alt_text(self, client, compound, settings, tmp_path):
        settings.MEDIA_ROOT = tmp_path
        compound.photo = make_image(title="阳光花园小区南门", description="小区南门和门岗")
        compound.save()
        _, html = get(client, f"/c/{compound.pk}/")
        assert 'alt="小区南门和门岗"' in html
        assert "/images/" in html and ".fill-960x540" in html
        cache.clear()  # the rendition exists now: the page stays within budget
        with CaptureQueriesContext(connection) as ctx:
            get(client, f"/c/{compound.pk}/")
        assert len(ctx.captured_queries) <= QUERY_BUDGET

    def test_unknown_compound_is_404(self, client, portal):
        assert client.get("/c/999999/").status_code == 404


def make_image(*, title: str, description: str = ""):
    from io import BytesIO

    from django.core.files.images import ImageFile
    from PIL import Image as PILImage
    from wagtail.images import get_image_model

    buffer = BytesIO()
    PILImage.new("RGB", (1200, 800), (180, 40, 30)).save(buffer, "PNG")
    image_model = get_image_model()
    return image_model.objects.create(
        title=title, description=description, file=ImageFile(buffer, name="gate.png")
    )


class TestSearch:
    def test_two_characters_find_a_compound_by_name(self, client, tree, portal):
        _, html = get(client, "/search/?q=阳光")
        assert "<title>“阳光”的搜索结果 · 物业治理公开信息</title>" in html
        assert '找到 <span class="nowrap">4 个小区</span>' in html
        assert "开化第1社区阳光花园小区" in html

    def test_finds_by_address(self, client, tree, portal):
        _, html = get(client, "/search/?q=卧龙第2社区路")
        assert '找到 <span class="nowrap">1 个小区</span>' in html
        assert "卧龙第2社区阳光花园小区" in html

    def test_no_match_and_empty_query(self, client, tree, portal):
        _, html = get(client, "/search/?q=不存在的小区")
        assert '找到 <span class="nowrap">0 个小区</span>' in html and "没有找到匹配的小区" in html
        _, html = get(client, "/search/")
        assert "请输入小区名称、地址、物业服务企业" in html and "拼音" in html

    def test_results_are_paginated(self, client, tree, portal):
        for i in range(25):
            services.compound_create(region=tree.communities[3], name=f"阳光新城{i:02d}期")
        _, html = get(client, "/search/?q=阳光")
        assert '找到 <span class="nowrap">29 个小区</span>' in html
        assert "第 1 页，共 2 页" in html
        assert 'href="?q=%E9%98%B3%E5%85%89&amp;page=2"' in html
        _, html = get(client, "/search/?q=阳光&page=2")
        assert html.count('class="card"') == 9


class TestPortalSetup:
    def test_portal_is_the_default_site_root(self, portal):
        from wagtail.models import Site

        assert Site.objects.get(is_default_site=True).root_page_id == portal.pk
        assert PortalHomePage.objects.count() == 1

    def test_ensure_portal_is_idempotent_and_rebuilds_a_flushed_tree(self, portal):
        from wagtail.models import Page, Site

        from cms.setup import ensure_portal

        assert ensure_portal().pk == portal.pk
        Site.objects.all().delete()
        Page.objects.all().delete()
        rebuilt = ensure_portal()
        assert rebuilt.depth == 2
        assert Site.objects.get(is_default_site=True).root_page_id == rebuilt.pk


def test_bench_bare_view_does_no_queries(client, db):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/bench/bare/")
    assert response.status_code == 200 and response.content == b"ok"
    assert len(ctx.captured_queries) == 0


def test_search_ranks_name_prefix_then_name_then_address(client, tree, portal):
    community = tree.communities[0]
    services.compound_create(region=community, name="金碧小区", address="翠湖路12号")
    services.compound_create(region=community, name="翠湖花园", address="金碧路1号")
    services.compound_create(region=community, name="新翠湖苑", address="文华路3号")
    _, html = get(client, "/search/?q=翠湖")
    order = [html.index(name) for name in ("翠湖花园", "新翠湖苑", "金碧小区")]
    assert order == sorted(order)


def test_compound_ids_beyond_any_row_are_not_found(client, portal):
    huge = 10**25
    assert client.get(f"/c/{huge}/").status_code == 404
    assert client.get(f"/api/public/compounds/{huge}/").status_code == 404
