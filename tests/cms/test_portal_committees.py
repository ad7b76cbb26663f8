"""The compound page shows the committee and, once published, the vetted candidate list,
without personal data or findings, within the public query budget."""

import pytest
from django.core.cache import cache

from committees.choices import FindingCategory, ReviewStatus
from committees.elections.services import elections as svc
from committees.elections.services.reviews import review_record
from committees.models import CandidateReview
from tests.cms.test_portal_performance import QUERY_BUDGET, queries_for
from tests.committees.committee_helpers import form_committee
from tests.committees.review_setup import build_vetting
from tests.committees.test_elections_services import TODAY, answer_all

pytestmark = pytest.mark.django_db


def publish(v):
    """Vet three candidates: one passes, one fails at the police check, one passes too."""
    svc.election_start_vetting(election=v.election, actor=v.street_staff, today=TODAY)
    passed, failed, *_others = v.candidates
    police = CandidateReview.objects.get(candidate=failed, department__kind="police")
    review_record(
        review=police,
        status=ReviewStatus.FAILED,
        category=FindingCategory.CRIMINAL,
        actor=v.police_reviewer,
    )
    for candidate in v.candidates:
        answer_all(v, candidate)
        svc.candidate_conclude(candidate=candidate, actor=v.street_staff)
    svc.election_publish_candidates(election=v.election, actor=v.street_staff)
    return passed, failed


def test_compound_page_shows_committee_and_published_candidates(client, tree, portal):
    compound = tree.compounds[0]
    committee = form_committee(tree, compound=compound, size=7, formal=3)
    v = build_vetting(tree, compound=compound)
    passed, failed = publish(v)
    cache.clear()
    html = client.get(f"/c/{compound.pk}/").content.decode()
    assert "业主委员会" in html
    members = committee.terms.get().members.all()
    for member in members:
        assert member.name in html
    assert "候选人名单公示" in html
    assert passed.name in html
    # A failed candidate and every finding stay private (DOMAIN §9).
    assert failed.name not in html
    assert str(FindingCategory.CRIMINAL.label) not in html
    assert "联审未通过" not in html
    for owner_id in [m.owner.id_number for m in members]:
        assert owner_id not in html


def test_committee_and_candidates_keep_the_query_budget(client, tree, portal):
    plain, busy = tree.compounds[1], tree.compounds[0]
    form_committee(tree, compound=busy, size=9, formal=4)
    publish(build_vetting(tree, compound=busy))
    without = queries_for(client, f"/c/{plain.pk}/")
    with_all = queries_for(client, f"/c/{busy.pk}/")
    assert without <= with_all <= QUERY_BUDGET


def test_compound_page_runs_no_sql_once_warm(
    client, settings, tree, portal, django_assert_num_queries
):
    """With the page cache off, a warm render takes the page's data from the cache keyed by
    the registry generation (cms.fragments) and its site from the site table (cms.sites):
    it runs no SQL at all."""
    from tests.cms.builders import make_full_compound

    settings.PORTAL_CACHE_SECONDS = 0
    compound = make_full_compound(region=tree.communities[0], name="热页小区", grids=2)
    form_committee(tree, compound=compound, size=7, formal=3)
    passed, _failed = publish(build_vetting(tree, compound=compound))
    url = f"/c/{compound.pk}/"
    client.get(url)
    with django_assert_num_queries(0):
        html = client.get(url).text
    assert "热页小区" in html and passed.name in html and "网格工作人员" in html
