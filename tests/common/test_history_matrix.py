"""Role × logged object (own / other jurisdiction) over every audit-log view the admin
offers: the site history report, its CSV and XLSX exports, and each model's history view.

Grants follow tests/estates/test_permissions_matrix.py: street_staff on 开化街道,
community_staff on 开化第1社区, department_reviewer (公安) on 开化街道, committee_member and
company_staff on 开化第1社区's compound, platform_admin on the province. "own" objects lie
in 开化第1社区, "other" objects in 卧龙第1社区 (another street). Entries are shown only for
objects in the user's jurisdiction, of models the user holds a permission on, and a
department reviewer never sees another department's answers (DOMAIN §9).
"""

from __future__ import annotations

import csv
import datetime
import io

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from wagtail.coreutils import get_content_type_label
from wagtail.log_actions import log
from wagtail.models import ModelLogEntry

from committees.choices import (
    ArchiveKind,
    CommitteeKind,
    FindingCategory,
    ReviewSource,
    ReviewStatus,
)
from committees.models import ArchiveRecord, Candidate, CandidateReview, Committee, Election
from common.history import scope_log_entries
from estates.choices import DepartmentKind
from estates.models import Department, DepartmentMembership, Owner
from tests.estates.admin_helpers import officer
from tests.factories import make_user

pytestmark = pytest.mark.django_db

REPORT = "/admin/reports/site-history/"
DAY = datetime.date(2026, 3, 2)

ROLE_TARGET = {
    "platform_admin": "province",
    "street_staff": "street",
    "community_staff": "community",
    "department_reviewer": "street",
    "committee_member": "compound",
    "company_staff": "compound",
}
KINDS = ("compound", "owner", "archive", "candidate", "review_police", "review_market")

# What each role reads in the history of its own jurisdiction: the models its role holds a
# permission on (Wagtail's rule) and, for reviews, only its own department's answers.
SEES_OWN: dict[str, set[str]] = {
    # The platform role holds no election or review permission: vetting stays with the
    # street and its departments.
    "platform_admin": {"compound", "owner", "archive"},
    "street_staff": set(KINDS),
    "community_staff": {"compound", "owner", "candidate", "review_police", "review_market"},
    "department_reviewer": {"compound", "review_police"},
    "committee_member": {"compound", "owner", "archive"},
    "company_staff": {"compound"},
}


def marker(kind: str, where: str) -> str:
    return f"审计{where}{kind}记录"


def visible(role: str, kind: str, where: str) -> bool:
    """Own-jurisdiction rules; outside it only the platform administrator reads anything."""
    if where == "other" and role != "platform_admin":
        return False
    return kind in SEES_OWN[role]


def _objects(tree, compound, departments) -> dict:
    owner = Owner.objects.filter(ownerships__unit__compound=compound).first()
    committee = Committee.objects.create(
        compound=compound, kind=CommitteeKind.OWNERS, set_size=5, formed_on=DAY
    )
    archive = ArchiveRecord.objects.create(
        committee=committee,
        compound=compound,
        kind=ArchiveKind.MINUTES,
        title="第一次会议记录",
        dated_on=DAY,
    )
    election = Election.objects.create(
        compound=compound, kind=CommitteeKind.OWNERS, term_number=1, seats=5, started_on=DAY
    )
    candidate = Candidate.objects.create(
        election=election, compound=compound, owner=owner, name=owner.name, nominated_on=DAY
    )
    reviews = {
        f"review_{kind}": CandidateReview.objects.create(
            candidate=candidate,
            compound=compound,
            source=ReviewSource.DEPARTMENT,
            department=department,
            status=ReviewStatus.FAILED,
            category=FindingCategory.CRIMINAL,
            due_on=DAY,
        )
        for kind, department in departments.items()
    }
    return {
        "compound": compound,
        "owner": owner,
        "archive": archive,
        "candidate": candidate,
        **reviews,
    }


@pytest.fixture
def world(tree):
    departments = {
        "police": Department.objects.create(
            region=tree.county, kind=DepartmentKind.POLICE, name="文山市公安局"
        ),
        "market": Department.objects.create(
            region=tree.county, kind=DepartmentKind.MARKET, name="文山市市场监督管理局"
        ),
    }
    actors = {
        "own": make_user("kaihua_actor", first_name="开化经办人"),
        "other": make_user("wolong_actor", first_name="卧龙经办人"),
    }
    objects = {
        "own": _objects(tree, tree.compounds[0], departments),
        "other": _objects(tree, tree.compounds[2], departments),
    }
    for where, by_kind in objects.items():
        for kind, obj in by_kind.items():
            log(obj, "wagtail.edit", user=actors[where], title=marker(kind, where))
    return {"tree": tree, "objects": objects, "departments": departments, "actors": actors}


def grantee(role: str, world):
    tree = world["tree"]
    target = {
        "province": tree.province,
        "street": tree.streets[0],
        "community": tree.communities[0],
        "compound": tree.compounds[0],
    }[ROLE_TARGET[role]]
    user = officer(role, target)
    if role == "department_reviewer":
        DepartmentMembership.objects.create(user=user, department=world["departments"]["police"])
    return user


def report(client, export: str | None = None, path: str = REPORT):
    response = client.get(path, {"export": export} if export else {}, follow=True)
    assert response.status_code == 200, response.status_code
    if export == "csv":
        text = b"".join(response.streaming_content).decode("utf-8")
        return list(csv.reader(io.StringIO(text)))
    if export == "xlsx":
        content = b"".join(response.streaming_content)
        sheet = load_workbook(io.BytesIO(content), read_only=True).active
        return [
            ["" if c is None else str(c) for c in row] for row in sheet.iter_rows(values_only=True)
        ]
    return response.content.decode()


def cells(rows) -> str:
    return "\n".join("\t".join(row) for row in rows)


@pytest.mark.parametrize("fmt", ["html", "csv", "xlsx"])
@pytest.mark.parametrize("role", list(ROLE_TARGET))
def test_site_history_report_shows_own_jurisdiction_only(client, world, role, fmt):
    client.force_login(grantee(role, world))
    shown = report(client, None if fmt == "html" else fmt)
    text = shown if fmt == "html" else cells(shown)
    for kind in KINDS:
        for where in ("own", "other"):
            expected = visible(role, kind, where)
            assert (marker(kind, where) in text) == expected, (role, kind, where, fmt)


@pytest.mark.parametrize("role", [r for r in ROLE_TARGET if r != "platform_admin"])
def test_report_filters_name_no_one_outside(client, world, role):
    """The user and type filters list only actors and types of visible entries."""
    client.force_login(grantee(role, world))
    html = report(client)
    assert "卧龙经办人" not in html
    assert "wolong_actor" not in html


def test_reviewer_never_sees_another_departments_answers(client, world):
    """DOMAIN §9: the police reviewer reads the police answer, not the market's, in the
    report, its exports and with every filter."""
    client.force_login(grantee("department_reviewer", world))
    market = world["objects"]["own"]["review_market"]
    for fmt in (None, "csv", "xlsx"):
        shown = report(client, fmt)
        text = shown if fmt is None else cells(shown)
        assert marker("review_market", "own") not in text
        assert marker("review_police", "own") in text
    html = client.get(REPORT, {"label": "审计"}, follow=True).content.decode()
    assert marker("review_market", "own") not in html
    # By id and type: another model's row may share the answer's id.
    review_type = get_content_type_label(ContentType.objects.get_for_model(CandidateReview))
    rows = report(client, "csv")[1:]
    assert (str(market.pk), str(review_type)) not in [(row[0], row[2]) for row in rows]
    police = world["objects"]["own"]["review_police"]
    assert (str(police.pk), str(review_type)) in [(row[0], row[2]) for row in rows]


def test_stock_report_url_serves_the_scoped_report(client, world):
    client.force_login(grantee("street_staff", world))
    response = client.get(REPORT, {"export": "csv"})
    assert response.status_code == 302
    text = b"".join(client.get(response.url).streaming_content).decode()
    assert marker("compound", "own") in text
    assert marker("compound", "other") not in text
    results = client.get(REPORT + "results/", follow=True).content.decode()
    assert marker("compound", "other") not in results
    assert marker("compound", "own") in results


def test_user_without_jurisdiction_has_no_report(client, world):
    """A role without any grant has nothing to audit: no menu entry, the URL refused."""
    colleague = officer("street_staff", world["tree"].streets[0])
    user = make_user("no_grant")
    user.groups.set(colleague.groups.all())
    client.force_login(user)
    response = client.get(reverse("common_history:site_history"))
    assert is_denied(response), response.status_code
    assert marker("compound", "own") not in client.get(REPORT, follow=True).content.decode()
    assert reverse("common_history:site_history") not in client.get("/admin/").content.decode()


@pytest.mark.parametrize("role", list(ROLE_TARGET))
def test_reports_menu_offers_the_scoped_report_only(client, world, role):
    client.force_login(grantee(role, world))
    html = client.get("/admin/").content.decode()
    assert REPORT not in html
    assert reverse("common_history:site_history") in html


def test_csv_export_neutralises_formula_cells(client, world):
    own = world["objects"]["own"]
    actor = world["actors"]["own"]
    formulas = ['=HYPERLINK("http://x.example","点击")', "+1+2", "-3+4", "@SUM(A1)"]
    for text in formulas:
        log(own["compound"], "wagtail.edit", user=actor, title=text)
    client.force_login(grantee("street_staff", world))
    rows = report(client, "csv")
    labels = [row[1] for row in rows[1:]]
    for text in formulas:
        assert "'" + text in labels
        assert text not in labels
    for row in rows:
        for cell in row:
            assert cell[:1] not in ("=", "+", "-", "@"), cell


def _report_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(REPORT, follow=True)
        assert response.status_code == 200
    return len(captured)


def test_report_query_count_does_not_grow_with_entries(client, world):
    client.force_login(grantee("street_staff", world))
    _report_queries(client)  # content types and other per-process caches
    few = _report_queries(client)
    own = world["objects"]["own"]
    actor = world["actors"]["own"]
    for i in range(15):
        for kind in ("compound", "owner", "archive", "candidate", "review_police"):
            log(own[kind], "wagtail.edit", user=actor, title=f"第{i}次{kind}")
    many = _report_queries(client)
    assert many == few


# ------------------------------------------------------------------ per-object history views

HISTORY_URL = {
    "compound": "estates_compound:history",
    "owner": "estates_owner:history",
    "archive": "committees_archiverecord:history",
    "candidate": "committees_candidate:history",
}
# History views need a write permission on the model (elections and candidates: any
# permission), and the object in the user's jurisdiction.
HISTORY_OWN: dict[str, set[str]] = {
    "platform_admin": {"compound", "owner", "archive"},
    "street_staff": set(HISTORY_URL),
    "community_staff": {"compound", "candidate"},
    "department_reviewer": set(),
    "committee_member": set(),
    "company_staff": set(),
}


def is_denied(response) -> bool:
    if response.status_code in (403, 404):
        return True
    return response.status_code == 302 and response.url == "/admin/"


@pytest.mark.parametrize(
    ("role", "kind", "where"),
    [(r, k, w) for r in ROLE_TARGET for k in HISTORY_URL for w in ("own", "other")],
)
def test_object_history_view(client, world, role, kind, where):
    client.force_login(grantee(role, world))
    obj = world["objects"][where][kind]
    response = client.get(reverse(HISTORY_URL[kind], args=[obj.pk]))
    actor_name = "开化经办人" if where == "own" else "卧龙经办人"
    allowed = kind in HISTORY_OWN[role] and (where == "own" or role == "platform_admin")
    if allowed:
        assert response.status_code == 200
        assert actor_name in response.content.decode()
    else:
        assert is_denied(response), response.status_code
        assert actor_name not in response.content.decode()


def test_one_objects_history_goes_through_the_same_rules(world):
    """Any history queryset (e.g. one review's entries) is narrowed by the same rules:
    the police reviewer keeps the police answer's entry and loses the market's."""
    reviewer = grantee("department_reviewer", world)
    street = grantee("street_staff", world)
    own = world["objects"]["own"]
    for kind, reviewer_sees in (("review_police", True), ("review_market", False)):
        entries = ModelLogEntry.objects.for_instance(own[kind])
        assert entries.exists()
        assert scope_log_entries(entries, reviewer).exists() == reviewer_sees
        assert scope_log_entries(entries, street).exists()
    other_entries = ModelLogEntry.objects.for_instance(world["objects"]["other"]["review_police"])
    assert not scope_log_entries(other_entries, reviewer).exists()


@pytest.mark.parametrize("role", list(ROLE_TARGET))
def test_dashboard_panels_show_nothing_from_outside(client, world, role):
    """The dashboard's panels (latest edits, jurisdiction, alarms) name no entry or actor
    from outside the user's jurisdiction."""
    client.force_login(grantee(role, world))
    html = client.get("/admin/").content.decode()
    assert "卧龙经办人" not in html
    for kind in KINDS:
        assert marker(kind, "other") not in html


def test_reviewer_dashboard_lists_own_department_answers_only(client, world):
    client.force_login(grantee("department_reviewer", world))
    response = client.get(reverse("committees_reviews:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "文山市公安局" in html
    assert "文山市市场监督管理局" not in html
