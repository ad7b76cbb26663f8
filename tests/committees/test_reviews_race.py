"""Two reviewers of the same department answer the same review at once: the row lock in
the shared transition mechanism lets exactly one succeed (STYLE §2.4, DOMAIN §9)."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections

from committees.choices import FindingCategory, ReviewStatus
from committees.models import CandidateReview
from committees.services.elections import election_start_vetting
from committees.services.reviews import review_record
from common.transitions import InvalidTransition
from estates.models import DepartmentMembership
from tests.committees.review_setup import build_vetting, officer
from tests.factories import build_tree


@pytest.mark.django_db(transaction=True)
def test_only_one_of_two_concurrent_answers_wins():
    if connection.vendor != "postgresql":
        pytest.skip("SQLite serialises writers; the row-lock race runs in the PostgreSQL pass")
    v = build_vetting(build_tree())
    election_start_vetting(election=v.election, actor=v.street_staff)
    second = officer("department_reviewer", v.tree.county, "police_reviewer_2")
    DepartmentMembership.objects.create(user=second, department=v.departments["police"])
    review = CandidateReview.objects.filter(department__kind="police").first()

    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def answer(user, status, category):
        try:
            barrier.wait()
            review_record(
                review=CandidateReview.objects.get(pk=review.pk),
                status=status,
                category=category,
                actor=user,
            )
            outcomes.append("ok")
        except InvalidTransition:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=answer, args=(v.police_reviewer, ReviewStatus.PASSED, "")),
        threading.Thread(
            target=answer, args=(second, ReviewStatus.FAILED, FindingCategory.CRIMINAL)
        ),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["ok", "refused"]
    review.refresh_from_db()
    assert review.status in (ReviewStatus.PASSED, ReviewStatus.FAILED)
    from wagtail.models import ModelLogEntry

    assert ModelLogEntry.objects.for_instance(review).count() == 1
