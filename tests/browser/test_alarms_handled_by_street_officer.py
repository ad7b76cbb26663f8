"""A street officer works through the committee alarms (issue 8, items 4 and 7): from the
alarm count on the admin home to the alarm list, one alarm marked handled with a note
after a confirmation, then the rest ticked and handled together with one note; the
handled list shows who handled each and how. At desktop and phone widths; on the phone
every control stays on screen and no column shrinks to a character or two. Screenshots
under var/screenshots/ (70-alarms-*)."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import timezone
from wagtail.models import ModelLogEntry

from committees.selectors.alarms import alarms_for
from committees.services import alarms as alarm_services
from tests.browser.test_reviewer_answers_on_a_phone import (
    CONTROLS,
    NARROW_COLUMNS_JS,
    OFF_SCREEN_JS,
)
from tests.committees.committee_helpers import form_committee
from tests.estates.admin_helpers import officer
from tests.factories import build_tree

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1280, "phone": 375}
FIRST_NOTE = "已电话督促业委会，下周一提交备案材料"
BULK_NOTE = "已召开督办会，统一限期整改"


@pytest.fixture
def street():
    """Two committees elected in 2024 that never met nor filed: several overdue alarms
    in the first street; one in the other street that the officer never sees."""
    tree = build_tree()
    form_committee(tree, compound=tree.compounds[0], elected_on=date(2024, 3, 1))
    form_committee(tree, compound=tree.compounds[1], elected_on=date(2024, 6, 1))
    form_committee(tree, compound=tree.compounds[2], elected_on=date(2024, 3, 1))
    user = officer("street_staff", tree.streets[0], "kaihua_alarms")
    return tree, user


def open_alarms(user):
    alarms = alarms_for(user, timezone.localdate())
    handled = alarm_services.handled_alarms(alarms)
    return [a for a in alarms if a.key not in handled and a.can_be_handled]


def assert_fits(page, width: int) -> None:
    if width > WIDTHS["phone"]:
        return
    off = page.evaluate(OFF_SCREEN_JS.replace("arguments_selector", repr(CONTROLS)), width)
    assert off == [], off
    narrow = page.evaluate(NARROW_COLUMNS_JS)
    assert narrow == [], narrow
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, scroll


@pytest.mark.parametrize("size", list(WIDTHS))
def test_street_officer_handles_alarms(street, live_server, page, shoot, size):
    tree, user = street
    width = WIDTHS[size]
    prefix = f"70-alarms-{size}"
    waiting = open_alarms(user)
    assert len(waiting) >= 3
    # Tall enough that a screenshot shows a few cards (the admin scrolls inside its frame).
    page.set_viewport_size({"width": width, "height": 1600 if size == "phone" else 900})

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "kaihua_alarms")
    page.fill("#id_password", "pw-12345678")
    page.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    # The admin home counts the alarms and links to them.
    card = page.locator('[data-duty="committees.alarms"]')
    card.wait_for()
    assert "预警" in card.inner_text()
    shoot(f"{prefix}-01-home")
    assert_fits(page, width)
    card.locator("a").first.click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main")
    assert tree.compounds[0].name in main.inner_text()
    assert tree.compounds[2].name not in main.inner_text()  # the other street's
    shoot(f"{prefix}-02-list")
    assert_fits(page, width)

    # One alarm handled with a note, after a confirmation.
    first = waiting[0]
    row = page.locator("main tbody tr", has_text=first.message).first
    row.get_by_role("button", name="标记已处理").click()
    page.wait_for_load_state("networkidle")
    assert first.message in page.locator("main").inner_text()
    page.fill("textarea[name=note]", FIRST_NOTE)
    shoot(f"{prefix}-03-confirm-one")
    assert_fits(page, width)
    assert not ModelLogEntry.objects.filter(action=alarm_services.HANDLE_ACTION).exists()
    page.get_by_role("button", name="确认标记已处理").click()
    page.wait_for_load_state("networkidle")
    assert first.key not in {a.key for a in open_alarms(user)}
    assert page.locator("main tbody tr", has_text=first.message).count() == 0

    # The rest ticked and handled together with one note.
    rest = open_alarms(user)
    assert rest
    boxes = page.locator("main tbody input[type=checkbox][name=key]")
    assert boxes.count() == len(rest)
    for i in range(boxes.count()):
        boxes.nth(i).check()
    shoot(f"{prefix}-04-ticked")
    assert_fits(page, width)
    page.get_by_role("button", name="将选中的预警标记为已处理").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("main .alarm-handle-list li").count() == len(rest)
    page.fill("textarea[name=note]", BULK_NOTE)
    shoot(f"{prefix}-05-confirm-bulk")
    assert_fits(page, width)
    page.get_by_role("button", name="确认标记已处理").click()
    page.wait_for_load_state("networkidle")
    assert open_alarms(user) == []
    assert "辖区内暂无预警" in page.locator("main").inner_text()

    # The handled list names who handled each alarm and the notes.
    page.locator("select[name=status]").select_option("handled")
    page.get_by_role("button", name="筛选").click()
    page.wait_for_load_state("networkidle")
    handled_text = page.locator("main").inner_text()
    assert FIRST_NOTE in handled_text and BULK_NOTE in handled_text
    shoot(f"{prefix}-06-handled")
    assert_fits(page, width)
    notes = ModelLogEntry.objects.filter(action=alarm_services.HANDLE_ACTION)
    assert notes.count() == len(waiting)
    assert {entry.user_id for entry in notes} == {user.pk}
