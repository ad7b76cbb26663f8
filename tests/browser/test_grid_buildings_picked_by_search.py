"""A street officer sets the buildings of a grid by searching (issue 8, item 3): on the
grid's edit form the search box offers the buildings of the grid's community matching
"楼", one is added; typing a compound's name offers the whole compound, which is added
too; one building is removed again; the grid saved covers exactly the buildings chosen,
as the form shows when reopened. The form lists no dropdown of buildings. At desktop and
phone widths; on the phone every control stays on screen. Screenshots under
var/screenshots/ (72-grid-buildings-*)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from estates import services
from estates.models import Grid
from tests.browser.test_reviewer_answers_on_a_phone import CONTROLS, OFF_SCREEN_JS
from tests.estates.admin_helpers import officer
from tests.factories import build_tree

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1280, "phone": 375}
PREFIX = "72-grid-buildings"


@pytest.fixture
def community():
    """The officer's first community: its grid covers 阳光花园小区 1栋; two more compounds,
    翠湖小区 (1号楼 to 3号楼) and 金桂园 (A座 to C座), belong to no grid yet. The
    other street's compounds have buildings named 楼 too, never offered."""
    tree = build_tree()
    community = tree.communities[0]
    for name, buildings in (
        ("翠湖小区", ["1号楼", "2号楼", "3号楼"]),
        ("金桂园", ["A座", "B座", "C座"]),
    ):
        compound = services.compound_create(region=community, name=name, address="开化路2号")
        for building in buildings:
            services.building_create(compound=compound, name=building)
    far = services.compound_create(region=tree.communities[2], name="卧龙楼苑", address="卧龙路")
    services.building_create(compound=far, name="9号楼")
    officer("street_staff", tree.streets[0], "kaihua_grid")
    return tree, community


def assert_fits(page, width: int) -> None:
    if width > WIDTHS["phone"]:
        return
    off = page.evaluate(OFF_SCREEN_JS.replace("arguments_selector", repr(CONTROLS)), width)
    assert off == [], off
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, scroll


def chosen_labels(page) -> list[str]:
    return [text.strip() for text in page.locator(".building-picker__label").all_inner_texts()]


@pytest.mark.parametrize("size", list(WIDTHS))
def test_street_officer_picks_grid_buildings_by_search(
    community, live_server, page, shoot, size, axe_violations
):
    tree, region = community
    width = WIDTHS[size]
    shot = f"{PREFIX}-{size}"
    grid = Grid.objects.get(region=region)
    page.set_viewport_size({"width": width, "height": 1000})
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "kaihua_grid")
    page.fill("#id_password", "pw-12345678")
    page.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    # A new grid has no community yet: the search says to choose one first.
    page.goto(live_server.url + reverse("estates_grid:add"))
    page.locator("#id_buildings").fill("楼")
    status = page.locator(".building-picker__status")
    status.filter(has_text="请先选择所属社区").wait_for()

    page.goto(live_server.url + reverse("estates_grid:edit", args=[grid.pk]))
    page.wait_for_load_state("networkidle")
    assert page.locator("select[name=buildings], select option").count() == 0
    assert chosen_labels(page) == [f"{tree.compounds[0].name} 1栋"]
    assert_fits(page, width)
    shoot(f"{shot}-01-edit")

    box = page.locator("#id_buildings")
    box.fill("楼")
    options = page.locator("#id_buildings-options [role=option]")
    options.filter(has_text="翠湖小区 2号楼").wait_for()
    texts = options.all_inner_texts()
    assert len(texts) == 3 and all("翠湖小区" in t for t in texts), texts  # not 卧龙楼苑
    assert box.get_attribute("aria-expanded") == "true"
    assert axe_violations() == []  # the combobox, its listbox and options
    assert_fits(page, width)
    shoot(f"{shot}-02-search")
    options.filter(has_text="翠湖小区 2号楼").click()
    assert chosen_labels(page)[-1] == "翠湖小区 2号楼"

    box.fill("金桂")
    whole = options.filter(has_text="整个小区（3 栋）")
    whole.wait_for()
    assert "金桂园" in whole.inner_text()
    shoot(f"{shot}-03-whole-compound")
    whole.click()
    labels = chosen_labels(page)
    assert {"金桂园 A座", "金桂园 B座", "金桂园 C座"} <= set(labels) and len(labels) == 5

    page.get_by_role("button", name="移除 金桂园 B座").click()
    assert "金桂园 B座" not in chosen_labels(page)
    assert status.inner_text() == "已移除 金桂园 B座"
    assert_fits(page, width)
    shoot(f"{shot}-04-removed")

    page.get_by_role("button", name="保存").first.click()
    page.wait_for_url("**/admin/estates/grid/")
    page.wait_for_load_state("networkidle")
    saved = {f"{b.compound.name} {b.name}" for b in grid.buildings.select_related("compound")}
    expected = {
        f"{tree.compounds[0].name} 1栋",
        "翠湖小区 2号楼",
        "金桂园 A座",
        "金桂园 C座",
    }
    assert saved == expected

    page.goto(live_server.url + reverse("estates_grid:edit", args=[grid.pk]))
    page.wait_for_load_state("networkidle")
    assert set(chosen_labels(page)) == expected
    assert_fits(page, width)
    shoot(f"{shot}-05-saved")
