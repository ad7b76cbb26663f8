"""Large choices in the registry's forms are choosers (common.admin_choosers): a form
renders at most one page of options whatever the size of the jurisdiction, in a constant
number of queries; the chooser lists, searches and answers only inside the jurisdiction."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from common.jurisdiction import MANAGE
from estates.models import Compound, Ownership, Unit
from tests.estates.admin_helpers import officer, url
from tests.factories import make_compound, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]

PAGE = 50  # the listings' page size (common.admin_mixins.AppModelViewSet.list_per_page)
FORMS = ["owner", "ownership", "unit", "building", "compound", "grid"]


def options(html: str) -> int:
    return len(re.findall(r"<option\b", html))


def render_form(client, model: str) -> tuple[str, int]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url(model, "add"))
    assert response.status_code == 200, (model, response.status_code)
    return response.content.decode(), len(queries)


def chooser(client, name: str, **params) -> str:
    response = client.get(reverse(f"estates_{name}_chooser:choose"), params)
    assert response.status_code == 200
    return response.json()["html"]


def test_forms_render_at_most_a_page_of_options_in_constant_queries(client, tree):
    """Issue 8: the owner and ownership forms used to list every unit of the jurisdiction."""
    user = officer("street_staff", tree.streets[0])
    client.force_login(user)
    for model in FORMS:
        render_form(client, model)  # warm per-process caches (site, content types)
    small = {model: render_form(client, model) for model in FORMS}
    # Grow the street beyond a page of units.
    for i in range(2):
        make_compound(region=tree.communities[i], name=f"扩容{i}小区", units=30)
    assert (
        Unit.objects.filter(compound__region_path__startswith=tree.streets[0].path).count() > PAGE
    )
    for model in FORMS:
        html, count = render_form(client, model)
        assert options(html) <= PAGE, model
        if model in ("owner", "ownership", "unit", "building"):
            # The chooser starts from a static script: the admin's CSP refuses inline ones.
            assert "estates/js/scoped-chooser.js" in html and "data-scoped-chooser=" in html
        assert "扩容0小区" not in html, model  # compounds and units are not listed at all
        assert count == small[model][1], (model, small[model][1], count)


def test_unit_chooser_lists_searches_and_pages_inside_the_jurisdiction(client, tree):
    make_compound(region=tree.communities[0], name="翠湖小区", units=25)
    client.force_login(officer("street_staff", tree.streets[0]))
    html = chooser(client, "unit", scope=MANAGE)
    assert "卧龙" not in html
    assert html.count("data-chooser-modal-choice") == 10  # one page of ten
    found = chooser(client, "unit", scope=MANAGE, q="翠湖 1栋")
    assert "翠湖小区" in found and "阳光花园" not in found
    # The other street's rooms are not found by any search.
    assert "data-chooser-modal-choice" not in chooser(client, "unit", q="卧龙第1社区阳光花园小区")


def test_chosen_answer_is_404_outside_the_jurisdiction(client, tree):
    other = Unit.objects.filter(compound=tree.compounds[2]).first()
    own = Unit.objects.filter(compound=tree.compounds[0]).first()
    client.force_login(officer("street_staff", tree.streets[0]))
    assert client.get(reverse("estates_unit_chooser:chosen", args=[other.pk])).status_code == 404
    answer = client.get(reverse("estates_unit_chooser:chosen", args=[own.pk]))
    assert answer.status_code == 200 and "阳光花园小区" in answer.json()["result"]["title"]


def test_community_officer_chooses_only_what_they_manage(client, tree):
    """Scope=manage (where the object goes) lists the officer's own community only."""
    client.force_login(officer("community_staff", tree.communities[0]))
    html = chooser(client, "compound", scope=MANAGE)
    assert tree.compounds[0].name in html
    assert tree.compounds[1].name not in html and tree.compounds[2].name not in html


def test_owner_chooser_masks_id_and_does_not_search_by_partial_id(client, tree):
    owner = Ownership.objects.filter(compound=tree.compounds[0]).first().owner
    client.force_login(officer("community_staff", tree.communities[0]))
    html = chooser(client, "owner", q=owner.name)
    assert owner.name in html and owner.id_number not in html
    assert owner.name not in chooser(client, "owner", q=owner.id_number[:10])


@pytest.mark.parametrize("name", ["unit", "owner", "compound", "building", "region", "company"])
def test_search_of_2000_characters_is_answered(client, tree, name):
    client.force_login(officer("street_staff", tree.streets[0]))
    html = chooser(client, name, q="阳" * 2000)
    assert "data-chooser-modal-choice" not in html


def test_ownership_form_refuses_and_hides_a_unit_outside_the_jurisdiction(client, tree):
    other = Unit.objects.select_related("compound").filter(compound=tree.compounds[2]).first()
    owner = Ownership.objects.filter(compound=tree.compounds[0]).first().owner
    client.force_login(officer("street_staff", tree.streets[0]))
    response = client.post(
        url("ownership", "add"), {"owner_id_number": owner.id_number, "unit": other.pk}
    )
    assert response.status_code == 200
    assert not Ownership.objects.filter(owner=owner, unit=other).exists()
    # The posted id is not turned into the other street's compound name on the page.
    assert other.compound.name not in response.content.decode()


def test_owner_registered_through_the_chooser_value(client, tree):
    unit = Unit.objects.filter(compound=tree.compounds[1]).first()
    client.force_login(officer("street_staff", tree.streets[0]))
    number = valid_id_number()
    response = client.post(
        url("owner", "add"),
        {"kind": "person", "name": "赵新民", "id_number": number, "phone": "", "unit": unit.pk},
    )
    assert response.status_code == 302, response.content.decode()[:500]
    assert Ownership.objects.filter(owner__id_number=number, unit=unit).exists()


def test_grid_form_lists_only_its_community_buildings(client, tree):
    from estates.models import Grid

    make_compound(region=tree.communities[1], name="邻区小区", units=1)
    grid = Grid.objects.filter(region=tree.communities[0]).first()
    client.force_login(officer("street_staff", tree.streets[0]))
    html = client.get(url("grid", "edit", grid.pk)).content.decode()
    assert tree.compounds[0].name in html and "邻区小区" not in html
    assert Compound.objects.filter(name="邻区小区").exists()


def test_owner_chooser_narrowed_to_one_compound(client, tree):
    here = Ownership.objects.filter(compound=tree.compounds[0]).first().owner
    there = Ownership.objects.filter(compound=tree.compounds[1]).first().owner
    client.force_login(officer("street_staff", tree.streets[0]))
    html = chooser(client, "owner", compound=tree.compounds[0].pk)
    assert here.name in html and there.name not in html
    assert "data-chooser-modal-choice" not in chooser(client, "owner", compound="abc")
