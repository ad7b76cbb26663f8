"""Two community officers approve the same filing at once: one succeeds, the other gets
the workflow's clear refusal; two street officers receiving two filings at once get two
different receipt numbers (row locks in the transition mechanism and on the street).
On SQLite by default; on PostgreSQL through scripts/with-postgres."""

from __future__ import annotations

import threading
from collections.abc import Callable

import pytest
from django.db import connections

from common.transitions import InvalidTransition
from disclosures.filings import services
from disclosures.filings.choices import FilingStatus
from disclosures.filings.models import Filing, FilingReview
from tests.estates.admin_helpers import officer
from tests.factories import build_tree
from tests.filings.helpers import World, approved, submitted

pytestmark = pytest.mark.django_db(transaction=True)


def run_together(*calls: Callable[[], str]) -> list[str]:
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


@pytest.fixture
def world():
    return World(build_tree())


def test_two_officers_approving_at_once_one_wins(world):
    filing = submitted(world)
    second = officer("community_staff", world.tree.communities[0])

    def approve(user):
        def call():
            try:
                services.filing_approve(filing=Filing.objects.get(pk=filing.pk), actor=user)
            except InvalidTransition as error:
                return f"refused: {error.messages[0]}"
            return "approved"

        return call

    outcomes = run_together(approve(world.community), approve(second))
    assert outcomes[0] == "approved"
    assert outcomes[1].startswith("refused: 当前状态为“社区已同意，待街道接收”")
    filing.refresh_from_db()
    assert filing.status == FilingStatus.APPROVED
    assert FilingReview.objects.filter(filing=filing).count() == 1


def test_approve_and_return_at_once_one_wins(world):
    filing = submitted(world)

    def approve():
        try:
            services.filing_approve(filing=Filing.objects.get(pk=filing.pk), actor=world.community)
        except InvalidTransition:
            return "refused"
        return "approved"

    def send_back():
        try:
            services.filing_return(
                filing=Filing.objects.get(pk=filing.pk), actor=world.community, reason="补材料"
            )
        except InvalidTransition:
            return "refused"
        return "returned"

    outcomes = run_together(approve, send_back)
    assert outcomes in (["approved", "refused"], ["refused", "returned"])
    assert FilingReview.objects.filter(filing=filing).count() == 1


def test_two_receipts_of_one_street_at_once_get_two_numbers(world):
    one, two = approved(world), approved(world)
    second_officer = officer("street_staff", world.tree.streets[0])

    def accept(filing, user):
        def call():
            services.filing_accept(filing=Filing.objects.get(pk=filing.pk), actor=user)
            return "accepted"

        return call

    assert run_together(accept(one, world.street), accept(two, second_officer)) == [
        "accepted",
        "accepted",
    ]
    serials = sorted(Filing.objects.values_list("receipt_serial", flat=True))
    assert serials == [1, 2]
