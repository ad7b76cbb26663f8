"""A listing filter with more than a page of choices is a chooser (estates.filters): a
street officer of a street with more than fifty compounds opens the unit listing's
filters, picks the compound through the chooser's search and sees the listing filtered,
with the active filter named. Screenshots under var/screenshots/ (71-filter-chooser-*)."""

from __future__ import annotations

import pytest

from estates.filters import DROPDOWN_LIMIT
from tests.estates.admin_helpers import officer
from tests.factories import build_tree, make_compound

pytestmark = pytest.mark.django_db(transaction=True)


def test_street_officer_filters_units_through_the_compound_chooser(live_server, page, shoot):
    tree = build_tree()
    for i in range(DROPDOWN_LIMIT + 1):
        make_compound(region=tree.communities[i % 2], name=f"扩容{i}号小区", units=1)
    officer("street_staff", tree.streets[0], "kaihua_filter")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "kaihua_filter")
    page.fill("#id_password", "pw-12345678")
    page.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    page.goto(live_server.url + "/admin/estates/unit/")
    page.get_by_role("button", name="显示过滤器").click()
    page.locator("#filters-drilldown button", has_text="小区").first.click()
    page.locator("#filters-drilldown [data-chooser-action-choose]").first.click()
    modal = page.locator(".modal")
    modal.locator("input[name=q]").fill("扩容7号")
    choice = modal.locator("a[data-chooser-modal-choice]", has_text="扩容7号小区")
    choice.wait_for()
    # Searched inside the street only: the other street's compounds are never offered.
    assert "卧龙" not in modal.inner_text()
    shoot("71-filter-chooser-01-search")
    choice.click()
    page.wait_for_url("**/admin/estates/unit/?compound=*")
    page.wait_for_load_state("networkidle")
    rows = page.locator("main tbody tr")
    assert rows.count() == 1 and "扩容7号小区" in rows.first.inner_text()
    active = page.locator(".w-active-filters").inner_text()
    assert "小区" in active and "扩容7号小区" in active
    shoot("71-filter-chooser-02-filtered")
