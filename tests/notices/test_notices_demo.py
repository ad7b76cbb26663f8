"""The demo's notices (disclosures.notices.demo) go through the services and Wagtail's
moderation workflow: a committee member drafts and submits, a community officer returns or
approves, publication fingerprints each notice into its compound's chain; the disclosure
figures of ``governance_stats`` (DOMAIN 0.5: 579 disclosing compounds in 文山州) agree with
counts made another way and leave other prefectures out."""

from __future__ import annotations

import datetime
from collections import Counter
from io import StringIO
from itertools import pairwise

import pytest
from django.core.management import call_command
from django.utils import timezone
from wagtail.models import PageLogEntry, ReferenceIndex, TaskState, WorkflowState

from common.access import can
from common.jurisdiction import MANAGE, VIEW
from disclosures.notices import demo
from disclosures.notices.choices import Compliance
from disclosures.notices.fingerprints import verify_chain
from disclosures.notices.models import NoticeFingerprint, NoticePage
from disclosures.notices.permissions import DRAFT_PERM, REVIEW_PERM
from disclosures.notices.selectors.notices import notice_search
from disclosures.notices.selectors.schedule import compound_schedule
from disclosures.notices.stats import (
    disclosing_compounds_count,
    disclosures_overdue_count,
    disclosures_published_count,
)
from estates import services as estates_services
from estates.choices import RegionLevel
from estates.stats import governance_stats
from tests.factories import make_compound

from .conftest import draft, publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def outside(world):
    """A compound of another prefecture (红河州) with one published notice."""
    from estates.services import role_assign
    from tests.factories import make_user

    prefecture = estates_services.region_create(
        code="532500", name="红河哈尼族彝族自治州", short_name="红河州",
        level=RegionLevel.PREFECTURE, parent=world["tree"].province,
    )  # fmt: skip
    county = estates_services.region_create(
        code="532502", name="开远市", level=RegionLevel.COUNTY, parent=prefecture
    )
    street = estates_services.region_create(
        code="532502001", name="乐白道街道", level=RegionLevel.STREET, parent=county
    )
    community = estates_services.region_create(
        code="532502001001", name="东联社区", level=RegionLevel.COMMUNITY, parent=street
    )
    compound = make_compound(region=community, name="东联花园小区")
    drafter, officer = make_user("outside_chair"), make_user("outside_officer")
    role_assign(user=drafter, role="committee_member", target=compound)
    role_assign(user=officer, role="community_staff", target=community)
    there = {"compound": compound, "drafter": drafter, "officer": officer}
    publish(there, draft(there))
    return prefecture


@pytest.fixture
def seeded(world, outside):
    """All four compounds of the test prefecture disclose: the first has its 管理规约
    returned once, the second corrects its fund account, the third publishes a stale one."""
    wenshan = world["tree"].prefecture
    with demo.indexes_deferred():
        figures = demo.seed_notices(region=wenshan, today=timezone.localdate(), count=4)
    demo.indexes_update(NoticePage.objects.filter(compound__region_path__startswith=wenshan.path))
    return {**world, "wenshan": wenshan, "outside": outside, "figures": figures}


def wenshan_notices(seeded):
    return NoticePage.objects.filter(compound__region_path__startswith=seeded["wenshan"].path)


def actions(notice) -> Counter:
    return Counter(PageLogEntry.objects.filter(page=notice).values_list("action", flat=True))


def test_every_demo_notice_went_through_the_community_review(seeded):
    notices = list(wenshan_notices(seeded).select_related("compound", "compound__region"))
    # Three items for each of the four compounds and one correction.
    assert seeded["figures"] == {"compounds": 4, "published": 13}
    assert len(notices) == 13
    for notice in notices:
        assert notice.live and notice.first_published_at is not None
        assert notice.revisions.exists()
        # The drafter is a committee member of the compound (DOMAIN 5.1: the committee
        # publishes), the approver an officer of its community.
        assert can(notice.owner, DRAFT_PERM, notice.compound, level=VIEW)
        assert not notice.owner.is_superuser
        state = WorkflowState.objects.get(
            base_content_type__model="page", object_id=str(notice.pk), status="approved"
        )
        assert state.requested_by == notice.owner
        approved = TaskState.objects.get(workflow_state=state, status=TaskState.STATUS_APPROVED)
        assert approved.revision_id == notice.live_revision_id
        assert approved.finished_by != notice.owner
        assert can(approved.finished_by, REVIEW_PERM, notice.compound, level=MANAGE)
        logged = actions(notice)
        for action in ("wagtail.create", "wagtail.workflow.start", "wagtail.workflow.approve",
                       "wagtail.publish", "notices.notice.fingerprint"):  # fmt: skip
            assert logged[action] == 1, (notice.title, action)
    # Each compound's officer reviews only their own community's notices.
    assert len({n.compound.region_id for n in notices}) == 4


def test_a_returned_notice_keeps_both_verdicts(seeded):
    rejected = TaskState.objects.filter(status=TaskState.STATUS_REJECTED)
    assert rejected.count() == 1
    task_state = rejected.get()
    assert task_state.comment == demo.RETURN_REASON
    notice = NoticePage.objects.get(pk=task_state.workflow_state.object_id)
    assert notice.item.code == demo.COVENANT and notice.live
    logged = actions(notice)
    assert logged["wagtail.workflow.reject"] == 1
    assert logged["wagtail.workflow.resume"] == 1
    assert notice.revisions.count() == 2  # the draft and the revision resubmitted


def test_the_correction_supersedes_the_fund_account_and_both_stay_readable(seeded):
    correction = wenshan_notices(seeded).get(corrects__isnull=False)
    original = correction.corrects
    assert original.live and original.is_superseded
    assert correction.live and not correction.is_superseded
    assert correction.correction_note
    assert correction.item.code == original.item.code == demo.FUND
    expense = next(b for b in correction.body if b.block_type == "accounts").value
    before = next(b for b in original.body if b.block_type == "accounts").value
    assert before["total_expense"] - expense["total_expense"] == 1000
    assert expense["closing_balance"] - before["closing_balance"] == 1000


def test_the_fingerprint_chains_verify(seeded):
    out = StringIO()
    call_command("verify_notices", region=seeded["wenshan"].code, stdout=out)
    checked, broken = verify_chain(region_path=seeded["wenshan"].path)
    assert broken is None and checked == 13
    assert "13" in out.getvalue()
    # Per compound: sequences 1..n, each link naming the one before.
    for compound in seeded["tree"].compounds:
        rows = list(NoticeFingerprint.objects.filter(compound=compound).order_by("sequence"))
        assert [r.sequence for r in rows] == list(range(1, len(rows) + 1))
        assert all(b.previous_sha256 == a.sha256 for a, b in pairwise(rows))


def test_a_stale_fund_account_leaves_the_item_undone(seeded):
    today = timezone.localdate()
    fund_status = {}
    for compound in seeded["tree"].compounds:
        entry = next(
            e for e in compound_schedule(compound, today=today) if e.item.code == demo.FUND
        )
        fund_status[compound.pk] = entry.status
    stale = NoticePage.objects.get(
        compound__region_path__startswith=seeded["wenshan"].path,
        item__code=demo.FUND,
        period_ends_on=datetime.date(today.year - 2, 12, 31),
    )
    assert fund_status.pop(stale.compound_id) != Compliance.DONE
    assert set(fund_status.values()) == {Compliance.DONE}


def test_the_seeded_notices_are_found_by_search(seeded):
    found = list(notice_search("维修资金", region=seeded["wenshan"]))
    fund = wenshan_notices(seeded).filter(item__code=demo.FUND, is_superseded=False)
    assert {n.pk for n in found} >= {n.pk for n in fund}
    assert ReferenceIndex.objects.filter(object_id__in=[str(n.pk) for n in fund]).exists()


def test_figures_match_independent_counts_and_leave_other_regions_out(seeded):
    wenshan, outside = seeded["wenshan"], seeded["outside"]
    today = timezone.localdate()
    notices = list(wenshan_notices(seeded))
    overdue = sum(
        entry.status == Compliance.OVERDUE
        for compound in seeded["tree"].compounds
        for entry in compound_schedule(compound, today=today)
    )
    figures = governance_stats(wenshan)
    assert figures["disclosing_compounds"] == len({n.compound_id for n in notices}) == 4
    assert figures["disclosures_published"] == len(notices) == 13
    assert figures["disclosures_overdue"] == overdue > 0
    assert disclosing_compounds_count(outside) == 1
    assert disclosures_published_count(outside) == 1
    # The province counts both prefectures.
    province = seeded["tree"].province
    assert disclosing_compounds_count(province) == 5
    assert disclosures_published_count(province) == 14
    assert disclosures_overdue_count(province) >= overdue


def test_seed_demo_gives_its_share_once(capsys):
    """``seed_demo --compounds 12``: 579/873 of 12 compounds disclose (7); a second run
    adds nothing."""
    call_command("seed_demo", compounds=12)
    captured = capsys.readouterr()
    assert "公示" in captured.err
    assert "disclosing_compounds" in captured.out
    from estates.models import Region

    wenshan = Region.objects.get(code="532600")
    assert disclosing_compounds_count(wenshan) == 7
    published = disclosures_published_count(wenshan)
    assert published == 7 * 3 + 1
    assert verify_chain(region_path=wenshan.path) == (published, None)
    call_command("seed_demo", compounds=12)
    assert disclosures_published_count(wenshan) == published


def test_disclosing_compounds_are_spread_evenly_and_include_the_demo_logins():
    """DOMAIN 0.5: 579 of 873, the same ones every time; a compound to include takes the
    place of its nearest neighbour, the count unchanged."""
    from types import SimpleNamespace

    compounds = [SimpleNamespace(pk=pk) for pk in range(1, 874)]
    chosen = demo.disclosing(compounds, 579)
    assert len(chosen) == len({c.pk for c in chosen}) == 579
    assert chosen == demo.disclosing(compounds, 579)
    assert max(b.pk - a.pk for a, b in pairwise(chosen)) == 2
    assert compounds[2] not in chosen
    with_login = demo.disclosing(compounds, 579, include=[compounds[2]])
    assert len(with_login) == 579 and compounds[2] in with_login
    assert [c.pk for c in with_login] == sorted(c.pk for c in with_login)
    assert len(set(map(id, chosen)) ^ set(map(id, with_login))) == 2
    assert demo.disclosing(compounds[:5], 9) == compounds[:5]


@pytest.mark.parametrize(
    "today",
    [datetime.date(2026, 2, 10), datetime.date(2026, 4, 15), datetime.date(2026, 11, 30)],
)
def test_overdue_figure_is_one_query_and_agrees_with_the_schedule(
    world, today, django_assert_num_queries
):
    """DOMAIN 5.1, 5.4, 6.6: the figure counts what region_compliance lists as overdue,
    with regional overrides (a longer grace, an item switched off) and items published on
    change overdue for compounds registered long ago."""
    from disclosures.notices.models import DisclosureItem
    from disclosures.notices.selectors.schedule import region_compliance
    from estates.models import Compound

    tree = world["tree"]
    old = timezone.make_aware(datetime.datetime(2024, 5, 1, 9))
    Compound.objects.filter(pk__in=[c.pk for c in tree.compounds[:3]]).update(created_at=old)
    national = {i.code: i for i in DisclosureItem.objects.filter(region=None)}
    DisclosureItem.objects.create(
        region=tree.communities[1], code="rules-covenant", name="管理规约",
        frequency=national["rules-covenant"].frequency, publisher="committee", grace_days=2000,
    )  # fmt: skip
    DisclosureItem.objects.create(
        region=tree.streets[1], code="fund-use", name="专项维修资金", is_active=False,
        frequency=national["fund-use"].frequency, publisher="committee",
    )  # fmt: skip
    publish(world, draft(world))  # the 2025 fund account of the first compound
    publish(world, draft(world, code="rules-procedure", title="议事规则公示"))
    totals, _rows = region_compliance(tree.prefecture, today=today)
    with django_assert_num_queries(1):
        figure = disclosures_overdue_count(tree.prefecture, today=today)
    assert figure == totals[Compliance.OVERDUE]
    assert (
        disclosures_overdue_count(tree.streets[1], today=today)
        == (region_compliance(tree.streets[1], today=today)[0][Compliance.OVERDUE])
    )
