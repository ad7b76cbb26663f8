"""The required-disclosure catalogue per region and each compound's schedule
(DOMAIN 5.1, 5.4, 6.6)."""

import datetime

from django.utils import timezone

from disclosures.notices.choices import Compliance, Frequency, Publisher
from disclosures.notices.models import DisclosureItem
from disclosures.notices.selectors.catalogue import catalogue_for
from disclosures.notices.selectors.schedule import (
    compound_schedule,
    last_completed_period,
    overdue_compounds,
    region_compliance,
)
from estates.models import Compound

from .conftest import draft, publish


def test_national_catalogue_covers_committee_and_company_items(tree):
    items = {i.code: i for i in catalogue_for(tree.communities[0])}
    assert items["rules-covenant"].frequency == Frequency.ON_CHANGE  # DOMAIN 5.1
    assert items["fund-statement"].frequency == Frequency.YEARLY  # DOMAIN 6.6
    assert items["company-services"].publisher == Publisher.COMPANY  # DOMAIN 5.4
    assert items["rules-procedure"].publisher == Publisher.COMMITTEE


def test_a_region_overrides_and_switches_off_items_for_its_subtree(tree):
    street = tree.streets[0]
    DisclosureItem.objects.create(
        region=street, code="fund-use", name="维修资金使用（每季度）",
        frequency=Frequency.QUARTERLY, publisher=Publisher.COMMITTEE,
    )  # fmt: skip
    DisclosureItem.objects.create(
        region=street, code="parking", name="车位", frequency=Frequency.ON_CHANGE,
        publisher=Publisher.COMMITTEE, is_active=False,
    )  # fmt: skip
    inside = {i.code: i for i in catalogue_for(tree.communities[0])}
    outside = {i.code: i for i in catalogue_for(tree.communities[2])}
    assert inside["fund-use"].frequency == Frequency.QUARTERLY
    assert "parking" not in inside
    assert outside["fund-use"].frequency == Frequency.YEARLY
    assert "parking" in outside


def test_periods_are_the_last_completed_calendar_period():
    today = datetime.date(2026, 5, 10)
    assert last_completed_period(Frequency.QUARTERLY, today) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 3, 31),
    )
    assert last_completed_period(Frequency.HALF_YEARLY, today) == (
        datetime.date(2025, 7, 1),
        datetime.date(2025, 12, 31),
    )
    assert last_completed_period(Frequency.YEARLY, today) == (
        datetime.date(2025, 1, 1),
        datetime.date(2025, 12, 31),
    )


def test_schedule_done_due_and_overdue(world):
    compound = world["compound"]
    # Registered long ago: items published on change are overdue after their grace days.
    Compound.objects.filter(pk=compound.pk).update(
        created_at=timezone.now() - datetime.timedelta(days=400)
    )
    compound.refresh_from_db()
    publish(world, draft(world, code="fund-use"))  # covers 2025
    today = datetime.date(2026, 2, 1)
    entries = {e.item.code: e for e in compound_schedule(compound, today=today)}
    fund = entries["fund-use"]
    assert fund.status == Compliance.DONE
    assert fund.period_end == datetime.date(2025, 12, 31)
    assert fund.due_on == datetime.date(2025, 12, 31) + datetime.timedelta(days=90)
    assert entries["fund-statement"].status == Compliance.DUE  # within its 90 days
    assert entries["rules-covenant"].status == Compliance.OVERDUE
    later = {e.item.code: e for e in compound_schedule(compound, today=datetime.date(2026, 5, 1))}
    assert later["fund-statement"].status == Compliance.OVERDUE


def test_a_draft_does_not_count(world):
    draft(world, code="rules-covenant")
    entries = {e.item.code: e for e in compound_schedule(world["compound"])}
    assert entries["rules-covenant"].status != Compliance.DONE


def test_region_compliance_and_alarms(world):
    tree = world["tree"]
    Compound.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))
    totals, rows = region_compliance(tree.prefecture)
    assert len(rows) == 4
    assert totals[Compliance.OVERDUE] > 0
    alarms = overdue_compounds(tree.streets[0])
    assert {row.compound for row in alarms} == {tree.compounds[0], tree.compounds[1]}


def test_compliance_screen_and_dashboard_alarm_within_jurisdiction(client, world):
    from django.urls import reverse

    tree = world["tree"]
    Compound.objects.update(created_at=timezone.now() - datetime.timedelta(days=400))
    client.force_login(world["officer"])
    response = client.get(reverse("notices_compliance"))
    assert response.status_code == 200
    names = [row.compound for row in response.context["rows"]]
    assert names == [tree.compounds[0]]  # the officer's community only
    response = client.get(reverse("notices_compliance"), {"compound": tree.compounds[0].pk})
    assert response.status_code == 200
    assert "逾期未公示" in response.content.decode()
    other = client.get(reverse("notices_compliance"), {"compound": tree.compounds[2].pk})
    assert other.status_code == 404
    home = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "信息公示预警" in home and "1个小区" in home


def test_default_items_name_their_legal_basis_in_words(db):
    """Staff read the law and article, never one of our rule numbers."""
    items = DisclosureItem.objects.filter(region=None)
    assert items.exists()
    for item in items:
        assert "DOMAIN" not in item.basis and "》第" in item.basis, item.basis
