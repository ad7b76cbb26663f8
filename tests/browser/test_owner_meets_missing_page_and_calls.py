"""An owner on a phone (375 px) follows a stale link, gets the Chinese 404 page, goes back
home, searches in pinyin, and finds on a compound page without grid staff a number to call;
the footer names who runs the site. Screenshots in var/screenshots/."""

import pytest
from wagtail.models import Site

from cms.setup import ensure_portal
from cms.site_settings import PortalSettings
from estates import services
from tests.factories import build_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site_data():
    tree = build_tree()
    ensure_portal()
    community = tree.communities[1]
    community.office_phone = "0876-2130001"
    community.save()
    PortalSettings.objects.create(
        site=Site.objects.get(is_default_site=True),
        operator="文山州住房和城乡建设局",
        icp_number="滇ICP备12345678号-1",
    )
    return services.compound_create(region=community, name="翠湖新苑", address="开化路9号")


def no_horizontal_scroll(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_owner_meets_missing_page_and_finds_a_number_to_call(
    site_data, live_server, page, shoot, axe_violations
):
    page.set_viewport_size({"width": 375, "height": 812})
    response = page.goto(live_server.url + "/c/999999/")
    assert response.status == 404
    assert page.get_by_role("heading", level=1).inner_text() == "页面不存在"
    assert no_horizontal_scroll(page)
    shoot("notice-01-404-375")
    assert axe_violations() == []
    footer = page.locator("footer").inner_text()
    assert "文山州住房和城乡建设局" in footer and "滇ICP备12345678号-1" in footer

    page.get_by_role("link", name="返回首页").click()
    page.get_by_role("searchbox").fill("cuihu")
    page.get_by_role("button", name="搜索").click()
    page.get_by_role("link", name="翠湖新苑").click()
    assert page.locator('a[href="tel:0876-2130001"]').count() == 1
    assert page.locator('a[href="tel:12345"]').count() == 1
    assert no_horizontal_scroll(page)
    shoot("notice-02-compound-contacts-375")
    assert axe_violations() == []
