"""A building moves to another compound only with its units and ownerships (their
``compound`` columns copy the building's), through one audited service."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from wagtail.models import ModelLogEntry

from estates import services
from estates.models import Building, Compound, Ownership, Unit
from tests.estates.admin_helpers import officer, url
from tests.factories import valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]


def second_building(compound: Compound, name: str = "9栋") -> Building:
    """A building with two units and three ownerships, covered by the compound's grid."""
    building = services.building_create(compound=compound, name=name, floors=6)
    for room in ("901", "902"):
        unit = services.unit_create(building=building, room=room, exclusive_area=Decimal("70"))
        owner = services.owner_create(name=f"业主{room}", id_number=valid_id_number())
        services.ownership_add(owner=owner, unit=unit)
    co_owner = services.owner_create(name="共有人", id_number=valid_id_number())
    services.ownership_add(owner=co_owner, unit=building.units.first())
    compound.buildings.get(name="1栋").grids.first().buildings.add(building)
    return building


def columns_follow(building: Building, compound: Compound) -> None:
    assert Building.objects.get(pk=building.pk).compound_id == compound.pk
    assert set(Unit.objects.filter(building=building).values_list("compound_id", flat=True)) == {
        compound.pk
    }
    ownerships = Ownership.objects.filter(unit__building=building)
    assert ownerships.count() == 3
    assert set(ownerships.values_list("compound_id", flat=True)) == {compound.pk}


def test_service_moves_units_and_ownerships_with_the_building(tree):
    source, target = tree.compounds[0], tree.compounds[1]  # two communities of one street
    building = second_building(source)
    user = officer("street_staff", tree.streets[0])
    services.building_move(building=building, compound=target, actor=user)
    columns_follow(building, target)
    assert not Unit.objects.filter(compound=source, building=building).exists()
    assert Ownership.objects.filter(compound=source).count() == 4  # its own 1栋 only
    # The old community's grid no longer covers a building of another community.
    assert not building.grids.exists()
    entry = ModelLogEntry.objects.get(action="estates.building_move", object_id=str(building.pk))
    assert entry.user_id == user.pk
    assert entry.data["from_compound"]["id"] == source.pk
    assert entry.data["to_compound"]["id"] == target.pk
    assert (entry.data["units"], entry.data["ownerships"]) == (2, 3)
    assert entry.data["grids_left"]


def test_move_within_one_community_keeps_the_grid(tree):
    source = tree.compounds[0]
    other = services.compound_create(region=source.region, name="同社区另一小区")
    building = second_building(source)
    services.building_move(
        building=building, compound=other, actor=officer("street_staff", tree.streets[0])
    )
    columns_follow(building, other)
    assert building.grids.count() == 1


def test_move_outside_the_actors_jurisdiction_is_refused_and_changes_nothing(tree):
    building = second_building(tree.compounds[0])
    kaihua = officer("street_staff", tree.streets[0])
    with pytest.raises(PermissionDenied):
        services.building_move(building=building, compound=tree.compounds[2], actor=kaihua)
    wolong = officer("street_staff", tree.streets[1])
    with pytest.raises(PermissionDenied):  # may manage the target, not the source
        services.building_move(building=building, compound=tree.compounds[2], actor=wolong)
    columns_follow(building, tree.compounds[0])
    assert not ModelLogEntry.objects.filter(action="estates.building_move").exists()


def test_move_onto_a_taken_name_is_refused(tree):
    building = tree.compounds[0].buildings.get(name="1栋")
    with pytest.raises(ValidationError, match="已有名为"):
        services.building_move(
            building=building,
            compound=tree.compounds[1],
            actor=officer("street_staff", tree.streets[0]),
        )
    assert set(Unit.objects.filter(building=building).values_list("compound_id", flat=True)) == {
        tree.compounds[0].pk
    }


def test_admin_edit_of_the_compound_moves_everything(client, tree):
    building = second_building(tree.compounds[0])
    client.force_login(officer("street_staff", tree.streets[0]))
    response = client.post(
        url("building", "edit", building.pk),
        {"compound": tree.compounds[1].pk, "name": "9栋", "floors": "7"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    columns_follow(building, tree.compounds[1])
    assert Building.objects.get(pk=building.pk).floors == 7
    assert ModelLogEntry.objects.filter(
        action="estates.building_move", object_id=str(building.pk)
    ).exists()
    history = client.get(url("building", "history", building.pk))
    assert history.status_code == 200 and "楼栋移至其他小区" in history.content.decode()


def test_admin_edit_without_a_move_changes_only_the_building(client, tree):
    building = second_building(tree.compounds[0])
    client.force_login(officer("street_staff", tree.streets[0]))
    response = client.post(
        url("building", "edit", building.pk),
        {"compound": tree.compounds[0].pk, "name": "9号楼", "floors": "6"},
    )
    assert response.status_code == 302
    assert Building.objects.get(pk=building.pk).name == "9号楼"
    assert not ModelLogEntry.objects.filter(action="estates.building_move").exists()


def test_admin_edit_to_another_streets_compound_is_refused(client, tree):
    building = second_building(tree.compounds[0])
    client.force_login(officer("street_staff", tree.streets[0]))
    response = client.post(
        url("building", "edit", building.pk),
        {"compound": tree.compounds[2].pk, "name": "9栋", "floors": "6"},
    )
    assert response.status_code == 200  # the form again, with its error
    columns_follow(building, tree.compounds[0])


def test_admin_edit_moving_a_unit_to_another_compound_takes_its_ownerships(client, tree):
    unit = Unit.objects.filter(compound=tree.compounds[0]).first()
    target = tree.compounds[1].buildings.get(name="1栋")
    client.force_login(officer("street_staff", tree.streets[0]))
    response = client.post(
        url("unit", "edit", unit.pk),
        {
            "building": target.pk,
            "entrance": "3单元",
            "room": "101",
            "exclusive_area": "89.50",
            "area_source": "register",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Unit.objects.get(pk=unit.pk).compound_id == tree.compounds[1].pk
    assert set(Ownership.objects.filter(unit=unit).values_list("compound_id", flat=True)) == {
        tree.compounds[1].pk
    }
