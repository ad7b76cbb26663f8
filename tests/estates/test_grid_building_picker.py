"""The grid form's buildings are picked by a search (estates.widgets.BuildingPickerWidget,
issue 8 item 3): the form renders only the chosen buildings, never a list of the
community's; the search answers only buildings and whole compounds of a community the
user manages, empty for bad input or another jurisdiction, in a constant number of
queries; saving refuses a building of another community, nothing saved."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from estates import services
from estates.forms import MSG_GRID_BUILDINGS
from estates.models import Building, Grid
from tests.estates.admin_helpers import officer, url
from tests.factories import make_compound

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]

SEARCH = "estates_grid_building_search"


def search(client, region, q: str):
    response = client.get(reverse(SEARCH), {"region": region, "q": q})
    assert response.status_code == 200
    return response.json()["results"]


def chosen_ids(html: str) -> set[int]:
    return {int(v) for v in re.findall(r'name="buildings" value="(\d+)"', html)}


def grow_community(community, compounds: int, buildings: int) -> None:
    for i in range(compounds):
        compound = make_compound(region=community, name=f"{community.name}扩建{i}号小区", units=0)
        for b in range(2, buildings + 1):
            services.building_create(compound=compound, name=f"{b}栋")


@pytest.fixture
def street_officer(client, tree):
    client.force_login(officer("street_staff", tree.streets[0]))
    return client


def test_edit_form_renders_only_the_chosen_buildings_without_options(street_officer, tree):
    community = tree.communities[0]
    grow_community(community, compounds=2, buildings=30)  # 60 more buildings than chosen
    grid = Grid.objects.get(region=community, name__startswith=tree.compounds[0].name)
    html = street_officer.get(url("grid", "edit", grid.pk)).content.decode()
    assert not re.search(r'<select[^>]*name="buildings"', html)
    assert "<option" not in html  # region is a chooser, buildings a search
    assert chosen_ids(html) == set(grid.buildings.values_list("pk", flat=True))
    assert f"{tree.compounds[0].name} 1栋" in html
    assert "扩建0号小区" not in html and "扩建1号小区" not in html
    assert 'role="combobox"' in html and "data-building-picker" in html
    assert 'data-region-input="id_region"' in html
    assert "building-picker.js" in html  # started from a static file, no inline script


def test_saving_posted_buildings_and_a_whole_compound(street_officer, tree):
    community = tree.communities[0]
    grow_community(community, compounds=1, buildings=3)
    grid = Grid.objects.get(region=community, name__startswith=tree.compounds[0].name)
    wanted = list(Building.objects.filter(compound__region=community).values_list("pk", flat=True))
    assert len(wanted) == 4
    response = street_officer.post(
        url("grid", "edit", grid.pk),
        {"region": community.pk, "name": grid.name, "code": grid.code, "buildings": wanted},
    )
    assert response.status_code == 302, response.content.decode()[:800]
    assert set(grid.buildings.values_list("pk", flat=True)) == set(wanted)
    # Removing every building posts no input at all: the grid then covers none.
    response = street_officer.post(
        url("grid", "edit", grid.pk), {"region": community.pk, "name": grid.name, "code": grid.code}
    )
    assert response.status_code == 302
    assert not grid.buildings.exists()


def test_a_building_of_another_community_is_refused_nothing_saved(street_officer, tree):
    grid = Grid.objects.get(region=tree.communities[0])
    before = set(grid.buildings.values_list("pk", flat=True))
    neighbour = Building.objects.get(compound=tree.compounds[1])  # same street, next community
    response = street_officer.post(
        url("grid", "edit", grid.pk),
        {
            "region": tree.communities[0].pk,
            "name": "改名网格",
            "code": grid.code,
            "buildings": [*before, neighbour.pk],
        },
    )
    assert response.status_code == 200
    assert str(MSG_GRID_BUILDINGS) in response.content.decode()
    grid.refresh_from_db()
    assert grid.name != "改名网格"
    assert set(grid.buildings.values_list("pk", flat=True)) == before


def test_a_posted_building_outside_the_jurisdiction_is_never_named(street_officer, tree):
    grid = Grid.objects.get(region=tree.communities[0])
    before = set(grid.buildings.values_list("pk", flat=True))
    foreign = Building.objects.get(compound=tree.compounds[2])  # the other street
    response = street_officer.post(
        url("grid", "edit", grid.pk),
        {
            "region": tree.communities[0].pk,
            "name": grid.name,
            "code": grid.code,
            "buildings": [*before, foreign.pk, "abc"],
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert tree.compounds[2].name not in html
    assert foreign.pk not in chosen_ids(html)
    assert chosen_ids(html) == before
    assert set(grid.buildings.values_list("pk", flat=True)) == before


def test_search_finds_buildings_and_whole_compounds_of_the_community(street_officer, tree):
    community = tree.communities[0]
    grow_community(community, compounds=2, buildings=12)
    results = search(street_officer, community.pk, "栋")
    assert len(results) == 10
    assert all(len(r["buildings"]) == 1 for r in results)
    assert all(r["label"].startswith(community.name) or "阳光" in r["label"] for r in results)

    whole = search(street_officer, community.pk, "扩建1号")
    assert whole[0]["label"] == f"{community.name}扩建1号小区"
    assert whole[0]["detail"] == "整个小区（12 栋）"
    assert len(whole[0]["buildings"]) == 12
    assert all(len(r["buildings"]) == 1 for r in whole[1:])

    # Several words, and the compound's pinyin (initials of 扩建1号 … are "kj").
    two = search(street_officer, community.pk, "扩建0号 3栋")
    assert [r["label"] for r in two] == [f"{community.name}扩建0号小区 3栋"]
    assert any("扩建" in r["label"] for r in search(street_officer, community.pk, "kuojian"))
    # Nothing of the neighbouring community, even when its name is typed.
    assert search(street_officer, community.pk, tree.compounds[1].name) == []


def test_search_is_scoped_and_answers_bad_input_with_an_empty_list(client, tree):
    community = tree.communities[0]
    client.force_login(officer("street_staff", tree.streets[1]))  # the other street
    assert search(client, community.pk, "栋") == []
    assert search(client, community.pk, tree.compounds[0].name) == []
    client.force_login(officer("community_staff", tree.communities[1]))  # the neighbour
    assert search(client, community.pk, "栋") == []
    assert search(client, tree.communities[1].pk, "栋") != []
    for region, q in [
        ("abc", "栋"),
        ("", "栋"),
        ("1 OR 1=1", "栋"),
        (tree.communities[1].pk, "栋" * 2000),
        (tree.communities[1].pk, ""),
        (tree.streets[0].pk, "栋"),  # not a community
        (999999, "栋"),
    ]:
        assert search(client, region, q) == [], (region, q[:10])
    response = client.get(reverse(SEARCH), {"region": ["1", "2"], "q": ["栋", "x"]})
    assert response.status_code == 200


def test_search_needs_a_role_that_edits_grids(client, tree):
    client.force_login(officer("committee_member", tree.compounds[0]))
    response = client.get(reverse(SEARCH), {"region": tree.communities[0].pk, "q": "栋"})
    assert response.status_code == 403
    assert response.json()["results"] == []
    client.logout()
    response = client.get(reverse(SEARCH), {"region": tree.communities[0].pk, "q": "栋"})
    assert response.status_code == 302  # to the login page


def test_search_query_count_does_not_grow_with_the_community(street_officer, tree):
    community = tree.communities[0]

    def count(q: str) -> int:
        with CaptureQueriesContext(connection) as queries:
            results = search(street_officer, community.pk, q)
        assert results
        return len(queries)

    small = count("小区"), count("栋")
    grow_community(community, compounds=6, buildings=20)
    large = count("小区"), count("栋")
    assert small == large
