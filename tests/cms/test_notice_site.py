"""The public site as owners expect a government notice site: Chinese error pages with a way
back, a footer naming who runs the site with its filing numbers (set by the administrator),
and a phone to call on every compound page, within the query budget."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.views.defaults import server_error
from wagtail.models import Site

from cms.site_settings import PortalSettings
from estates import services
from tests.cms.builders import make_company, make_full_compound
from tests.cms.test_portal_performance import QUERY_BUDGET, queries_for
from tests.factories import make_user


def _home_link(html: str) -> bool:
    return 'href="/"' in html and "返回首页" in html


# ---------------------------------------------------------------- error pages


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/c/999999/", "/r/000000/", "/no-such-page/"])
def test_missing_page_is_a_chinese_404_with_a_way_back(client, portal, path):
    response = client.get(path)
    assert response.status_code == 404
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "页面不存在" in html
    assert _home_link(html)
    assert 'action="/search/"' in html  # search stays at hand
    assert "Not Found" not in html


def test_server_error_page_needs_no_request_and_no_database():
    """Django renders 500.html without a context; with the database unreachable (no
    django_db mark: any query fails the test) it still says what happened in Chinese."""
    html = render_to_string("500.html")
    assert "系统暂时无法响应" in html and _home_link(html)
    response = server_error(RequestFactory().get("/c/1/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert '<html lang="zh-Hans">' in html
    assert "系统暂时无法响应" in html and "12345" in html
    assert _home_link(html)
    assert "Server Error" not in html


# ---------------------------------------------------------------- footer


@pytest.fixture
def site_info(portal):
    return PortalSettings.objects.create(
        site=Site.objects.get(is_default_site=True),
        operator="文山州住房和城乡建设局",
        contact_phone="0876-2121234",
        contact_email="wyzl@example.cn",
        contact_address="文山市开化中路1号",
        icp_number="滇ICP备12345678号-1",
        police_number="滇公网安备53260202000001号",
    )


@pytest.mark.django_db
def test_footer_shows_the_operating_body_and_filing_numbers_from_settings(client, tree, site_info):
    for url in ("/", f"/r/{tree.county.code}/", f"/c/{tree.compounds[0].pk}/", "/missing/"):
        html = client.get(url).content.decode()
        footer = html.split('<footer class="site-footer">')[1]
        assert "主办单位：文山州住房和城乡建设局" in footer, url
        assert 'href="tel:0876-2121234"' in footer
        assert "mailto:wyzl@example.cn" in footer
        assert "文山市开化中路1号" in footer
        assert '<a href="https://beian.miit.gov.cn/"' in footer
        assert "滇ICP备12345678号-1" in footer
        assert "https://beian.mps.gov.cn/#/query/webSearch?code=53260202000001" in footer


@pytest.mark.django_db
def test_footer_change_reaches_the_next_request(client, site_info):
    assert "滇ICP备12345678号-1" in client.get("/").content.decode()
    site_info.icp_number = "滇ICP备87654321号-2"
    site_info.save()
    html = client.get("/").content.decode()
    assert "滇ICP备87654321号-2" in html and "滇ICP备12345678号-1" not in html


@pytest.mark.django_db
def test_footer_without_settings_shows_no_empty_labels(client, portal):
    html = client.get("/").content.decode()
    assert "主办单位" not in html and "beian" not in html
    assert not PortalSettings.objects.exists()  # reading never creates the row


@pytest.mark.django_db
def test_footer_costs_no_query(client, tree, portal):
    url = f"/r/{tree.communities[0].code}/"
    without = queries_for(client, url)
    PortalSettings.objects.create(
        site=Site.objects.get(is_default_site=True), icp_number="滇ICP备12345678号-1"
    )
    with_settings = queries_for(client, url)
    assert with_settings == without <= QUERY_BUDGET


@pytest.mark.django_db
def test_only_the_platform_administrator_edits_the_footer(client, tree, portal):
    site = Site.objects.get(is_default_site=True)
    url = f"/admin/settings/cms/portalsettings/{site.pk}/"
    admin = make_user("pingtai")
    services.role_assign(user=admin, role="platform_admin", target=tree.province)
    street = make_user("jiedao")
    services.role_assign(user=street, role="street_staff", target=tree.streets[0])
    client.force_login(street)
    assert client.get(url).status_code in (302, 403)
    client.force_login(admin)
    response = client.get(url)
    assert response.status_code == 200
    assert "ICP备案号" in response.content.decode()
    response = client.post(
        url,
        {
            "operator": "文山州住房和城乡建设局",
            "contact_phone": "0876-2121234",
            "contact_email": "",
            "contact_address": "",
            "icp_number": "滇ICP备12345678号-1",
            "police_number": "",
            "hotline": "12345",
        },
    )
    assert response.status_code == 302
    assert PortalSettings.objects.get(site=site).icp_number == "滇ICP备12345678号-1"
    client.logout()
    assert "滇ICP备12345678号-1" in client.get("/").content.decode()


# ---------------------------------------------------------------- contacts


def _contacts(html: str) -> str:
    return html.split('id="contacts-heading"')[1].split("</section>")[0]


@pytest.mark.django_db
def test_compound_without_grid_staff_still_gives_phones_to_call(client, tree, portal):
    """No grid staff, no company, no committee: the community's and the street's offices
    and the hotline are listed."""
    community, street = tree.communities[1], tree.streets[0]
    community.office_phone = "0876-2130001"
    community.save()
    street.office_phone = "0876-2130000"
    street.save()
    bare = services.compound_create(region=community, name="无网格小区")
    html = client.get(f"/c/{bare.pk}/").content.decode()
    assert "本小区暂未登记网格工作人员" in html
    contacts = _contacts(html)
    assert "所属社区" in contacts and community.name in contacts
    assert 'href="tel:0876-2130001"' in contacts
    assert "所属街道" in contacts and street.name in contacts
    assert 'href="tel:0876-2130000"' in contacts
    assert 'href="tel:12345"' in contacts


@pytest.mark.django_db
def test_hotline_is_there_when_nothing_else_is_registered(client, tree, portal):
    bare = services.compound_create(region=tree.communities[1], name="空白小区")
    contacts = _contacts(client.get(f"/c/{bare.pk}/").content.decode())
    assert "便民服务热线" in contacts and 'href="tel:12345"' in contacts


@pytest.mark.django_db
def test_hotline_follows_the_settings(client, tree, portal):
    PortalSettings.objects.create(site=Site.objects.get(is_default_site=True), hotline="0876-12345")
    bare = services.compound_create(region=tree.communities[1], name="热线小区")
    contacts = _contacts(client.get(f"/c/{bare.pk}/").content.decode())
    assert 'href="tel:0876-12345"' in contacts and 'href="tel:12345"' not in contacts


@pytest.mark.django_db
def test_company_and_grid_head_lead_the_contacts_within_budget(client, tree, portal):
    tree.communities[0].office_phone = "0876-2130001"
    tree.communities[0].save()
    compound = make_full_compound(
        region=tree.communities[0],
        name="联系小区",
        property_company=make_company(region=tree.county),
    )
    url = f"/c/{compound.pk}/"
    contacts = _contacts(client.get(url).content.decode())
    order = [
        contacts.index(label) for label in ("物业服务企业", "网格长", "所属社区", "便民服务热线")
    ]
    assert order == sorted(order)
    assert 'href="tel:0876-2123456"' in contacts  # the company's service phone
    assert 'href="tel:13808760000"' in contacts  # the grid head
    assert queries_for(client, url) <= QUERY_BUDGET


@pytest.mark.django_db
def test_office_phone_change_reaches_the_compound_page(client, tree, portal):
    url = f"/c/{tree.compounds[0].pk}/"
    assert "0876-2139999" not in client.get(url).content.decode()
    community = tree.communities[0]
    community.office_phone = "0876-2139999"
    community.save()
    assert 'href="tel:0876-2139999"' in _contacts(client.get(url).content.decode())


@pytest.mark.django_db
def test_numbers_with_units_phones_and_dates_do_not_break(client, tree, portal):
    compound = tree.compounds[0]
    html = client.get(f"/c/{compound.pk}/").content.decode()
    assert '<span class="nowrap">1\u00a0栋</span>' in html
    assert '<span class="nowrap">4\u00a0套</span>' in html
    assert '<span class="nowrap">358.00\u00a0平方米</span>' in html
    assert f'<span class="nowrap">{compound.updated_at.year}年' in html
    rules = (Path(settings.BASE_DIR) / "cms/static/cms/portal.css").read_text()
    assert ".nowrap, .phone { white-space: nowrap; }" in rules


@pytest.mark.django_db
def test_contacts_cost_no_query_of_their_own(client, tree, portal):
    url = f"/c/{tree.compounds[0].pk}/"
    before = queries_for(client, url)
    for region in (tree.communities[0], tree.streets[0]):
        region.office_phone = "0876-2130001"
        region.save()
    assert queries_for(client, url) == before <= QUERY_BUDGET


@pytest.mark.django_db
def test_administrator_sets_a_community_office_phone_in_the_admin(client, tree, portal):
    from django.urls import reverse

    admin = make_user("pingtai-phone")
    services.role_assign(user=admin, role="platform_admin", target=tree.province)
    client.force_login(admin)
    community = tree.communities[0]
    url = reverse("estates_region:edit", args=[community.pk])
    form = {"name": community.name, "short_name": "", "office_phone": "不是电话"}
    response = client.post(url, form)
    assert response.status_code == 200
    assert "请输入有效的手机号码（11位，以1开头）或带区号的固定电话。" in response.text
    response = client.post(url, {**form, "office_phone": "（0876）2130001"})
    assert response.status_code == 302
    community.refresh_from_db()
    assert community.office_phone == "08762130001"
    client.logout()
    contacts = _contacts(client.get(f"/c/{tree.compounds[0].pk}/").content.decode())
    assert 'href="tel:08762130001"' in contacts
