"""Request ids (X-Request-ID in and out, in every log line of the request) and the
Prometheus endpoint, for staff and local callers only."""

from __future__ import annotations

import io
import json
import logging

import pytest
from django.contrib.auth import get_user_model
from django.http import HttpResponse
from django.urls import path

from common.ops.logs import JsonFormatter, RequestIdFilter

REMOTE = "203.0.113.7"


def logs_something(request):
    logging.getLogger("tests.ops").warning("库存 %s", 3, extra={"compound": 7})
    return HttpResponse("ok")


urlpatterns = [path("log/", logs_something)]


@pytest.fixture
def json_log():
    """What the JSON handler of the settings writes, for the loggers the tests use."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(RequestIdFilter())
    handler.setFormatter(JsonFormatter())
    loggers = [logging.getLogger("tests.ops"), logging.getLogger("ops.requests")]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(handler)
        logger.setLevel(logging.INFO)
    yield lambda: [json.loads(line) for line in stream.getvalue().splitlines()]
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(handler)
        logger.setLevel(level)


def test_a_request_gets_an_id_and_keeps_a_well_formed_one(client):
    fresh = client.get("/healthz")
    assert len(fresh["X-Request-ID"]) == 32
    assert client.get("/healthz", HTTP_X_REQUEST_ID="nginx-abc.123")["X-Request-ID"] == (
        "nginx-abc.123"
    )
    injected = client.get("/healthz", HTTP_X_REQUEST_ID='x"\n{"level":"ERROR"}')
    assert injected["X-Request-ID"] != 'x"\n{"level":"ERROR"}'
    assert len(injected["X-Request-ID"]) == 32


@pytest.mark.django_db
def test_log_lines_of_a_request_carry_its_id_as_json(client, settings, json_log):
    settings.ROOT_URLCONF = __name__
    client.get("/log/", HTTP_X_REQUEST_ID="req-42")
    lines = json_log()
    message = next(line for line in lines if line["logger"] == "tests.ops")
    assert message["message"] == "库存 3"
    assert message["request_id"] == "req-42"
    assert message["compound"] == 7
    access = next(line for line in lines if line["logger"] == "ops.requests")
    assert access["request_id"] == "req-42"
    assert access["status"] == 200
    assert access["path"] == "/log/"
    # Outside a request the id is a dash.
    logging.getLogger("tests.ops").warning("after")
    assert json_log()[-1]["request_id"] == "-"


@pytest.mark.django_db
def test_metrics_refused_to_anonymous_remote_callers(client):
    response = client.get("/metrics", REMOTE_ADDR=REMOTE)
    assert response.status_code == 403
    assert b"governance_" not in response.content


@pytest.mark.django_db
def test_metrics_refused_to_signed_in_non_superusers(client):
    user = get_user_model().objects.create_user("clerk", password="x", is_staff=True)
    client.force_login(user)
    assert client.get("/metrics", REMOTE_ADDR=REMOTE).status_code == 403


@pytest.mark.django_db
def test_metrics_for_a_local_scraper_count_requests(client):
    client.get("/healthz")
    response = client.get("/metrics")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'governance_http_requests_total{area="ops",method="GET",status="2xx"}' in body
    assert "governance_http_request_duration_seconds_bucket" in body


@pytest.mark.django_db
def test_metrics_for_a_superuser_from_anywhere(client, settings):
    settings.TASKS = {"default": {"BACKEND": "common.ops.tasks_backend.DatabaseBackend"}}
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    response = client.get("/metrics", REMOTE_ADDR=REMOTE)
    assert response.status_code == 200
    assert "governance_task_workers_alive 0.0" in response.content.decode()


def test_a_proxy_counts_as_local_only_with_its_client_behind_it(client, settings):
    """Behind nginx (TRUSTED_PROXY_COUNT=1) the connecting address is the proxy's: the
    caller is the address nginx appended, not 127.0.0.1."""
    settings.TRUSTED_PROXY_COUNT = 1
    outside = client.get("/metrics", HTTP_X_FORWARDED_FOR=REMOTE)
    assert outside.status_code == 403
    inside = client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1")
    assert inside.status_code == 200
