"""No admin form or listing filter renders more than a page of options (issue 8, item 3):
the grid-staff form's grid is a chooser, and a listing filter whose choices for the user
exceed a page (compounds, grids, companies, streets, communities) becomes a chooser
scoped to the user's jurisdiction. Measured for a street officer at two sizes of the
street: a handful of communities, then more than a page of communities, compounds and
grids."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from estates import services
from estates.choices import GridRole, RegionLevel
from estates.filters import DROPDOWN_LIMIT
from estates.models import Grid, GridStaff
from tests.committees.committee_helpers import form_committee
from tests.estates.admin_helpers import officer, url
from tests.factories import make_compound

pytestmark = pytest.mark.django_db

PAGE = 50  # the listings' page size: no select may offer more

LISTINGS = [
    ("estates_compound:index", "community"),
    ("estates_unit:index", "compound"),
    ("estates_owner:index", "compound"),
    ("estates_ownership:index", "compound"),
    ("estates_building:index", "compound"),
    ("estates_grid:index", "community"),
    ("estates_gridstaff:index", "grid"),
    ("committees_committee:index", "community"),
    ("committees_term:index", "community"),
    ("committees_alarms:index", "community"),
]


def options(html: str) -> int:
    return len(re.findall(r"<option\b", html))


def largest_select(html: str) -> int:
    selects = re.findall(r"<select\b.*?</select>", html, flags=re.S)
    return max((options(select) for select in selects), default=0)


def grow_street(tree, communities: int) -> None:
    """More than a page of communities in the first street, each with a compound (and
    its grid and grid head, tests.factories.make_compound)."""
    street = tree.streets[0]
    for i in range(communities):
        community = services.region_create(
            code=f"{street.code}{100 + i:03d}",
            name=f"扩容第{i}社区",
            level=RegionLevel.COMMUNITY,
            parent=street,
        )
        make_compound(region=community, name=f"扩容{i}号小区", units=0)


def render(client, name: str) -> str:
    response = client.get(reverse(name))
    assert response.status_code == 200, (name, response.status_code)
    return response.content.decode()


def test_forms_and_filters_stay_within_a_page_at_two_sizes(client, tree):
    form_committee(tree)  # a committee and its alarms in the listings
    client.force_login(officer("street_staff", tree.streets[0]))
    pages = [*(name for name, _ in LISTINGS), "estates_gridstaff:add", "estates_grid:add"]

    small = {name: render(client, name) for name in pages}
    for name, html in small.items():
        assert largest_select(html) <= PAGE, name
    # A small street keeps the quick dropdown for the filters.
    assert tree.compounds[0].name in small["estates_unit:index"]
    assert "data-scoped-chooser" not in small["estates_unit:index"]

    grow_street(tree, DROPDOWN_LIMIT + 5)
    for name, filter_name in LISTINGS:
        html = render(client, name)
        assert largest_select(html) <= PAGE, name
        # The large choice is a chooser: no list of the street's compounds or regions.
        assert f'data-scoped-chooser="id_{filter_name}"' in html, (name, filter_name)
        assert "扩容54号小区" not in html and "扩容第54社区" not in html, name
    form = render(client, "estates_gridstaff:add")
    assert largest_select(form) <= PAGE
    assert 'data-scoped-chooser="id_grid"' in form and "扩容54号小区网格" not in form


def test_grid_form_offers_no_list_of_buildings_at_two_sizes(client, tree):
    """The grid's buildings are searched (estates.widgets.BuildingPickerWidget), not listed:
    more than a page of buildings in the community adds no option to the form."""
    client.force_login(officer("street_staff", tree.streets[0]))
    grid = Grid.objects.get(region=tree.communities[0])
    edit = reverse("estates_grid:edit", args=[grid.pk])
    assert options(client.get(edit).content.decode()) == 0
    compound = tree.compounds[0]
    for i in range(PAGE + 5):
        services.building_create(compound=compound, name=f"扩容{i}栋")
    html = client.get(edit).content.decode()
    assert options(html) == 0 and largest_select(html) == 0
    assert "扩容54栋" not in html  # only the grid's chosen buildings are named


def test_grid_chooser_is_scoped_to_the_jurisdiction(client, tree):
    client.force_login(officer("street_staff", tree.streets[0]))
    own = Grid.objects.get(region=tree.communities[0])
    other = Grid.objects.get(region=tree.communities[2])  # the other street
    html = client.get(reverse("estates_grid_chooser:choose")).json()["html"]
    assert own.name in html and other.name not in html
    found = client.get(reverse("estates_grid_chooser:choose"), {"q": other.name}).json()["html"]
    assert "data-chooser-modal-choice" not in found
    assert client.get(reverse("estates_grid_chooser:chosen", args=[other.pk])).status_code == 404
    chosen = client.get(reverse("estates_grid_chooser:chosen", args=[own.pk])).json()
    assert own.name in chosen["result"]["title"]


def test_grid_staff_form_refuses_a_grid_outside_the_jurisdiction(client, tree):
    client.force_login(officer("community_staff", tree.communities[0]))
    own = Grid.objects.get(region=tree.communities[0])
    other = Grid.objects.get(region=tree.communities[1])  # a neighbouring community
    fields = {"role": GridRole.SECURITY, "name": "李网格", "phone": "13908760002"}
    refused = client.post(url("gridstaff", "add"), {**fields, "grid": other.pk})
    assert refused.status_code == 200
    assert not GridStaff.objects.filter(name="李网格").exists()
    assert other.name not in refused.content.decode()  # the posted id is not named back
    done = client.post(url("gridstaff", "add"), {**fields, "grid": own.pk})
    assert done.status_code == 302
    assert GridStaff.objects.get(name="李网格").grid == own


def test_chooser_filter_filters_and_names_only_visible_choices(client, tree):
    grow_street(tree, DROPDOWN_LIMIT + 1)
    client.force_login(officer("street_staff", tree.streets[0]))
    grid = Grid.objects.get(name="扩容7号小区网格")
    html = client.get(url("gridstaff"), {"grid": grid.pk}).content.decode()
    assert grid.name in html  # the active filter and the chosen item are named
    assert "扩容8号小区网格" not in html  # another grid's staff are filtered out
    assert "扩容8号小区网格" in client.get(url("gridstaff")).content.decode()
    other = Grid.objects.get(region=tree.communities[2])
    refused = client.get(url("gridstaff"), {"grid": other.pk}).content.decode()
    assert other.name not in refused
