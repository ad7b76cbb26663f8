"""The property company's staff have their own duties on the admin home
(common.dashboard, disclosures.notices.duties): the items their company must publish for
its compounds (DOMAIN 5.4) that are due or late, counted as the compliance screen counts
them, with the earliest due date and a link to that screen; committee members see their
committee's items instead; the query count does not grow with compounds or regions."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from common.dashboard import duty_rows
from disclosures.notices.choices import Compliance, Frequency, Publisher
from disclosures.notices.models import DisclosureItem
from disclosures.notices.selectors.schedule import compound_schedule
from estates.models import Compound
from tests.estates.admin_helpers import officer
from tests.factories import make_compound, make_user

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 2, 1)
COMPANY = "notices.company_pending"
COMMITTEE = "notices.committee_pending"


def registered_long_ago(*compounds) -> None:
    Compound.objects.filter(pk__in=[c.pk for c in compounds]).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )


def company_user(*compounds):
    user = make_user()
    for compound in compounds:
        from estates.services import role_assign

        role_assign(user=user, role="company_staff", target=compound)
    return user


def expected(compounds, publisher: str) -> tuple[int, int, datetime.date | None]:
    """Pending, overdue and earliest due date by the compliance screen's own rules."""
    pending = [
        entry
        for compound in compounds
        for entry in compound_schedule(Compound.objects.get(pk=compound.pk), today=TODAY)
        if entry.item.publisher == publisher and entry.status != Compliance.DONE
    ]
    overdue = sum(1 for e in pending if e.status == Compliance.OVERDUE)
    return len(pending), overdue, min((e.due_on for e in pending), default=None)


def rows(user) -> dict:
    return {row.key: row for row in duty_rows(user, today=TODAY)}


def test_company_staff_see_their_company_items_due_and_late(client, tree):
    compound = tree.compounds[0]
    registered_long_ago(compound)
    user = company_user(compound)
    duties = rows(user)
    assert COMMITTEE not in duties  # the committee's items are not the company's work
    row = duties[COMPANY]
    count, overdue, due_on = expected([compound], Publisher.COMPANY)
    assert count > 0 and overdue > 0
    assert (row.count, row.url) == (count, reverse("notices_compliance"))
    assert row.overdue_text == f"其中{overdue}件已逾期"
    assert row.due_text == f"最早{due_on:%m-%d}到期，已逾期"
    # On the admin home, with the link to the compliance screen the company may open.
    client.force_login(user)
    page = client.get("/admin/").content.decode()
    assert 'data-duty="notices.company_pending"' in page and "本企业待公示事项" in page
    assert client.get(reverse("notices_compliance")).status_code == 200


def test_committee_members_see_their_committee_items_and_officers_neither(tree):
    compound = tree.compounds[0]
    registered_long_ago(compound)
    member = officer("committee_member", compound)
    duties = rows(member)
    assert COMPANY not in duties
    assert duties[COMMITTEE].count == expected([compound], Publisher.COMMITTEE)[0] > 0
    street = rows(officer("street_staff", tree.streets[0]))
    assert COMPANY not in street and COMMITTEE not in street


def test_counts_follow_regional_catalogues_and_publication(tree):
    """A street that switches an item off lowers the count for its compounds only; the
    other street, which adds a quarterly item, raises it for its own."""
    here, there = tree.compounds[0], tree.compounds[2]
    registered_long_ago(here, there)
    national = DisclosureItem.objects.filter(
        region=None, publisher=Publisher.COMPANY, is_active=True
    ).first()
    DisclosureItem.objects.create(
        region=tree.streets[0], code=national.code, name=national.name,
        frequency=national.frequency, publisher=Publisher.COMPANY, is_active=False,
    )  # fmt: skip
    DisclosureItem.objects.create(
        region=tree.streets[1], code="company-quarterly", name="物业服务季度报告",
        frequency=Frequency.QUARTERLY, publisher=Publisher.COMPANY,
    )  # fmt: skip
    user = company_user(here, there)
    assert rows(user)[COMPANY].count == expected([here, there], Publisher.COMPANY)[0]
    only_here = rows(company_user(here))[COMPANY].count
    assert only_here == expected([here], Publisher.COMPANY)[0]
    assert only_here + 2 == expected([there], Publisher.COMPANY)[0]


def test_company_duty_costs_the_same_for_one_compound_or_many(tree):
    first = tree.compounds[0]
    registered_long_ago(first)
    user = company_user(first)
    rows(user)  # warm per-process caches
    with CaptureQueriesContext(connection) as small:
        rows(user)
    grown = [
        make_compound(region=tree.communities[i % 4], name=f"物业{i}号小区", units=0)
        for i in range(6)
    ]
    DisclosureItem.objects.create(
        region=tree.communities[3], code="company-local", name="本社区物业事项",
        frequency=Frequency.ON_CHANGE, publisher=Publisher.COMPANY,
    )  # fmt: skip
    from estates.services import role_assign

    for compound in grown:
        role_assign(user=user, role="company_staff", target=compound)
    user = type(user).objects.get(pk=user.pk)
    rows(user)
    with CaptureQueriesContext(connection) as large:
        duties = rows(user)
    assert len(large) == len(small), (len(small), len(large))
    assert duties[COMPANY].count == expected([first, *grown], Publisher.COMPANY)[0]
