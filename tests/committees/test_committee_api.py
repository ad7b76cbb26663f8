"""Committee API: jurisdiction-scoped lists and details, no identity data, constant
queries; alarms for the caller."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from ninja.testing import TestClient

from committees.selectors.alarms import AlarmKind
from config.api import api as project_api
from tests.committees.committee_helpers import form_committee
from tests.estates.admin_helpers import officer
from tests.factories import make_compound

pytestmark = pytest.mark.django_db


class _CommitteesApi:
    """The project's API (its error handlers included) at the committees router's prefix."""

    def __init__(self):
        self.client = TestClient(project_api)

    def get(self, path: str, **kwargs):
        return self.client.get(f"/registry/committees{path}", **kwargs)


@pytest.fixture
def api():
    return _CommitteesApi()


def test_list_is_scoped_and_has_no_identity(api, tree):
    own = form_committee(tree, compound=tree.compounds[0], formal=4)
    form_committee(tree, compound=tree.compounds[2])
    user = officer("community_staff", tree.communities[0])
    response = api.get("/", user=user)
    assert response.status_code == 200
    items = response.json()["items"]
    assert [c["id"] for c in items] == [own.pk]
    term = items[0]["current_term"]
    assert term["number"] == 1 and term["ends_on"] == "2029-02-28"
    assert len(term["members"]) == 7
    assert items[0]["kind_label"] == "业主委员会"
    body = response.content.decode()
    owner = own.terms.get().members.first().owner
    assert owner.id_number not in body and owner.phone not in body
    assert "id_number" not in body and "phone" not in body


def test_detail_404_outside_jurisdiction(api, tree):
    own = form_committee(tree, compound=tree.compounds[0])
    other = form_committee(tree, compound=tree.compounds[2])
    user = officer("street_staff", tree.streets[0])
    assert api.get(f"/{own.pk}/", user=user).status_code == 200
    assert api.get(f"/{other.pk}/", user=user).status_code == 404


def test_forbidden_without_permission(api, tree):
    form_committee(tree)
    reviewer = officer("department_reviewer", tree.streets[0])
    assert api.get("/", user=reviewer).status_code == 403
    assert api.get("/alarms/", user=reviewer).status_code == 403


def test_committee_member_sees_own_committee(api, tree):
    own = form_committee(tree, compound=tree.compounds[0])
    form_committee(tree, compound=tree.compounds[1])
    member = officer("committee_member", tree.compounds[0])
    assert [c["id"] for c in api.get("/", user=member).json()["items"]] == [own.pk]


def test_alarms_endpoint(api, tree):
    form_committee(tree, compound=tree.compounds[0], formal=3, elected_on=date(2020, 1, 6))
    user = officer("street_staff", tree.streets[0])
    alarms = api.get("/alarms/", user=user).json()
    assert {a["kind"] for a in alarms} >= {AlarmKind.FILING_OVERDUE, AlarmKind.PARTY_SHARE_LOW}
    assert all(a["community"] == "开化第1社区" for a in alarms)
    only = api.get("/alarms/", query_params={"kind": AlarmKind.FILING_OVERDUE}, user=user).json()
    assert {a["kind"] for a in only} == {AlarmKind.FILING_OVERDUE}


def test_list_constant_queries(api, tree):
    user = officer("platform_admin", tree.province)
    for compound in tree.compounds[:2]:
        form_committee(tree, compound=compound)
    api.get("/", user=user)
    with CaptureQueriesContext(connection) as small:
        assert len(api.get("/", user=user).json()["items"]) == 2
    for i in range(3):
        form_committee(
            tree, compound=make_compound(region=tree.communities[0], name=f"花园{i}号小区")
        )
    with CaptureQueriesContext(connection) as large:
        assert len(api.get("/", user=user).json()["items"]) == 5
    assert len(small.captured_queries) == len(large.captured_queries)
