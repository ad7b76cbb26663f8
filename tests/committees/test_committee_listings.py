"""Committees, terms and members listings (issue 8): filters by street, community,
status and date, a search that takes 2,000 characters, exports scoped and masked as the
screen is, rows leading to their inspect pages, and a constant query count."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from committees.models.bodies import CommitteeMember
from committees.services import committees as svc
from common.validators import mask_id_number
from tests.committees.committee_helpers import form_committee, street_officer
from tests.estates.admin_helpers import officer

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]


def url(model: str, view: str = "index", pk=None) -> str:
    name = f"committees_{model}:{view}"
    return reverse(name, args=[pk]) if pk is not None else reverse(name)


def csv_rows(response) -> list[list[str]]:
    content = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(content)))


@pytest.fixture
def two(tree):
    """Committees in both communities of street 0 (one filed) and one in street 1."""
    first = form_committee(tree, compound=tree.compounds[0], elected_on=date(2024, 3, 1))
    second = form_committee(tree, compound=tree.compounds[1], elected_on=date(2025, 5, 1))
    svc.term_file(
        term=second.terms.get(),
        on=date(2025, 5, 20),
        reference="备〔2025〕3号",
        actor=street_officer(tree),
    )
    other = form_committee(tree, compound=tree.compounds[2])
    return first, second, other


def test_committee_filters_street_community_status_date(client, tree, two):
    first, second, other = two
    client.force_login(officer("platform_admin", tree.province))
    html = client.get(url("committee"), {"street": tree.streets[0].pk}).content.decode()
    assert first.compound.name in html and other.compound.name not in html
    html = client.get(url("committee"), {"community": tree.communities[1].pk}).content.decode()
    assert second.compound.name in html and first.compound.name not in html
    html = client.get(
        url("committee"), {"formed_on_from": "2025-01-01", "formed_on_to": "2025-12-31"}
    ).content.decode()
    assert second.compound.name in html and first.compound.name not in html
    html = client.get(url("committee"), {"is_active": "false"}).content.decode()
    assert first.compound.name not in html


def test_term_status_filter(client, tree, two):
    first, second, _other = two
    client.force_login(street_officer(tree))
    not_filed = client.get(url("term"), {"status": "not_filed"}).content.decode()
    assert first.compound.name in not_filed and second.compound.name not in not_filed
    filed = client.get(url("term"), {"status": "filed"}).content.decode()
    assert second.compound.name in filed and first.compound.name not in filed


@pytest.mark.parametrize("model", ["committee", "term", "committeemember"])
def test_search_of_2000_characters(client, tree, two, model):
    client.force_login(street_officer(tree))
    response = client.get(url(model), {"q": "阳" * 2000})
    assert response.status_code == 200
    assert client.get(url(model), {"q": "开化第1社区 阳光"}).status_code == 200


@pytest.mark.parametrize("model", ["committee", "term", "committeemember"])
def test_rows_lead_to_inspect(client, tree, two, model):
    first = two[0]
    obj = {
        "committee": first,
        "term": first.terms.get(),
        "committeemember": CommitteeMember.objects.filter(term__committee=first).first(),
    }[model]
    client.force_login(street_officer(tree))
    html = client.get(url(model)).content.decode()
    assert url(model, "inspect", obj.pk) in html


def test_member_export_masks_ids_for_community_staff(client, tree, two):
    first = two[0]
    member = CommitteeMember.objects.filter(term__committee=first, owner__isnull=False).first()
    full = member.owner.id_number
    client.force_login(officer("community_staff", tree.communities[0]))
    rows = csv_rows(client.get(url("committeemember"), {"export": "csv"}))
    column = rows[0].index("证件号码")
    ids = {row[column] for row in rows[1:]}
    assert mask_id_number(full) in ids and full not in ids
    assert all(row[rows[0].index("小区")] == first.compound.name for row in rows[1:])
    xlsx = client.get(url("committeemember"), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    values = {str(cell.value) for row in sheet.iter_rows() for cell in row}
    assert full not in values and mask_id_number(full) in values
    # Street staff may read identities: the file carries them in full.
    client.force_login(street_officer(tree))
    rows = csv_rows(client.get(url("committeemember"), {"export": "csv"}))
    assert full in {row[column] for row in rows[1:]}


def test_export_by_a_user_outside_the_jurisdiction_holds_nothing_of_it(client, tree, two):
    first, second, other = two
    client.force_login(street_officer(tree, 1))
    for model in ("committee", "term", "committeemember"):
        rows = csv_rows(client.get(url(model), {"export": "csv"}))
        text = "".join(",".join(r) for r in rows)
        assert first.compound.name not in text and second.compound.name not in text
        assert other.compound.name in text


@pytest.mark.parametrize("model", ["committee", "term", "committeemember"])
def test_listing_query_count_constant_at_two_sizes(client, tree, model):
    form_committee(tree, compound=tree.compounds[0])
    client.force_login(street_officer(tree))
    client.get(url(model))
    with CaptureQueriesContext(connection) as small:
        client.get(url(model))
    form_committee(tree, compound=tree.compounds[1], size=9)
    with CaptureQueriesContext(connection) as large:
        client.get(url(model))
    assert len(large) == len(small)


@pytest.mark.parametrize(
    "model", ["committee", "term", "committeemember", "partybranch", "seal", "archiverecord"]
)
def test_every_listing_exports_csv_and_xlsx(client, tree, model):
    from tests.committees.test_committee_admin import _bodies

    bodies = _bodies(tree, tree.compounds[0])
    client.force_login(street_officer(tree))
    rows = csv_rows(client.get(url(model), {"export": "csv"}))
    assert len(rows) >= 2 and all(rows[0])
    assert any(bodies[model].compound.name in ",".join(row) for row in rows[1:])
    xlsx = client.get(url(model), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert [cell.value for cell in next(sheet.iter_rows())] == rows[0]
