"""A street officer opens an election for a compound, nominates three owners with the
owner autocomplete, sends the list to the joint review, and once every department has
answered concludes and publishes the candidate notice after a confirmation; an owner then
reads the 公示 on the compound page (DOMAIN 2.4, 4.1, §9). At desktop and phone widths,
with screenshots under var/screenshots/."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.auth import get_user_model

from cms.setup import ensure_portal
from committees.choices import ElectionStatus, ReviewSource, ReviewStatus
from committees.elections.services.reviews import review_checks_configure, review_record
from committees.models import CandidateReview, Election
from estates.choices import DepartmentKind
from tests.committees.review_setup import department, officer, owner_in
from tests.factories import build_tree

pytestmark = pytest.mark.django_db(transaction=True)

OWNERS = ["李建国", "王秀英", "张卫东"]
WIDTHS = {"desktop": 1280, "phone": 375}


@pytest.fixture
def setting():
    tree = build_tree()
    ensure_portal()
    kinds = {DepartmentKind.POLICE: "文山市公安局", DepartmentKind.MARKET: "文山市市场监督管理局"}
    for kind, name in kinds.items():
        department(tree, kind, name)
    for check in review_checks_configure(region=tree.county):
        if check.department_kind not in kinds:
            check.is_active = False
            check.save()
    street = officer("street_staff", tree.streets[0], "kaihua_street")
    compound = tree.compounds[0]
    for name in OWNERS:
        owner_in(compound, name)
    owner_in(tree.compounds[1], "李建军")  # same street, another compound: never offered
    return tree, street, compound


def answer_every_review(election) -> None:
    """The departments answer (the reviewer's own screens have their own tests)."""
    clerk = get_user_model().objects.create_user(
        username="clerk", password="pw-12345678", is_superuser=True, is_staff=True
    )
    for review in CandidateReview.objects.filter(
        candidate__election=election, source=ReviewSource.DEPARTMENT
    ):
        review_record(review=review, status=ReviewStatus.PASSED, actor=clerk)


@pytest.mark.parametrize("size", list(WIDTHS))
def test_street_officer_runs_an_election_to_the_public_notice(
    setting, live_server, page, shoot, size
):
    _tree, _street, compound = setting
    page.set_viewport_size({"width": WIDTHS[size], "height": 900})
    prefix = f"30-election-{size}"

    page.goto(live_server.url + "/admin/login/")
    page.fill("#id_username", "kaihua_street")
    page.fill("#id_password", "pw-12345678")
    page.locator("button[type=submit], input[type=submit]").first.click()
    page.wait_for_load_state("networkidle")

    # Open the election: find the compound by a few characters of its name.
    page.goto(live_server.url + "/admin/reviews/elections/")
    page.get_by_role("link", name="组织选举").first.click()
    page.fill("#id_q", "开化第1")
    page.get_by_role("button", name="查找小区").click()
    page.get_by_role("link", name="为该小区组织选举").click()
    assert "首次选举" in page.locator("main").inner_text()
    page.fill("#id_started_on", "2026-03-02")
    shoot(f"{prefix}-01-open")
    page.get_by_role("button", name="组织选举并开始提名").click()
    page.wait_for_load_state("networkidle")
    election = Election.objects.get(compound=compound)
    assert election.status == ElectionStatus.NOMINATING

    # Nominate three owners with the autocomplete.
    for i, name in enumerate(OWNERS):
        page.get_by_role("link", name="提名候选人").first.click()
        box = page.locator("#id_owner_query")
        box.fill(name[:2])
        option = page.locator(".owner-option", has_text=name)
        option.wait_for()
        options_text = page.locator("#owner-options").inner_text()
        assert "李建军" not in options_text  # another compound's owner is never offered
        if i == 0:
            shoot(f"{prefix}-02-autocomplete")
        option.click()
        assert page.input_value("#id_owner") != ""
        page.select_option("#id_position_sought", "chair" if i == 0 else "member")
        page.get_by_role("button", name="提名", exact=True).click()
        page.wait_for_load_state("networkidle")
        assert f"已提名“{name}”为候选人" in page.locator("body").inner_text()
    shoot(f"{prefix}-03-nominated")

    # Send to the joint review, after a confirmation.
    page.get_by_role("link", name="提交资格联审").click()
    shoot(f"{prefix}-04-confirm-vetting")
    page.get_by_role("button", name="确认提交资格联审").click()
    page.wait_for_load_state("networkidle")
    election.refresh_from_db()
    assert election.status == ElectionStatus.VETTING
    assert page.get_by_role("link", name="提名候选人").count() == 0

    answer_every_review(election)
    page.reload()
    page.get_by_role("link", name="作出联审结论").click()
    page.get_by_role("button", name="确认作出联审结论").click()
    page.wait_for_load_state("networkidle")

    # Publish: the confirmation asks for the notice and says it cannot be taken back.
    page.get_by_role("link", name="公示候选人").click()
    assert "不能撤回" in page.locator("main").inner_text()
    today = datetime.date.today()
    page.fill("#id_notice_from", today.isoformat())
    page.fill("#id_notice_until", (today + datetime.timedelta(days=7)).isoformat())
    page.fill("#id_objection_until", (today + datetime.timedelta(days=7)).isoformat())
    page.fill("#id_planned_on", (today + datetime.timedelta(days=20)).isoformat())
    page.fill("#id_issued_by", "开化街道党工委")
    page.fill("#id_objection_place", "开化第1社区党群服务中心")
    page.fill("#id_objection_phone", "0876-2123456")
    shoot(f"{prefix}-05-confirm-publish")
    page.get_by_role("button", name="确认公示候选人").click()
    page.wait_for_load_state("networkidle")
    election.refresh_from_db()
    assert election.status == ElectionStatus.PUBLISHED
    body = page.locator("main").inner_text()
    assert "业主大会投票决定" in body
    shoot(f"{prefix}-06-published")
    if size == "phone":
        # No control off-screen at 375 px.
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= WIDTHS[size] + 1, width

    # An owner reads the notice on the compound page.
    page.goto(f"{live_server.url}/c/{compound.pk}/")
    notice = page.locator(".candidate-notice").inner_text()
    for text in (
        "候选人名单公示",
        "应选人数",
        "开化街道党工委",
        "开化第1社区党群服务中心",
        *OWNERS,
    ):
        assert text in notice
    page.locator(".candidate-notice").scroll_into_view_if_needed()
    shoot(f"{prefix}-07-public-notice")
