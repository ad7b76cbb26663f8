"""Two officers publish one candidate list at once: exactly one publication wins, the other
gets the workflow's clear refusal, and the notice and audit log hold the winner's alone
(nothing half-saved), in the services and through the API, on SQLite (the default test
database, a file) and on PostgreSQL (scripts/with-postgres): the row lock of the shared
transition mechanism (STYLE §2.4)."""

from __future__ import annotations

import pytest
from django.test import Client
from wagtail.models import ModelLogEntry

from committees.choices import ElectionStatus
from committees.elections.services.elections import CandidateNotice, election_publish_candidates
from committees.models import Election
from common.transitions import InvalidTransition
from tests.committees.election_flow import as_post, notice_data, vet_all
from tests.committees.review_setup import build_vetting, officer
from tests.committees.test_reviews_race import run_together
from tests.factories import build_tree

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def race():
    v = build_vetting(build_tree())
    vet_all(v)
    second = officer("street_staff", v.tree.streets[0], "kaihua_street_2")
    return v, second


def published_by(election) -> list:
    return list(
        ModelLogEntry.objects.for_instance(election)
        .filter(action="committees.election.publish")
        .values_list("user__username", flat=True)
    )


def test_two_officers_publishing_at_once_one_wins(race):
    v, second = race

    def publish(user, issued_by):
        def call():
            try:
                election_publish_candidates(
                    election=Election.objects.get(pk=v.election.pk),
                    actor=user,
                    notice=CandidateNotice(**notice_data(issued_by=issued_by)),
                )
            except InvalidTransition as error:
                assert "不能执行“公示候选人”" in " ".join(error.messages)
                return "refused"
            return f"ok:{issued_by}"

        return call

    outcomes = run_together(
        publish(v.street_staff, "开化街道党工委"), publish(second, "开化社区党委")
    )
    assert sorted(o.split(":")[0] for o in outcomes) == ["ok", "refused"]
    winner = next(o.split(":")[1] for o in outcomes if o.startswith("ok"))
    election = Election.objects.get(pk=v.election.pk)
    assert election.status == ElectionStatus.PUBLISHED
    assert election.issued_by == winner  # the loser's notice was not written
    assert len(published_by(election)) == 1


def test_two_api_publications_give_one_success_and_one_conflict(race):
    v, second = race
    clients = []
    for user in (v.street_staff, second):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)

    def post(client):
        def call():
            response = client.post(
                f"/api/registry/elections/{v.election.pk}/publish",
                as_post(notice_data()),
                content_type="application/json",
            )
            if response.status_code == 409:
                assert "不能执行“公示候选人”" in response.json()["detail"]
            return str(response.status_code)

        return call

    assert run_together(post(clients[0]), post(clients[1])) == ["200", "409"]
    assert len(published_by(v.election)) == 1
