"""A schema-driven fuzz run of the whole JSON API (schemathesis, from /api/openapi.json).

Every operation gets a bounded number of generated requests, valid and invalid, with
random ids and with the ids of objects that exist, anonymous and as a street officer
(Wagtail API token), through Django's WSGI application. No request may end in a server
error: bad input gets a 4xx with a message. The run is derandomised (the same requests
every time) and takes well under a minute of processor time.
"""

from __future__ import annotations

import datetime
import re
import time
import traceback

import pytest
import schemathesis
from django.core import signals
from django.core.signals import got_request_exception
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from wagtail.models import APIToken, Page

from committees.elections.services.elections import election_start_vetting
from committees.models import CandidateReview
from config.wsgi import application
from disclosures.filings.models import Filing, RegularReport
from disclosures.filings.services import report_schedule_ensure
from estates.models import Owner
from tests.committees.committee_helpers import form_committee
from tests.committees.review_setup import build_vetting
from tests.votes.helpers import fuzz_objects

pytestmark = pytest.mark.django_db

POSITIVE, NEGATIVE = GenerationMode.POSITIVE, GenerationMode.NEGATIVE
# Requests per operation and caller: random valid, random invalid, valid on known objects.
RUNS = (("random", POSITIVE, 10), ("random", NEGATIVE, 5), ("known", POSITIVE, 10))
FUZZ = {
    "deadline": None,
    "database": None,  # nothing written under .hypothesis/
    "derandomize": True,  # the same requests on every run
    "suppress_health_check": list(HealthCheck),
}
PATH_PARAMETER = re.compile(r"{(\w+)}")
# Values random generation rarely reaches: past 32 and 64 bits, zero and negative; a NUL
# (PostgreSQL refuses it in text), quotes, a percent sign, a long run of digits.
EXTREME = {
    "integer": (0, -1, 2**31, 2**63 - 1, 2**63, 10**30),
    "string": ("\x00", "'", "%", "9" * 400),
}


@pytest.fixture
def wsgi_app():
    """Requests through the WSGI application keep the test's database connection, as
    Django's test client does (it would otherwise be closed after each request)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield application
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def server_errors():
    """Tracebacks of the exceptions that reached Django's handler (a 500)."""
    errors: list[str] = []

    def record(sender, request=None, **kwargs):
        errors.append(f"{request.method} {request.get_full_path()}\n{traceback.format_exc()}")

    got_request_exception.connect(record, weak=False)
    yield errors
    got_request_exception.disconnect(record)


@pytest.fixture
def world(tree):
    """开化街道 with an election under review, a registered committee and owners."""
    v = build_vetting(tree)
    election_start_vetting(
        election=v.election, actor=v.street_staff, today=datetime.date(2026, 3, 6)
    )
    committee = form_committee(tree, compound=tree.compounds[1], actor=v.street_staff)
    _token, plaintext = APIToken.create_token(user=v.street_staff, name="接口模糊测试")
    known = {
        "code": tree.streets[0].code,
        "compound_id": tree.compounds[0].pk,
        "owner_id": Owner.objects.filter(ownerships__compound=tree.compounds[0]).first().pk,
        "election_id": v.election.pk,
        "committee_id": committee.pk,
        "review_id": CandidateReview.objects.order_by("pk").first().pk,
    }
    known.update(fuzz_objects(tree, committee))  # vote, batch, unit, objection ids
    report_schedule_ensure(committee=committee, since=datetime.date(2025, 1, 1))
    known.update(
        candidate_id=v.candidates[0].pk,
        filing_id=Filing.objects.order_by("pk").first().pk,
        report_id=RegularReport.objects.order_by("pk").first().pk,
        # A notice id: the home page's, which is no notice (the endpoints answer 404).
        pk=Page.objects.order_by("-depth").first().pk,
    )
    callers = {"anonymous": {}, "street officer": {"Authorization": f"Bearer {plaintext}"}}
    return known, callers


def fuzz(operation, mode, examples, headers, path_parameters, found) -> None:
    strategy = operation.as_strategy(generation_mode=mode, path_parameters=path_parameters)

    @settings(max_examples=examples, **FUZZ)
    @given(case=strategy)
    def run(case):
        response = case.call(headers=headers)
        if response.status_code >= 500:
            found.append(
                f"{case.method} {case.formatted_path} query={case.query} body={case.body!r}"
                f" → {response.status_code}"
            )

    try:
        run()
    except Unsatisfiable:
        # No invalid request exists for an operation whose every input is free text.
        assert mode is NEGATIVE


def types_of(schema: dict) -> set[str]:
    types = {schema["type"]} if "type" in schema else set()
    for option in schema.get("anyOf", []):
        types |= types_of(option)
    return types


def boundary_cases(operation, known: dict):
    """One request per extreme value of each query parameter and each id in the path."""
    names = PATH_PARAMETER.findall(operation.path)
    path = {name: known[name] for name in names}
    for parameter in operation.iter_parameters():
        if parameter.location.value != "query":
            continue
        for kind in types_of(parameter.definition.get("schema", {})):
            for value in EXTREME.get(kind, ()):
                yield operation.Case(path_parameters=path, query={parameter.name: value})
    for name in names:
        if name.endswith("_id"):
            for value in EXTREME["integer"]:
                yield operation.Case(path_parameters={**path, name: value})


def test_api_fuzz_finds_no_server_error(wsgi_app, world, server_errors):
    known, callers = world
    schema = schemathesis.openapi.from_wsgi("/api/openapi.json", wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 15
    found: list[str] = []
    started = time.process_time()
    for operation in operations:
        names = PATH_PARAMETER.findall(operation.path)
        assert set(names) <= set(known), f"no known object for {operation.path}"
        for headers in callers.values():
            for ids, mode, examples in RUNS:
                if ids == "known" and not names:
                    continue
                path_parameters = {name: known[name] for name in names} if ids == "known" else None
                fuzz(operation, mode, examples, headers, path_parameters, found)
            for case in boundary_cases(operation, known):
                response = case.call(headers=headers)
                if response.status_code >= 500:
                    found.append(f"{case.method} {case.formatted_path} query={case.query} → 500")
    cpu = time.process_time() - started
    assert not found, "\n".join(found[:20]) + "\n\n" + "\n".join(server_errors[:3])
    assert cpu < 60, f"the fuzz run took {cpu:.0f} s of processor time"
