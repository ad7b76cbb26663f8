"""Registry listings as places to find and take away (issue 8): owners found by full
phone, compound and unit; street and community filters; a 2,000-character search; rows
leading to their inspect pages; CSV and XLSX exports scoped, masked as on the screen and
with formula cells neutralised."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from common.validators import mask_id_number, mask_phone
from estates import services
from estates.models import Compound, Owner, Ownership, Unit
from tests.estates.admin_helpers import officer, url
from tests.factories import make_compound, valid_id_number

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]

LISTINGS = ["compound", "unit", "owner", "ownership", "building"]


def csv_rows(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def xlsx_values(response) -> list[list]:
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    return [[cell.value for cell in row] for row in sheet.iter_rows()]


@pytest.fixture
def resident(tree):
    """An owner of unit 102 in street 0's first compound, with a phone of her own."""
    unit = Unit.objects.get(compound=tree.compounds[0], room="102")
    owner = services.owner_create(name="韦美玲", id_number=valid_id_number(), phone="13577001234")
    services.ownership_add(owner=owner, unit=unit)
    return owner


def test_owner_found_by_full_phone_only(client, tree, resident):
    client.force_login(officer("community_staff", tree.communities[0]))
    html = client.get(url("owner"), {"q": "135 7700 1234"}).content.decode()
    assert "韦美玲" in html
    assert "韦美玲" not in client.get(url("owner"), {"q": "1357700"}).content.decode()


def test_owner_filters_by_compound_unit_street_and_community(client, tree, resident):
    client.force_login(officer("platform_admin", tree.province))
    by_room = client.get(url("owner"), {"compound": tree.compounds[0].pk, "room": "1单元-102"})
    assert "韦美玲" in by_room.content.decode()
    assert "韦美玲" not in client.get(url("owner"), {"room": "101"}).content.decode()
    assert "韦美玲" in client.get(url("owner"), {"street": tree.streets[0].pk}).content.decode()
    assert "韦美玲" not in client.get(url("owner"), {"street": tree.streets[1].pk}).content.decode()
    html = client.get(url("owner"), {"community": tree.communities[1].pk}).content.decode()
    assert "韦美玲" not in html


def test_units_filtered_by_street_and_community(client, tree):
    client.force_login(officer("platform_admin", tree.province))
    html = client.get(url("unit"), {"community": tree.communities[3].pk}).content.decode()
    inside = Unit.objects.filter(compound=tree.compounds[3]).first()
    outside = Unit.objects.filter(compound=tree.compounds[0]).first()
    assert url("unit", "inspect", inside.pk) in html
    assert url("unit", "inspect", outside.pk) not in html
    html = client.get(url("unit"), {"street": tree.streets[0].pk}).content.decode()
    assert url("unit", "inspect", outside.pk) in html
    assert url("unit", "inspect", inside.pk) not in html


@pytest.mark.parametrize("model", LISTINGS)
def test_search_of_2000_characters(client, tree, model):
    client.force_login(officer("street_staff", tree.streets[0]))
    assert client.get(url(model), {"q": "阳" * 2000}).status_code == 200
    assert client.get(url(model), {"q": "1" * 2000}).status_code == 200


def test_rows_lead_to_inspect(client, tree, resident):
    client.force_login(officer("street_staff", tree.streets[0]))
    html = client.get(url("owner"), {"q": "韦美玲"}).content.decode()
    assert url("owner", "inspect", resident.pk) in html
    unit = Unit.objects.filter(compound=tree.compounds[0]).first()
    assert url("unit", "inspect", unit.pk) in client.get(url("unit")).content.decode()


def test_owner_export_masked_for_community_staff_in_csv_and_xlsx(client, tree, resident):
    client.force_login(officer("community_staff", tree.communities[0]))
    rows = csv_rows(client.get(url("owner"), {"export": "csv"}))
    row = next(r for r in rows if r[0] == "韦美玲")
    assert resident.id_number not in row and resident.phone not in row
    assert mask_id_number(resident.id_number) in row and mask_phone(resident.phone) in row
    cells = [str(v) for r in xlsx_values(client.get(url("owner"), {"export": "xlsx"})) for v in r]
    assert resident.id_number not in cells and resident.phone not in cells
    assert mask_id_number(resident.id_number) in cells
    # Street staff may read identities in full.
    client.force_login(officer("street_staff", tree.streets[0]))
    rows = csv_rows(client.get(url("owner"), {"export": "csv"}))
    assert resident.id_number in next(r for r in rows if r[0] == "韦美玲")


def test_ownership_export_masks_the_owner_id(client, tree, resident):
    client.force_login(officer("community_staff", tree.communities[0]))
    rows = csv_rows(client.get(url("ownership"), {"export": "csv"}))
    text = "\n".join(",".join(r) for r in rows)
    assert resident.id_number not in text and mask_id_number(resident.id_number) in text


def test_formula_cells_neutralised(client, tree):
    Compound.objects.filter(pk=tree.compounds[0].pk).update(address='=HYPERLINK("http://x")')
    client.force_login(officer("street_staff", tree.streets[0]))
    rows = csv_rows(client.get(url("compound"), {"export": "csv"}))
    assert '\'=HYPERLINK("http://x")' in [cell for row in rows for cell in row]
    sheet = openpyxl.load_workbook(
        io.BytesIO(b"".join(client.get(url("compound"), {"export": "xlsx"}).streaming_content))
    ).active
    cells = [cell for row in sheet.iter_rows() for cell in row if cell.value]
    formula = next(c for c in cells if str(c.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"


@pytest.mark.parametrize("model", LISTINGS)
def test_export_outside_the_jurisdiction_holds_nothing_of_it(client, tree, resident, model):
    client.force_login(officer("street_staff", tree.streets[1]))
    text = "\n".join(",".join(r) for r in csv_rows(client.get(url(model), {"export": "csv"})))
    assert tree.compounds[0].name not in text and "韦美玲" not in text
    assert resident.id_number not in text


@pytest.mark.parametrize("model", ["unit", "owner", "ownership"])
def test_listing_query_count_constant_at_two_sizes(client, tree, model):
    client.force_login(officer("street_staff", tree.streets[0]))
    client.get(url(model))
    with CaptureQueriesContext(connection) as small:
        client.get(url(model))
    make_compound(region=tree.communities[1], name="新增小区", units=12)
    with CaptureQueriesContext(connection) as large:
        client.get(url(model))
    assert len(large) == len(small)
    assert Owner.objects.count() and Ownership.objects.count()


@pytest.mark.parametrize(
    "model",
    [
        "region",
        "propertycompany",
        "compound",
        "building",
        "unit",
        "owner",
        "ownership",
        "grid",
        "gridstaff",
        "department",
    ],
)
def test_every_listing_exports_csv_and_xlsx(client, tree, model):
    client.force_login(officer("platform_admin", tree.province))
    rows = csv_rows(client.get(url(model), {"export": "csv"}))
    assert rows[0] and all(heading for heading in rows[0])
    xlsx = client.get(url(model), {"export": "xlsx"})
    assert xlsx.status_code == 200
    assert xlsx_values(xlsx)[0] == rows[0]
