"""A newcomer opens the site on a phone, drills down to their compound and reads who their
grid staff are (DOMAIN 0.1: the grid sign names them with phones)."""

import pytest

from cms.setup import ensure_portal
from estates.models import GridStaff
from tests.factories import build_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site_data():
    tree = build_tree()
    ensure_portal()
    return tree


def test_newcomer_drills_down_to_compound_and_reads_grid_staff(
    site_data, live_server, page, shoot, axe_violations
):
    compound = site_data.compounds[0]
    owner_names = list(compound.ownerships.values_list("owner__name", flat=True))
    staff = GridStaff.objects.get(grid__buildings__compound=compound)
    page.set_viewport_size({"width": 390, "height": 844})

    page.goto(live_server.url + "/")
    shoot("01-home")
    assert axe_violations() == []
    page.get_by_role("link", name=site_data.prefecture.name).first.click()
    page.get_by_role("link", name="文山市").first.click()
    page.get_by_role("link", name="开化街道").first.click()
    page.get_by_role("link", name=compound.region.name).first.click()
    page.get_by_role("link", name=compound.name).first.click()

    heading = page.get_by_role("heading", level=1)
    assert heading.inner_text().strip() == compound.name
    body = page.locator("main").inner_text()
    assert "网格长" in body
    assert staff.name in body
    assert page.locator(f'a[href="tel:{staff.phone}"]').count() >= 1
    for name in owner_names:
        assert name not in page.content()
    shoot("02-compound-grid-staff")
    assert axe_violations() == []


def test_newcomer_searches_in_chinese(site_data, live_server, page, shoot):
    page.goto(live_server.url + "/")
    page.get_by_role("searchbox").fill("阳光")
    page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")
    for compound in site_data.compounds:
        assert page.get_by_role("link", name=compound.name).count() == 1
    shoot("03-search-阳光")
