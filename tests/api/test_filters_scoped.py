"""Filters that name an object resolve it inside the caller's jurisdiction: another
jurisdiction's id gets exactly the answer a non-existent id gets (404 in the API, a form
error and the unfiltered own listing in the admin), never its rows."""

from __future__ import annotations

import re
from datetime import date

import pytest

from committees.choices import CommitteeKind
from committees.models.bodies import Committee
from estates import services
from estates.models import Grid, Owner, PropertyCompany, Unit
from tests.estates.admin_helpers import officer, url
from tests.factories import valid_credit_code, valid_id_number

pytestmark = pytest.mark.django_db

MISSING = "999999"
HUGE = str(2**63)


@pytest.fixture
def kaihua(client, tree):
    """A street officer of 开化街道 (compounds 0 and 1); 卧龙街道 holds compounds 2 and 3."""
    client.force_login(officer("street_staff", tree.streets[0]))
    client.raise_request_exception = False
    return client


class TestOwnersApiCompoundFilter:
    def test_own_compound_filters(self, kaihua, tree):
        body = kaihua.get(f"/api/registry/owners/?compound={tree.compounds[0].pk}").json()
        assert body["count"] == 4

    def test_other_jurisdiction_is_404_like_a_missing_compound(self, kaihua, tree):
        other = kaihua.get(f"/api/registry/owners/?compound={tree.compounds[2].pk}")
        missing = kaihua.get(f"/api/registry/owners/?compound={MISSING}")
        huge = kaihua.get(f"/api/registry/owners/?compound={HUGE}")
        assert other.status_code == missing.status_code == huge.status_code == 404
        assert (
            other.json()
            == missing.json()
            == huge.json()
            == {"detail": "未找到，或不在您的辖区内。"}
        )

    def test_shared_owner_does_not_open_the_other_compound(self, kaihua, tree):
        """An owner holding units in both streets is in scope, but filtering on the other
        street's compound still answers 404."""
        unit = Unit.objects.filter(compound=tree.compounds[2]).first()
        mine = Owner.objects.filter(ownerships__compound=tree.compounds[0]).first()
        services.ownership_add(owner=mine, unit=unit)
        response = kaihua.get(f"/api/registry/owners/?compound={tree.compounds[2].pk}")
        assert response.status_code == 404

    def test_not_a_number_is_a_validation_error(self, kaihua, tree):
        assert kaihua.get("/api/registry/owners/?compound=abc").status_code == 422


class TestCommitteeApiFilters:
    def test_active_filter_stays_in_jurisdiction(self, kaihua, tree):
        for compound, active in ((tree.compounds[0], True), (tree.compounds[2], True)):
            Committee.objects.create(
                compound=compound,
                kind=CommitteeKind.OWNERS,
                set_size=5,
                formed_on=date(2024, 1, 1),
                is_active=active,
            )
        for value in ("true", "false"):
            items = kaihua.get(f"/api/registry/committees/?active={value}").json()["items"]
            assert {c["compound"]["id"] for c in items} <= {tree.compounds[0].pk}
        items = kaihua.get("/api/registry/committees/?active=true").json()["items"]
        assert [c["compound"]["id"] for c in items] == [tree.compounds[0].pk]

    def test_unknown_alarm_kind_is_refused_in_chinese(self, kaihua, tree):
        response = kaihua.get("/api/registry/committees/alarms/?kind=nope")
        assert response.status_code == 422
        assert response.json() == {"detail": "未知的预警类型。"}


# ---------------------------------------------------------------- admin listing filters


def admin_filters(tree) -> list[tuple[str, str, object, object]]:
    """(listing, filter, own object, other object) for every filter naming an object."""
    own_company, other_company = (
        PropertyCompany.objects.create(
            name=name, credit_code=valid_credit_code(), region=compound.region
        )
        for compound, name in (
            (tree.compounds[0], "开化安居物业"),
            (tree.compounds[2], "卧龙宜居物业"),
        )
    )
    for compound, company in ((tree.compounds[0], own_company), (tree.compounds[2], other_company)):
        compound.property_company = company
        compound.save()
    own_grid, other_grid = (Grid.objects.get(region=tree.communities[i]) for i in (0, 2))
    own, other = tree.compounds[0], tree.compounds[2]
    return [
        ("compound", "street", tree.streets[0], tree.streets[1]),
        ("compound", "community", tree.communities[0], tree.communities[2]),
        ("compound", "property_company", own_company, other_company),
        ("building", "compound", own, other),
        ("unit", "compound", own, other),
        ("owner", "compound", own, other),
        ("ownership", "compound", own, other),
        ("grid", "community", tree.communities[0], tree.communities[2]),
        ("gridstaff", "grid", own_grid, other_grid),
    ]


def row_ids(model: str, html: str) -> list[str]:
    """The listing's rows as text (every cell, tags stripped), in order."""
    assert f"/admin/estates/{model}/" in html
    body = html.split("<tbody", 1)[1].split("</tbody>", 1)[0] if "<tbody" in html else ""
    rows = re.findall(r"<tr.*?</tr>", body, flags=re.S)
    return [" ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in rows]


@pytest.mark.urls("tests.estates.admin_urls")
def test_admin_filters_answer_other_jurisdiction_like_a_missing_object(kaihua, tree):
    for model, name, own, other in admin_filters(tree):
        listing = url(model)
        unfiltered = kaihua.get(listing).content.decode()
        filtered = kaihua.get(listing, {name: own.pk}).content.decode()
        assert row_ids(model, filtered), (model, name)
        assert set(row_ids(model, filtered)) <= set(row_ids(model, unfiltered))
        answers = []
        for value in (other.pk, MISSING, HUGE):
            response = kaihua.get(listing, {name: value})
            assert response.status_code == 200, (model, name, value)
            html = response.content.decode()
            assert other.name not in html, (model, name)  # nor among the choices
            answers.append((row_ids(model, html), html.count("error-message")))
        assert answers[0] == answers[1] == answers[2], (model, name, answers)
        # Exactly the rows of a missing object: the own listing, never the other's rows.
        assert answers[0][0] == row_ids(model, unfiltered)


@pytest.mark.urls("tests.estates.admin_urls")
def test_admin_owner_filter_on_other_compound_never_lists_shared_owner(kaihua, tree):
    """An owner holding a unit in each street: filtering on the other street's compound
    does not narrow the listing to them (it is refused like a missing compound)."""
    shared = services.owner_create(name="两地业主", id_number=valid_id_number())
    for compound in (tree.compounds[0], tree.compounds[2]):
        services.ownership_add(owner=shared, unit=Unit.objects.filter(compound=compound).first())
    html = kaihua.get(url("owner"), {"compound": tree.compounds[2].pk}).content.decode()
    everyone = kaihua.get(url("owner")).content.decode()
    assert row_ids("owner", html) == row_ids("owner", everyone)
    assert len(row_ids("owner", html)) > 1
