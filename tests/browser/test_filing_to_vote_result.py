"""From a major-decision filing to the published vote result (DOMAIN §0.5, §1, §11): a
committee member drafts and submits a filing; the community officer reviews it on a phone
and approves it; the street accepts it and issues the receipt number; once the notice days
have passed the committee opens the vote, imports the ballots from a CSV, a second member
confirms the batch, the vote is counted and the result published; an owner objects, the
objection is answered, the final result is published and the compound's public page shows
it. At desktop and phone widths, with screenshots under var/screenshots/.

Where no screen exists the step says so: the CSV import goes through the votes API (the
admin has no upload), and the passing of days is a shift of the stored dates, as the guards
compare them with today.
"""

from __future__ import annotations

import datetime

import pytest
from django.core.cache import cache
from django.utils import timezone

from cms.caching import registry_changed
from cms.setup import ensure_portal
from disclosures.filings.choices import FilingStatus
from disclosures.filings.models import Filing
from disclosures.votes.choices import PublicationStage, VoteStatus
from disclosures.votes.models import Ballot, Objection, Vote
from tests.browser.layout import controls_off_screen, cramped_cells
from tests.committees.committee_helpers import form_committee
from tests.estates.admin_helpers import officer
from tests.factories import build_tree

pytestmark = pytest.mark.django_db(transaction=True)

WIDTHS = {"desktop": 1280, "phone": 375}
PHONE = 375
TITLE = "选聘新的物业服务企业"
PASSWORD = "pw-12345678"


@pytest.fixture
def setting():
    cache.clear()
    tree = build_tree()
    ensure_portal()
    compound = tree.compounds[0]
    committee = form_committee(tree, compound=compound)
    officer("committee_member", compound, "wyh_chen")
    officer("committee_member", compound, "wyh_li")  # the second pair of eyes
    officer("community_staff", tree.communities[0], "sq_zhao")
    officer("street_staff", tree.streets[0], "jd_wang")
    yield tree, compound, committee
    cache.clear()


def sign_in(page, live_server, username: str) -> None:
    page.context.clear_cookies()
    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")


def confirm(page, link: str, button: str) -> None:
    page.get_by_role("link", name=link, exact=True).first.click()
    page.get_by_role("button", name=button).click()
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("size", list(WIDTHS))
def test_a_filing_becomes_a_published_vote_result(setting, live_server, page, shoot, size):
    _tree, compound, committee = setting
    width = WIDTHS[size]
    page.set_viewport_size({"width": width, "height": 900})
    prefix = f"60-filing-{size}"
    today = timezone.localdate()

    # 1. A committee member drafts the filing and submits it.
    sign_in(page, live_server, "wyh_chen")
    page.goto(live_server.url + "/admin/filings/filing/draft/")
    page.select_option("#id_committee", str(committee.pk))
    page.select_option("#id_matter_type", "hire_company")
    page.fill("#id_title", TITLE)
    page.fill("#id_proposal", "公开招标选聘物业服务企业，合同期三年。")
    page.fill("#id_planned_vote_on", (today + datetime.timedelta(days=40)).isoformat())
    page.select_option("#id_scope_kind", "compound")
    shoot(f"{prefix}-01-draft")
    page.get_by_role("button", name="保存草稿").click()
    page.wait_for_load_state("networkidle")
    filing = Filing.objects.get(title=TITLE)
    assert filing.status == FilingStatus.DRAFT
    confirm(page, "提交报备", "确认提交报备")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.SUBMITTED

    # 2. The community officer, on a phone, works the review queue and approves.
    sign_in(page, live_server, "sq_zhao")
    page.set_viewport_size({"width": PHONE, "height": 800})
    # From the dashboard's panel to the review queue.
    page.goto(live_server.url + "/admin/")
    page.get_by_role("link", name="1 待审核", exact=True).click()
    page.wait_for_load_state("networkidle")
    queue = page.locator("main").inner_text()
    assert TITLE in queue and compound.name in queue
    assert controls_off_screen(page, PHONE) == []
    shoot(f"{prefix}-02-queue-375")
    page.get_by_role("link", name=TITLE).first.click()
    page.wait_for_load_state("networkidle")
    assert "公开招标选聘物业服务企业" in page.locator("main").inner_text()
    assert controls_off_screen(page, PHONE) == []
    shoot(f"{prefix}-03-review-375")
    page.get_by_role("link", name="社区同意", exact=True).first.click()
    page.wait_for_load_state("networkidle")
    assert controls_off_screen(page, PHONE) == []
    page.get_by_role("button", name="确认社区同意").click()
    page.wait_for_load_state("networkidle")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    page.set_viewport_size({"width": width, "height": 900})

    # 3. The street accepts it and the receipt number is shown.
    sign_in(page, live_server, "jd_wang")
    page.goto(f"{live_server.url}/admin/filings/filing/inspect/{filing.pk}/")
    confirm(page, "街道接收并出具回执", "确认街道接收并出具回执")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.ACCEPTED and filing.receipt_number
    page.goto(f"{live_server.url}/admin/filings/filing/inspect/{filing.pk}/")
    assert filing.receipt_number in page.locator("main").inner_text()
    shoot(f"{prefix}-04-receipt")

    # The notice days pass (DOMAIN 11.2, 15 by default): the vote may open no earlier
    # than that after acceptance, and the guard compares with today, so the stored
    # acceptance date moves back.
    Filing.objects.filter(pk=filing.pk).update(accepted_on=today - datetime.timedelta(days=20))

    # 4. The committee starts and opens the vote.
    sign_in(page, live_server, "wyh_chen")
    page.goto(live_server.url + "/admin/votes/vote/start/")
    page.select_option("#id_filing", str(filing.pk))
    page.fill("#id_starts_on", today.isoformat())
    page.fill("#id_ends_on", (today + datetime.timedelta(days=7)).isoformat())
    page.get_by_role("button", name="创建表决").click()
    page.wait_for_load_state("networkidle")
    vote = Vote.objects.get(filing=filing)
    confirm(page, "开启表决", "确认开启表决")
    vote.refresh_from_db()
    assert vote.status == VoteStatus.OPEN
    units = list(vote.electorate.order_by("building_name", "entrance", "room"))
    assert vote.electorate_heads == len(units) > 3

    # 5. Ballots from a CSV. The admin has no upload yet, so the member's browser posts
    # the file to the votes API with its own session (and CSRF token).
    # Every unit returned its ballot: all agree but the last one.
    rows = [f"{u.building_name},{u.entrance},{u.room},同意" for u in units[:-1]]
    rows.append(f"{units[-1].building_name},{units[-1].entrance},{units[-1].room},反对")
    csv = "\n".join(["楼栋,单元,房号,表决意见", *rows]) + "\n"
    csrf = next(c["value"] for c in page.context.cookies() if c["name"] == "csrftoken")
    answer = page.request.post(
        f"{live_server.url}/api/registry/votes/{vote.pk}/ballots/import",
        multipart={"file": {"name": "ballots.csv", "mimeType": "text/csv", "buffer": csv.encode()}},
        headers={"X-CSRFToken": csrf, "Referer": live_server.url + "/admin/"},
    )
    assert answer.status == 201, answer.text()
    assert answer.json() == {"imported": len(units)}
    page.goto(f"{live_server.url}/admin/votes/vote/inspect/{vote.pk}/")
    assert "待第二人复核" in page.locator("main").inner_text()
    shoot(f"{prefix}-05-imported")

    # 6. Four eyes: a second member confirms the batch.
    sign_in(page, live_server, "wyh_li")
    page.goto(f"{live_server.url}/admin/votes/vote/inspect/{vote.pk}/")
    confirm(page, "复核", "核对无误，确认计入")
    batch = Ballot.objects.filter(vote=vote).first().batch
    assert batch.confirmed_by.username == "wyh_li"

    # 7. The vote is closed, counted and its notice and preliminary result published.
    page.goto(f"{live_server.url}/admin/votes/vote/inspect/{vote.pk}/")
    for verb in ("截止表决", "计票", "发布表决公告", "公布初步结果"):
        confirm(page, verb, f"确认{verb}")
    vote.refresh_from_db()
    assert vote.status == VoteStatus.COUNTED
    assert vote.publication == PublicationStage.PRELIMINARY
    assert vote.result["decision"] == "通过"  # 6 of 7 agree on both measures (DOMAIN 1.4)
    shoot(f"{prefix}-06-preliminary")

    # 8. An owner objects in the window; the committee records and answers it.
    page.get_by_role("link", name="登记异议").click()
    page.fill("#id_lodged_by_name", f"{units[0].room}室业主")
    page.fill("#id_content", "本户表决票是否按“同意”计入？")
    page.get_by_role("button", name="登记异议").click()
    page.wait_for_load_state("networkidle")
    objection = Objection.objects.get(vote=vote)
    page.get_by_role("link", name="答复异议").click()
    page.fill("#id_answer", f"经核对，{units[0].room}室表决票已按“同意”计入。")
    page.get_by_role("button", name="答复异议").click()
    page.wait_for_load_state("networkidle")
    objection.refresh_from_db()
    assert objection.status == "answered"
    assert "已按“同意”计入" in page.locator("main").inner_text()

    # The objection window passes (7 days by default, DOMAIN 1.10): its stored end moves
    # back, since the final stage's guard compares it with today.
    Vote.objects.filter(pk=vote.pk).update(objections_until=today - datetime.timedelta(days=1))
    page.reload()
    confirm(page, "公布最终结果", "确认公布最终结果")
    vote.refresh_from_db()
    assert vote.publication == PublicationStage.FINAL
    shoot(f"{prefix}-07-final")
    if size == "phone":
        assert controls_off_screen(page, PHONE) == []
    # The result's figures stay readable: on a phone each check is a card of labelled lines.
    assert cramped_cells(page) == []

    # 9. Anyone reads the final result on the compound's public page.
    page.context.clear_cookies()
    registry_changed()
    page.goto(f"{live_server.url}/c/{compound.pk}/")
    section = page.locator(".vote-stages")
    text = section.inner_text()
    for expected in ("最终表决结果", TITLE, vote.result["decision"], "收到异议 1 件，已答复 1 件"):
        assert expected in text, expected
    section.scroll_into_view_if_needed()
    shoot(f"{prefix}-08-public")
    if size == "phone":
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= PHONE + 1, scroll
