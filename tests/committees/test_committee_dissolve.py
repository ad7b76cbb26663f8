"""A committee's dissolution is an explicit action with a reason and a confirmation
(issue 8), through committees.services.committee_dissolve, audited with its reason."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from wagtail.models import ModelLogEntry

from committees.models.bodies import Committee
from committees.services import committees as svc
from tests.committees.committee_helpers import form_committee, street_officer
from tests.estates.admin_helpers import officer

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]


def dissolve_url(committee) -> str:
    return reverse("committees_committee:dissolve", args=[committee.pk])


@pytest.fixture
def committee(tree):
    return form_committee(tree, elected_on=date(2024, 3, 1))


def test_reason_then_confirmation_then_dissolved_and_audited(client, tree, committee):
    client.force_login(street_officer(tree))
    form = client.get(dissolve_url(committee))
    assert form.status_code == 200 and "撤销理由" in form.content.decode()
    data = {"dissolved_on": "2025-06-01", "reason": "业主大会决定重新选举"}
    confirm = client.post(dissolve_url(committee), data)
    assert confirm.status_code == 200
    assert "确认撤销" in confirm.content.decode()
    committee.refresh_from_db()
    assert committee.is_active  # nothing happens before the confirmation
    done = client.post(dissolve_url(committee), {**data, "confirm": "1"})
    assert done.status_code == 302
    committee.refresh_from_db()
    assert not committee.is_active and committee.dissolved_on == date(2025, 6, 1)
    entry = ModelLogEntry.objects.get(action="committees.committee.dissolve")
    assert entry.data["reason"] == "业主大会决定重新选举"


def test_reason_is_required(client, tree, committee):
    client.force_login(street_officer(tree))
    response = client.post(
        dissolve_url(committee), {"dissolved_on": "2025-06-01", "reason": "", "confirm": "1"}
    )
    assert response.status_code == 200 and "error-message" in response.content.decode()
    committee.refresh_from_db()
    assert committee.is_active
    with pytest.raises(ValidationError):
        svc.committee_dissolve(
            committee=committee, on=date(2025, 6, 1), reason="  ", actor=street_officer(tree)
        )
    assert Committee.objects.get(pk=committee.pk).is_active


def test_date_before_formation_refused_with_a_message(client, tree, committee):
    client.force_login(street_officer(tree))
    response = client.post(
        dissolve_url(committee),
        {"dissolved_on": "2020-01-01", "reason": "测试", "confirm": "1"},
    )
    assert response.status_code == 200 and "error-message" in response.content.decode()
    assert Committee.objects.get(pk=committee.pk).is_active


def test_outside_the_jurisdiction_404_and_view_only_denied(client, tree, committee):
    client.force_login(street_officer(tree, 1))
    assert client.get(dissolve_url(committee)).status_code == 404
    client.force_login(officer("committee_member", tree.compounds[0]))
    response = client.post(
        dissolve_url(committee), {"dissolved_on": "2025-06-01", "reason": "x", "confirm": "1"}
    )
    assert response.status_code in (302, 403) and response.get("Location", "/admin/") == "/admin/"
    assert Committee.objects.get(pk=committee.pk).is_active


def test_no_edit_form_the_inspect_page_offers_dissolution(client, tree, committee):
    client.force_login(street_officer(tree))
    edit = client.get(reverse("committees_committee:edit", args=[committee.pk]))
    assert edit.status_code == 302 and edit.url == dissolve_url(committee)
    inspect = client.get(reverse("committees_committee:inspect", args=[committee.pk]))
    html = inspect.content.decode()
    assert dissolve_url(committee) in html and "撤销委员会" in html
    listing = client.get(reverse("committees_committee:index")).content.decode()
    assert reverse("committees_committee:inspect", args=[committee.pk]) in listing
