"""Two reviewers of the same department answer the same review at once: exactly one answer
wins and the other gets the workflow's clear refusal, on PostgreSQL (the row lock in the
shared transition mechanism, STYLE §2.4) and on SQLite, the default database (every
transaction takes the write lock when it begins, so the second waits and then sees the
first's answer), never "database is locked" or a server error (DOMAIN §9)."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connection, connections
from django.test import Client
from wagtail.models import ModelLogEntry

from committees.choices import FindingCategory, ReviewStatus
from committees.elections.services.elections import election_start_vetting
from committees.elections.services.reviews import review_record
from committees.models import CandidateReview
from common.transitions import InvalidTransition
from estates.models import DepartmentMembership
from tests.committees.review_setup import build_vetting, officer
from tests.factories import build_tree

pytestmark = pytest.mark.django_db(transaction=True)

ROUNDS = 3


def test_the_test_database_takes_two_connections():
    """SQLite's shared in-memory test database cannot race two writers (it answers
    "database table is locked"): the test settings give it a file."""
    assert connection.vendor == "postgresql" or not connection.is_in_memory_db()


@pytest.fixture
def race():
    v = build_vetting(build_tree())
    election_start_vetting(election=v.election, actor=v.street_staff)
    second = officer("department_reviewer", v.tree.county, "police_reviewer_2")
    DepartmentMembership.objects.create(user=second, department=v.departments["police"])
    reviews = list(CandidateReview.objects.filter(department__kind="police").order_by("pk"))
    return v, second, reviews


def run_together(*calls: Callable[[], str]) -> list[str]:
    """Run the calls on their own threads (own connections), released at one instant."""
    barrier = threading.Barrier(len(calls))
    outcomes: list[str] = []

    def run(call):
        try:
            barrier.wait()
            outcomes.append(call())
        except Exception as error:  # noqa: BLE001 - the test reports what went wrong
            outcomes.append(f"error: {type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(call,)) for call in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return sorted(outcomes)


def test_only_one_of_two_concurrent_answers_wins(race):
    v, second, reviews = race

    def answer(user, review, status, category):
        def call():
            try:
                review_record(
                    review=CandidateReview.objects.get(pk=review.pk),
                    status=status,
                    category=category,
                    actor=user,
                )
            except InvalidTransition as error:
                assert "不能执行" in " ".join(error.messages)
                return "refused"
            return "ok"

        return call

    # Several rounds: a lucky interleaving must not hide a lock failure.
    for review in reviews[:ROUNDS]:
        outcomes = run_together(
            answer(v.police_reviewer, review, ReviewStatus.PASSED, ""),
            answer(second, review, ReviewStatus.FAILED, FindingCategory.CRIMINAL),
        )
        assert outcomes == ["ok", "refused"]
        review.refresh_from_db()
        assert review.status in (ReviewStatus.PASSED, ReviewStatus.FAILED)
        assert ModelLogEntry.objects.for_instance(review).count() == 1


def test_two_concurrent_api_answers_give_one_success_and_one_conflict(race):
    v, second, reviews = race
    clients = []
    for user in (v.police_reviewer, second):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)

    def post(client, review, body):
        def call():
            response = client.post(
                f"/api/registry/reviews/{review.pk}/record",
                body,
                content_type="application/json",
            )
            if response.status_code == 409:
                assert "不能执行" in response.json()["detail"]
            return str(response.status_code)

        return call

    for review in reviews[:ROUNDS]:
        outcomes = run_together(
            post(clients[0], review, {"status": "passed"}),
            post(clients[1], review, {"status": "failed", "category": FindingCategory.CRIMINAL}),
        )
        assert outcomes == ["200", "409"]
        assert ModelLogEntry.objects.for_instance(review).count() == 1
