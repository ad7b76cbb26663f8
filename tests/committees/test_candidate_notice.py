"""The public candidate notice (候选人公示) on the compound page: which election, how many
seats, the notice period with its dates, the planned election date, the issuing body and
where and until when an objection can be lodged, with the vetted names only (DOMAIN 2.4,
§9); within the compound page's query budget."""

from __future__ import annotations

import pytest
from django.core.cache import cache

from committees.elections.selectors.elections import candidate_notice_for
from committees.elections.services import elections as svc
from tests.cms.test_portal_performance import QUERY_BUDGET, queries_for
from tests.committees.election_flow import notice_data, vet_all
from tests.committees.review_setup import build_vetting

pytestmark = pytest.mark.django_db


@pytest.fixture
def portal(db):
    from cms.setup import ensure_portal

    cache.clear()
    yield ensure_portal()
    cache.clear()


def publish(v, **overrides):
    vet_all(v)
    svc.election_publish_candidates(
        election=v.election,
        actor=v.street_staff,
        notice=svc.CandidateNotice(**notice_data(**overrides)),
    )


def page(client, compound) -> str:
    cache.clear()
    return client.get(f"/c/{compound.pk}/").content.decode()


def test_the_notice_says_what_owners_need_to_know(client, tree, portal):
    v = build_vetting(tree)
    publish(v)
    html = page(client, v.election.compound)
    assert "候选人名单公示" in html
    assert "开化第1社区阳光花园小区第1届业主委员会选举" in html
    assert "应选人数" in html and "5\u00a0人" in html
    # The notice period, the election date and the objection deadline, as dates.
    assert "2026年3月20日" in html and "2026年3月27日" in html
    assert "计划选举日期" in html and "2026年4月9日" in html
    assert "开化街道党工委" in html
    assert "开化社区党群服务中心二楼" in html and "0876-2123456" in html
    assert "业主对候选人有异议的" in html
    for candidate in v.candidates:
        assert candidate.name in html
    for owner_id in [c.owner.id_number for c in v.candidates]:
        assert owner_id not in html


def test_nothing_is_shown_before_publication_or_after_cancelling(client, tree, portal):
    v = build_vetting(tree)
    vet_all(v)
    assert "候选人名单公示" not in page(client, v.election.compound)
    svc.election_publish_candidates(
        election=v.election,
        actor=v.street_staff,
        notice=svc.CandidateNotice(**notice_data()),
    )
    assert "候选人名单公示" in page(client, v.election.compound)
    svc.election_cancel(election=v.election, actor=v.street_staff, reason="重新组织")
    assert "候选人名单公示" not in page(client, v.election.compound)


def test_the_notice_is_read_in_one_query(tree, django_assert_num_queries):
    v = build_vetting(tree)
    publish(v)
    with django_assert_num_queries(1):
        notice = candidate_notice_for(v.election.compound)
    assert notice.seats == 5 and notice.issued_by == "开化街道党工委"
    assert notice.candidates[0].name == "李建国"  # the chair first


def test_the_notice_keeps_the_compound_pages_query_budget(client, tree, portal):
    plain = tree.compounds[1]
    v = build_vetting(tree)
    publish(v)
    without = queries_for(client, f"/c/{plain.pk}/")
    with_notice = queries_for(client, f"/c/{v.election.compound.pk}/")
    assert with_notice <= without + 1
    assert with_notice <= QUERY_BUDGET
