"""A committee member drafts a disclosure of a catalogue item and sends it to the community
review; the compound's community officer approves it in Wagtail's admin, which publishes it
and fingerprints it; an owner on a 375 px phone finds it in the compound's notice list,
reads it, sees its fingerprint and downloads its PDF (issue 10, DOMAIN 5.1, 6.6). Both
public pages pass axe-core WCAG 2.1 AA; screenshots at 1280 and 375 px under
var/screenshots/."""

from __future__ import annotations

import datetime
import re
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.cache import cache
from django.utils import timezone

from cms.setup import ensure_portal
from disclosures.notices.catalogue_defaults import DEFAULT_ITEMS
from disclosures.notices.models import DisclosureItem, NoticeFingerprint, NoticePage
from disclosures.notices.services.notices import notice_draft
from estates.services import role_assign
from tests.factories import build_tree, make_user

pytestmark = pytest.mark.django_db(transaction=True)

TITLE = "2025年度专项维修资金使用公示"
WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture(autouse=True)
def _media(tmp_path, settings):
    settings.PRIVATE_ROOT = tmp_path / "private"
    settings.MEDIA_ROOT = tmp_path / "media"
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def setting():
    tree = build_tree()
    ensure_portal()
    compound = tree.compounds[0]
    chair = make_user("yang_chair", is_staff=True)
    role_assign(user=chair, role="committee_member", target=compound)
    officer = make_user("kaihua_officer", is_staff=True)
    role_assign(user=officer, role="community_staff", target=tree.communities[0])
    return compound, chair, officer


def log_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "pw-12345678")
    page.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def draft_fund_use(compound, chair) -> NoticePage:
    """The draft itself goes through the service: filling a StreamField with an accounts
    table block by block in Wagtail's editor is too brittle to drive in a browser; the
    admin's edit form is opened and submitted by the committee member below."""
    rows = [
        {"side": "income", "item": "上年结转利息", "amount": Decimal("1200.50"), "note": ""},
        {"side": "income", "item": "业主续筹", "amount": Decimal("30000.00"), "note": ""},
        {"side": "expense", "item": "2栋电梯更换钢丝绳", "amount": Decimal("18600.00"),
         "note": "经业主大会表决同意"},
    ]  # fmt: skip
    accounts = {
        "title": "2025年度专项维修资金收支",
        "opening_balance": Decimal("52000.00"),
        "rows": rows,
        "total_income": Decimal("31200.50"),
        "total_expense": Decimal("18600.00"),
        "closing_balance": Decimal("64600.50"),
    }
    return notice_draft(
        actor=chair,
        compound=compound,
        item=fund_use_item(),
        title=TITLE,
        issuer=f"{compound.name}业主委员会",
        body=[("text", "<p>现将本年度专项维修资金使用情况公示如下。</p>"), ("accounts", accounts)],
        notice_starts_on=timezone.localdate(),
        period_starts_on=datetime.date(2025, 1, 1),
        period_ends_on=datetime.date(2025, 12, 31),
        document_number="业委会〔2026〕3号",
    )


def fund_use_item() -> DisclosureItem:
    """The national default item. A browser test's database is flushed after each test,
    data migrations included, so an earlier browser test may have removed it."""
    code, name, frequency, publisher, grace, basis = next(
        row for row in DEFAULT_ITEMS if row[0] == "fund-use"
    )
    item, _created = DisclosureItem.objects.get_or_create(
        region=None,
        code=code,
        defaults={
            "name": name,
            "frequency": frequency,
            "publisher": publisher,
            "grace_days": grace,
            "basis": basis,
        },
    )
    return item


def assert_no_axe_violations(axe_violations) -> None:
    violations = axe_violations()
    assert violations == [], violations


def assert_fits(page, width: int) -> None:
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, scroll


def test_committee_drafts_officer_publishes_owner_reads_on_a_phone(
    setting, live_server, page, shoot, axe_violations
):
    compound, chair, officer = setting
    page.set_viewport_size({"width": WIDTHS["desktop"], "height": 900})

    # The committee member opens the draft in the admin and submits it for review.
    notice = draft_fund_use(compound, chair)
    log_in(page, live_server, "yang_chair")
    page.goto(f"{live_server.url}/admin/pages/{notice.pk}/edit/")
    assert page.input_value("#id_title") == TITLE
    shoot("50-notice-desktop-01-draft")
    # Wagtail keeps "submit to review" in the footer's dropdown: click it as the menu would.
    with page.expect_navigation():
        page.locator('button[name="action-submit"]').evaluate("b => b.click()")
    page.wait_for_load_state("networkidle")
    assert "已经提交进行审核" in page.locator(".messages").inner_text()
    # ... and lands on the compound's notices and schedule, not on Wagtail's explorer.
    assert "/admin/notices/compliance/" in page.url
    assert TITLE in page.locator("main").inner_text()
    shoot("50-notice-desktop-02-submitted")
    notice = NoticePage.objects.get(pk=notice.pk)
    assert notice.workflow_in_progress
    assert not notice.live

    # The community officer opens the notice in the editor to review it, where Wagtail
    # offers the community-review task's approve action, and approves it from the
    # editor's footer: Wagtail saves the reviewer's form as a revision, then publishes it.
    log_in(page, live_server, "kaihua_officer")
    page.goto(f"{live_server.url}/admin/pages/{notice.pk}/edit/")
    assert page.input_value("#id_title") == TITLE
    approve = page.locator('button[data-workflow-action-name="approve"]')
    assert approve.count() == 2
    shoot("50-notice-desktop-03-review")
    with page.expect_navigation():
        approve.first.evaluate("b => b.click()")
    page.wait_for_load_state("networkidle")
    assert "/admin/notices/compliance/" in page.url
    shoot("50-notice-desktop-03-approved")
    notice = NoticePage.objects.get(pk=notice.pk)
    assert notice.live
    assert notice.live_revision.user == officer
    fingerprint = NoticeFingerprint.objects.get(page=notice)
    board = notice.get_parent()

    page.context.clear_cookies()
    for size in ("desktop", "phone"):
        width = WIDTHS[size]
        page.set_viewport_size({"width": width, "height": 900 if size == "desktop" else 800})
        prefix = f"50-notice-{size}"

        # The owner opens the compound's notice list and finds the notice there.
        page.goto(live_server.url + board.url)
        assert f"{compound.name}信息公示" in page.locator("h1").inner_text()
        link = page.get_by_role("link", name=TITLE)
        assert link.count() == 1
        assert "公示中" in page.locator(".notice-list").inner_text()
        shoot(f"{prefix}-04-list")
        assert_no_axe_violations(axe_violations)
        assert_fits(page, width)

        # ... reads it, with the accounts and the fingerprint ...
        link.click()
        page.wait_for_load_state("networkidle")
        main = page.locator("main").inner_text()
        for text in (TITLE, "业委会〔2026〕3号", "2栋电梯更换钢丝绳", "公示中", "防篡改指纹"):
            assert text in main, text
        hashes = page.locator(".fingerprint code.hash").all_inner_texts()
        assert fingerprint.sha256 in hashes
        assert fingerprint.content_sha256 in hashes
        shoot(f"{prefix}-05-detail")
        assert_no_axe_violations(axe_violations)
        assert_fits(page, width)

        # ... and downloads its PDF, which prints the title and the same fingerprint.
        pdf_link = page.get_by_role("link", name="下载PDF")
        assert pdf_link.count() == 1
        with page.expect_download() as download:
            pdf_link.click()
        pdf = Path(download.value.path())
        assert pdf.read_bytes().startswith(b"%PDF")
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, check=True)
        joined = re.sub(r"\s+", "", text.stdout.decode())
        assert TITLE in joined
        assert fingerprint.sha256 in joined
