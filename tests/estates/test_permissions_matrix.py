"""Role × action × (own / other jurisdiction) over the registry back office (STYLE §2.5).

Each role holds one grant: street_staff on 开化街道, community_staff on 开化第1社区,
department_reviewer on 开化街道, committee_member and company_staff on 开化第1社区's
compound, platform_admin on the province. "own" objects lie in 开化第1社区, "other"
objects in 卧龙第1社区 (another street).
"""

from __future__ import annotations

import pytest

from estates.models import (
    Compound,
    Grid,
    Owner,
    PropertyCompany,
    RegionUserObjectPermission,
    Unit,
)
from tests.estates.admin_helpers import officer, url
from tests.factories import valid_credit_code

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]

OK, DENIED = "ok", "denied"


def is_denied(response) -> bool:
    """403, 404, or Wagtail's answer to PermissionDenied: back to the dashboard."""
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response.url == "/admin/"


MODELS = ("compound", "unit", "owner", "grid", "propertycompany")
ROLE_TARGET = {
    "platform_admin": "province",
    "street_staff": "street",
    "community_staff": "community",
    "department_reviewer": "street",
    "committee_member": "compound",
    "company_staff": "compound",
}

# What each role may do per model: view (listing + inspect), change (edit), add, delete.
# Absent model → no access at all. Rows mirror estates.roles.ROLES.
ALLOWED: dict[str, dict[str, set[str]]] = {
    "platform_admin": {m: {"view", "change", "add", "delete"} for m in MODELS},
    "street_staff": {m: {"view", "change", "add"} for m in MODELS},
    "community_staff": {
        "compound": {"view", "change"},
        "unit": {"view"},
        "owner": {"view"},
        "grid": {"view", "change", "add"},
        "propertycompany": {"view"},
    },
    "department_reviewer": {"compound": {"view"}},
    # A compound grant reaches the grid covering the compound's buildings, read only.
    "committee_member": {
        "compound": {"view"},
        "unit": {"view"},
        "owner": {"view"},
        "grid": {"view"},
    },
    "company_staff": {
        "compound": {"view"},
        "unit": {"view"},
        "propertycompany": {"view"},
        "grid": {"view"},
    },
}


@pytest.fixture
def world(tree):
    """Objects of each model in own and other jurisdiction, plus their display names."""
    own_compound, other_compound = tree.compounds[0], tree.compounds[2]
    for compound, name in ((own_compound, "开化安居物业"), (other_compound, "卧龙宜居物业")):
        compound.property_company = PropertyCompany.objects.create(
            name=name, credit_code=valid_credit_code(), region=compound.region
        )
        compound.save()

    def objects(compound: Compound) -> dict:
        unit = Unit.objects.filter(compound=compound).first()
        return {
            "compound": compound,
            "unit": unit,
            "owner": Owner.objects.filter(ownerships__unit=unit).first(),
            "grid": Grid.objects.get(region=compound.region),
            "propertycompany": compound.property_company,
        }

    return {"tree": tree, "own": objects(own_compound), "other": objects(other_compound)}


def grantee(role: str, tree):
    target = {
        "province": tree.province,
        "street": tree.streets[0],
        "community": tree.communities[0],
        "compound": tree.compounds[0],
    }[ROLE_TARGET[role]]
    return officer(role, target)


def label(obj) -> str:
    """Text that would only appear if the object's page were shown."""
    if isinstance(obj, Unit):
        return f"{obj.compound.name} {obj.building.name} {obj}"
    if isinstance(obj, Owner):
        return obj.id_number[-4:] + "</"  # the masked tail inside a value cell
    return obj.name


def expect(role: str, model: str, action: str, where: str) -> str:
    allowed = action in ALLOWED[role].get(model, set())
    if where == "other" and role != "platform_admin":
        return DENIED
    return OK if allowed else DENIED


CASES = [
    (role, model, action, where)
    for role in ROLE_TARGET
    for model in MODELS
    for action in ("view", "change", "delete")
    for where in ("own", "other")
]


@pytest.mark.parametrize(("role", "model", "action", "where"), CASES)
def test_object_access(client, world, role, model, action, where):
    client.force_login(grantee(role, world["tree"]))
    obj = world[where][model]
    view = {"view": "inspect", "change": "edit", "delete": "delete"}[action]
    response = client.get(url(model, view, obj.pk))
    if expect(role, model, action, where) == OK:
        assert response.status_code == 200
    else:
        assert is_denied(response), response.status_code
        assert label(obj).encode() not in response.content


@pytest.mark.parametrize(("role", "model"), [(r, m) for r in ROLE_TARGET for m in MODELS])
def test_listing_shows_own_jurisdiction_only(client, world, role, model):
    client.force_login(grantee(role, world["tree"]))
    response = client.get(url(model))
    own, other = world["own"][model], world["other"][model]
    own_text = own.compound.name if model == "unit" else own.name
    other_text = other.compound.name if model == "unit" else other.name
    html = response.content.decode()
    if "view" not in ALLOWED[role].get(model, set()):
        # Either no model permission at all, or (grids for compound-level roles) the
        # permission without any grant reaching the model: an empty listing.
        assert is_denied(response) or (own_text not in html and other_text not in html)
        return
    assert response.status_code == 200
    assert own_text in html
    assert (other_text in html) == (role == "platform_admin")


@pytest.mark.parametrize("role", list(ROLE_TARGET))
@pytest.mark.parametrize("model", MODELS)
def test_add_view(client, world, role, model):
    client.force_login(grantee(role, world["tree"]))
    response = client.get(url(model, "add"))
    if "add" in ALLOWED[role].get(model, set()):
        assert response.status_code == 200
    else:
        assert is_denied(response)


def test_edit_post_to_other_jurisdiction_changes_nothing(client, world):
    client.force_login(grantee("street_staff", world["tree"]))
    other = world["other"]["compound"]
    response = client.post(
        url("compound", "edit", other.pk), {"region": other.region_id, "name": "被篡改"}
    )
    assert response.status_code == 404
    other.refresh_from_db()
    assert other.name != "被篡改"


def test_delete_post_denied_for_street_staff(client, world):
    client.force_login(grantee("street_staff", world["tree"]))
    own = world["own"]["compound"]
    assert is_denied(client.post(url("compound", "delete", own.pk)))
    assert Compound.objects.filter(pk=own.pk).exists()


def test_platform_admin_deletes_anywhere(client, world):
    client.force_login(grantee("platform_admin", world["tree"]))
    grid = world["other"]["grid"]
    assert client.post(url("grid", "delete", grid.pk)).status_code == 302
    assert not Grid.objects.filter(pk=grid.pk).exists()


def test_listing_hides_edit_links_where_only_viewing(client, world):
    """A viewer of the whole street who manages one community gets edit links only there."""
    from guardian.shortcuts import assign_perm

    tree = world["tree"]
    user = officer("community_staff", tree.communities[0])
    assign_perm("estates.view_jurisdiction", user, tree.streets[0])
    client.force_login(user)
    html = client.get(url("compound")).content.decode()
    assert url("compound", "edit", tree.compounds[0].pk) in html
    assert url("compound", "edit", tree.compounds[1].pk) not in html
    assert tree.compounds[1].name in html
    assert is_denied(client.get(url("compound", "edit", tree.compounds[1].pk)))


def test_street_officer_holds_one_grant_row_for_the_whole_street(client, tree):
    from tests.factories import make_compound

    for i in range(6):
        make_compound(region=tree.communities[i % 2], name=f"开化新城{i}号小区", units=1)
    user = grantee("street_staff", tree)
    assert RegionUserObjectPermission.objects.filter(user=user).count() == 1
    client.force_login(user)
    html = client.get(url("compound")).content.decode()
    street_compounds = Compound.objects.filter(region_path__startswith=tree.streets[0].path)
    assert street_compounds.count() == 8
    for compound in street_compounds:
        assert compound.name in html
    assert "卧龙第1社区阳光花园小区" not in html
