"""A department reviewer on the road answers the joint review from a phone (DOMAIN §9):
logs in at 375 px, sees the pending reviews on the admin home, opens the queue, passes
one candidate and fails another with a reason category, and sees both recorded. Every
control stays on screen and no column shrinks to a character or two. Screenshots under
var/screenshots/ (40-reviewer-*)."""

from __future__ import annotations

import pytest

from committees.choices import FindingCategory, ReviewStatus
from committees.elections.services import elections as svc
from committees.models import CandidateReview
from tests.committees.review_setup import build_vetting
from tests.factories import build_tree

pytestmark = pytest.mark.django_db(transaction=True)

PHONE = 375
PREFIX = "40-reviewer"
CONTROLS = "button, select, input:not([type=hidden]), a.button, [role=button]"

# Controls the user can see whose box pokes out of the viewport left or right.
OFF_SCREEN_JS = """(width) => {
    const out = [];
    for (const el of document.querySelectorAll(arguments_selector)) {
        const style = getComputedStyle(el);
        if (style.visibility === 'hidden' || style.display === 'none') continue;
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (el.closest('[hidden], [aria-hidden=true], .w-sr-only')) continue;
        if (r.left < -1 || r.right > width + 1) {
            out.push(`${el.tagName} "${(el.innerText || el.name || '').trim().slice(0, 20)}" ${Math.round(r.left)}..${Math.round(r.right)}`);
        }
    }
    return out;
}"""

# Visible table cells narrower than about two characters of their own font.
NARROW_COLUMNS_JS = """() => {
    const out = [];
    for (const cell of document.querySelectorAll('main table th, main table td')) {
        const r = cell.getBoundingClientRect();
        if (r.width === 0 || r.height === 0) continue;
        if (!cell.innerText.trim()) continue;
        const style = getComputedStyle(cell);
        const inner = r.width - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
        if (inner < 2 * parseFloat(style.fontSize) - 1) {
            out.push(`${cell.tagName} "${cell.innerText.trim().slice(0, 12)}" ${Math.round(inner)}px`);
        }
    }
    return out;
}"""


@pytest.fixture
def vetting():
    """Three candidates of 阳光花园小区 in the joint review; the police reviewer has three
    pending answers to give."""
    v = build_vetting(build_tree())
    svc.election_start_vetting(election=v.election, actor=v.street_staff)
    return v


def assert_fits_the_phone(page) -> None:
    off = page.evaluate(OFF_SCREEN_JS.replace("arguments_selector", repr(CONTROLS)), PHONE)
    assert off == [], off
    narrow = page.evaluate(NARROW_COLUMNS_JS)
    assert narrow == [], narrow
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= PHONE + 1, width


def test_reviewer_answers_on_a_phone(vetting, live_server, page, shoot):
    page.set_viewport_size({"width": PHONE, "height": 800})
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "police_reviewer")
    page.fill("#id_password", "pw-12345678")
    shoot(f"{PREFIX}-01-login")
    assert_fits_the_phone(page)
    page.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    # The admin home shows the duty card: three candidates waiting, with the due date.
    card = page.locator('[data-duty="committees.reviews_pending"]')
    card.wait_for()
    card_text = card.inner_text()
    assert "待审候选人" in card_text
    assert "3" in card.locator(".duty-panel__count").inner_text()
    assert "到期" in card_text
    shoot(f"{PREFIX}-02-home")
    assert_fits_the_phone(page)

    # Open the queue from the card.
    card.locator("a").click()
    page.wait_for_load_state("networkidle")
    main = page.locator("main")
    for name in ("李建国", "王秀英", "张卫东"):
        assert name in main.inner_text()
    shoot(f"{PREFIX}-03-queue")
    assert_fits_the_phone(page)

    # Pass 李建国.
    row = page.locator("main tbody tr", has_text="李建国")
    row.locator("select[name=status]").select_option(ReviewStatus.PASSED.value)
    row.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    assert "已记录“李建国”的审查意见" in page.locator("body").inner_text()
    assert_fits_the_phone(page)

    # Fail 王秀英 with a reason category.
    row = page.locator("main tbody tr", has_text="王秀英")
    row.locator("select[name=status]").select_option(ReviewStatus.FAILED.value)
    row.locator("select[name=category]").select_option(FindingCategory.CULT_OR_GANG.value)
    shoot(f"{PREFIX}-04-answering")
    row.get_by_role("button", name="提交").click()
    page.wait_for_load_state("networkidle")
    assert "已记录“王秀英”的审查意见" in page.locator("body").inner_text()

    # Both answers are shown in the queue and stored.
    passed_row = page.locator("main tbody tr", has_text="李建国").inner_text()
    failed_row = page.locator("main tbody tr", has_text="王秀英").inner_text()
    assert "通过" in passed_row
    assert "不通过" in failed_row and "邪教或涉黑涉恶" in failed_row
    assert page.locator("main tbody tr", has_text="张卫东").locator("select").count() == 2
    # The police see a full ID number only while their answer is pending.
    passed_id = vetting.candidates[0].owner.id_number
    assert passed_id not in passed_row and passed_id[-4:] in passed_row
    shoot(f"{PREFIX}-05-recorded")
    assert_fits_the_phone(page)

    police = CandidateReview.objects.filter(
        candidate__election=vetting.election, department__kind="police"
    )
    answers = {r.candidate.name: (r.status, r.category) for r in police}
    assert answers["李建国"] == (ReviewStatus.PASSED, "")
    assert answers["王秀英"] == (ReviewStatus.FAILED, FindingCategory.CULT_OR_GANG)
    assert answers["张卫东"][0] == ReviewStatus.PENDING
