"""Alarms as a working list (issue 8): each alarm links to the committee and term it is
about; it is marked handled with a note, one or many with one confirmation, audited on
the committee; filters, search and export stay inside the jurisdiction."""

from __future__ import annotations

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry

from committees.selectors.alarms import AlarmKind, alarms_for
from committees.services import alarms as alarm_services
from tests.committees.committee_helpers import form_committee, street_officer
from tests.estates.admin_helpers import officer

pytestmark = [pytest.mark.django_db, pytest.mark.urls("tests.estates.admin_urls")]

INDEX = "committees_alarms:index"
HANDLE = "committees_alarms:handle"


def handled_entries():
    return ModelLogEntry.objects.filter(action=alarm_services.HANDLE_ACTION)


@pytest.fixture
def overdue(tree):
    """A committee elected in 2024 that never met nor filed: overdue alarms today."""
    committee = form_committee(tree, elected_on=date(2024, 3, 1))
    return committee, committee.terms.get()


def open_alarms(user):
    alarms = alarms_for(user, timezone.localdate())
    handled = alarm_services.handled_alarms(alarms)
    return [a for a in alarms if a.key not in handled]


def test_rows_link_to_the_committee_and_the_term(client, tree, overdue):
    committee, term = overdue
    client.force_login(street_officer(tree))
    html = client.get(reverse(INDEX)).content.decode()
    assert reverse("committees_committee:inspect", args=[committee.pk]) in html
    assert reverse("committees_term:inspect", args=[term.pk]) in html


def test_mark_one_handled_after_confirmation_with_a_note(client, tree, overdue):
    user = street_officer(tree)
    client.force_login(user)
    alarm = next(a for a in open_alarms(user) if a.kind == AlarmKind.FILING_OVERDUE)
    confirm = client.post(reverse(HANDLE), {"key": alarm.key})
    assert confirm.status_code == 200
    assert alarm.message in confirm.content.decode()
    assert not handled_entries().exists()  # nothing written before the confirmation
    done = client.post(
        reverse(HANDLE), {"key": alarm.key, "confirm": "1", "note": "已电话督促，下周备案"}
    )
    assert done.status_code == 302
    entry = handled_entries().get()
    assert entry.data["note"] == "已电话督促，下周备案" and entry.user == user
    assert entry.object_id == str(overdue[0].pk)
    assert alarm.key not in {a.key for a in open_alarms(user)}
    html = client.get(reverse(INDEX)).content.decode()
    assert alarm.message not in html
    handled = client.get(reverse(INDEX), {"status": "handled"}).content.decode()
    assert alarm.message in handled and "已电话督促，下周备案" in handled


def test_bulk_mark_handled_with_one_confirmation(client, tree, overdue):
    user = street_officer(tree)
    client.force_login(user)
    keys = [a.key for a in open_alarms(user)]
    assert len(keys) >= 2
    page = client.post(reverse(HANDLE), {"key": keys})
    assert page.content.decode().count('name="key"') == len(keys)
    client.post(reverse(HANDLE), {"key": keys, "confirm": "1", "note": "统一督办"})
    assert handled_entries().count() == len(keys)
    assert open_alarms(user) == []


def test_empty_note_is_refused_and_nothing_written(client, tree, overdue):
    user = street_officer(tree)
    client.force_login(user)
    key = open_alarms(user)[0].key
    response = client.post(reverse(HANDLE), {"key": key, "confirm": "1", "note": "   "})
    assert response.status_code == 200
    assert "error-message" in response.content.decode()
    assert not handled_entries().exists()


def test_keys_of_another_jurisdiction_mark_nothing(client, tree, overdue):
    keys = [a.key for a in open_alarms(street_officer(tree))]
    client.force_login(street_officer(tree, 1))
    response = client.post(reverse(HANDLE), {"key": keys, "confirm": "1", "note": "越权"})
    assert response.status_code == 302
    assert not handled_entries().exists()


def test_service_refuses_a_committee_the_actor_does_not_manage(tree, overdue):
    alarm = open_alarms(street_officer(tree))[0]
    with pytest.raises(Exception):  # noqa: B017 - PermissionDenied
        alarm_services.alarm_mark_handled(alarm=alarm, note="越权", actor=street_officer(tree, 1))
    assert not handled_entries().exists()


def test_filters_by_street_kind_and_deadline(client, tree, overdue):
    client.force_login(officer("platform_admin", tree.province))
    url = reverse(INDEX)
    compound = overdue[0].compound.name
    assert compound in client.get(url, {"street": tree.streets[0].pk}).content.decode()
    assert compound not in client.get(url, {"street": tree.streets[1].pk}).content.decode()
    only_filing = client.get(url, {"kind": AlarmKind.FILING_OVERDUE}).content.decode()
    assert "逾期未备案" in only_filing and "逾期未召开首次会议</td>" not in only_filing
    later = client.get(url, {"due_from": "2030-01-01"}).content.decode()
    assert compound not in later
    assert compound in client.get(url, {"q": "阳光花园 开化"}).content.decode()


def test_search_of_2000_characters(client, tree, overdue):
    client.force_login(street_officer(tree))
    response = client.get(reverse(INDEX), {"q": "预" * 2000})
    assert response.status_code == 200


def test_export_csv_and_xlsx_scoped(client, tree, overdue):
    compound = overdue[0].compound.name
    client.force_login(street_officer(tree))
    response = client.get(reverse(INDEX), {"export": "csv"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:2] == ["类型", "街道/乡镇"]
    assert len(rows) - 1 == len(open_alarms(street_officer(tree)))
    assert all(row[3] == compound for row in rows[1:])
    xlsx = client.get(reverse(INDEX), {"export": "xlsx"})
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(xlsx.streaming_content))).active
    assert sheet.max_row == len(rows)
    # An officer of the other street exports the heading and nothing of this street.
    client.force_login(street_officer(tree, 1))
    other = client.get(reverse(INDEX), {"export": "csv"})
    text = b"".join(other.streaming_content).decode()
    assert compound not in text and len(text.strip().splitlines()) == 1


def test_query_count_constant_at_two_sizes(client, tree):
    form_committee(tree, compound=tree.compounds[0])
    user = street_officer(tree)
    client.force_login(user)
    client.get(reverse(INDEX))  # warm per-process caches (site, content types)
    with CaptureQueriesContext(connection) as small:
        client.get(reverse(INDEX))
    form_committee(tree, compound=tree.compounds[1])
    first = open_alarms(user)[0]
    alarm_services.alarm_mark_handled(alarm=first, note="已督办", actor=user)
    with CaptureQueriesContext(connection) as large:
        client.get(reverse(INDEX), {"status": "all"})
    assert len(large) == len(small)
