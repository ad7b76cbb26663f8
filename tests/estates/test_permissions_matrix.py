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


# ---------------------------------------------------------------- filters

# Every listing filter that names an object: (listing, filter, object in "own"/"other").
FILTERS = [
    ("compound", "street", lambda t, w: t.streets[0] if w == "own" else t.streets[1]),
    ("compound", "community", lambda t, w: t.communities[0 if w == "own" else 2]),
    ("compound", "property_company", None),  # the compound's company (world fixture)
    ("building", "compound", None),
    ("unit", "compound", None),
    ("owner", "compound", None),
    ("ownership", "compound", None),
    ("grid", "community", lambda t, w: t.communities[0 if w == "own" else 2]),
    ("gridstaff", "grid", None),
]
MISSING_ID = 999999


def filter_object(world, name: str, pick, where: str):
    if pick is not None:
        return pick(world["tree"], where)
    if name == "property_company":
        return world[where]["propertycompany"]
    return world[where][name]


def listing_rows(html: str) -> list[str]:
    """The listing's rows as text, in order (empty when there is no table)."""
    import re

    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in html else ""
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split())
        for row in re.findall(r"<tr.*?</tr>", body, flags=re.S)
    ]


@pytest.mark.parametrize("role", list(ROLE_TARGET))
@pytest.mark.parametrize(("model", "name", "pick"), FILTERS)
def test_filter_on_other_jurisdiction_answers_like_a_missing_object(
    client, world, role, model, name, pick
):
    """Another jurisdiction's object in a filter: the same answer as an id that does not
    exist (a form error over the user's own rows), never its rows or its name."""
    client.force_login(grantee(role, world["tree"]))
    other = filter_object(world, name, pick, "other")
    response = client.get(url(model), {name: other.pk})
    missing = client.get(url(model), {name: MISSING_ID})
    if "view" not in ALLOWED[role].get(model, set()) or role == "platform_admin":
        if role != "platform_admin":
            assert is_denied(response) or other.name not in response.content.decode()
        return
    assert response.status_code == missing.status_code == 200
    html = response.content.decode()
    assert other.name not in html
    assert listing_rows(html) == listing_rows(missing.content.decode())
    assert html.count("error-message") == missing.content.decode().count("error-message")


@pytest.mark.urls("config.urls")
@pytest.mark.parametrize("role", list(ROLE_TARGET))
def test_api_filters_on_other_jurisdiction_are_404(client, world, role):
    """``?compound=`` of the owners API: 404 outside the jurisdiction, as for a missing
    compound; the committees list filter never reaches other compounds."""
    from committees.choices import CommitteeKind
    from committees.models.bodies import Committee

    for where in ("own", "other"):
        Committee.objects.create(
            compound=world[where]["compound"],
            kind=CommitteeKind.OWNERS,
            set_size=5,
            formed_on="2024-01-01",
        )
    user = grantee(role, world["tree"])
    client.force_login(user)
    other = world["other"]["compound"]
    owners = client.get("/api/registry/owners/", {"compound": other.pk})
    missing = client.get("/api/registry/owners/", {"compound": MISSING_ID})
    if not user.has_perm("estates.view_owner"):
        assert owners.status_code == missing.status_code == 403
    elif role == "platform_admin":
        assert owners.status_code == 200 and owners.json()["count"] == 4
    else:
        assert owners.status_code == missing.status_code == 404
        assert owners.json() == missing.json()
    committees = client.get("/api/registry/committees/", {"active": "true"})
    if user.has_perm("committees.view_committee"):
        ids = {c["compound"]["id"] for c in committees.json()["items"]}
        assert (other.pk in ids) == (role == "platform_admin")
    else:
        assert committees.status_code == 403


# ---------------------------------------------------------------- group grants


@pytest.mark.parametrize("member", [False, True])
def test_grant_held_by_a_group(client, world, member):
    """A region grant held by a group reaches that group's members only: a street officer
    outside the 卧龙 review team never sees 卧龙; inside it, they do."""
    from django.contrib.auth.models import Group
    from guardian.shortcuts import assign_perm

    tree = world["tree"]
    team = Group.objects.create(name="卧龙街道联审组")
    assign_perm("estates.view_jurisdiction", team, tree.streets[1])
    user = grantee("street_staff", tree)
    if member:
        user.groups.add(team)
    client.force_login(user)
    other = world["other"]
    compounds = client.get(url("compound")).content.decode()
    owners = client.get(url("owner")).content.decode()
    assert (other["compound"].name in compounds) == member
    assert (other["owner"].name in owners) == member
    inspect = client.get(url("compound", "inspect", other["compound"].pk))
    assert (inspect.status_code == 200) == member
    # A view grant through the group never allows edits there.
    assert is_denied(client.get(url("compound", "edit", other["compound"].pk)))
