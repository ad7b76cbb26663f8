"""/healthz and /readyz: each failing part is named; its detail only for staff and
local callers; the status is 503 only when the database is down."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model
from django.db import OperationalError, connections

from common import db_router
from common.ops.heartbeat import heartbeat_write

REMOTE = "203.0.113.7"
DATABASES = ["default", "replica"]


def test_healthz_answers_while_the_process_runs(client):
    response = client.get("/healthz", REMOTE_ADDR=REMOTE)
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405


@pytest.mark.django_db
def test_readyz_ok_lists_each_check_for_a_local_caller(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["failing"] == []
    assert set(body["checks"]) == {"database", "cache"}
    assert all(check["ok"] for check in body["checks"].values())


@pytest.mark.django_db
def test_readyz_for_an_anonymous_remote_caller_shows_no_details(client):
    body = client.get("/readyz", REMOTE_ADDR=REMOTE).json()
    assert body == {"status": "ok", "failing": []}


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_readyz_names_a_replica_that_is_down_and_public_pages_fall_back(
    replica_unreachable, client
):
    response = client.get("/readyz", REMOTE_ADDR=REMOTE)
    assert response.status_code == 200
    assert response.json() == {"status": "degraded", "failing": ["replica"]}
    local = client.get("/readyz").json()
    assert local["checks"]["replica"]["ok"] is False
    assert "OperationalError" in local["checks"]["replica"]["detail"]
    assert local["checks"]["database"]["ok"] is True
    # The check left the replica alone: public reads go to the primary now.
    assert not db_router.replica_available()


@pytest.mark.django_db(transaction=True, databases=DATABASES)
def test_readyz_replica_up(replica, client):
    body = client.get("/readyz").json()
    assert body["status"] == "ok"
    assert body["checks"]["replica"]["ok"] is True


@pytest.mark.django_db
def test_readyz_database_down_is_a_503_naming_it_without_internals(client, monkeypatch):
    """The primary refuses connections (as while PostgreSQL restarts)."""
    connection = connections["default"]

    def refused(*args, **kwargs):
        raise OperationalError("connection refused: 127.0.0.1:5432 password=secret")

    monkeypatch.setattr(connection, "cursor", refused)
    response = client.get("/readyz", REMOTE_ADDR=REMOTE)
    monkeypatch.undo()
    assert response.status_code == 503
    assert response.json() == {"status": "fail", "failing": ["database"]}
    assert b"5432" not in response.content


@pytest.mark.django_db
def test_readyz_names_the_worker_without_a_heartbeat(client, settings):
    settings.TASKS = {"default": {"BACKEND": "common.ops.tasks_backend.DatabaseBackend"}}
    response = client.get("/readyz", REMOTE_ADDR=REMOTE)
    assert response.json() == {"status": "degraded", "failing": ["worker"]}
    from django.utils import timezone

    heartbeat_write(worker_id="w1", started_at=timezone.now())
    assert client.get("/readyz", REMOTE_ADDR=REMOTE).json() == {"status": "ok", "failing": []}


@pytest.mark.django_db
def test_readyz_details_for_a_superuser_from_anywhere(client):
    admin = get_user_model().objects.create_superuser("root", "root@example.com", "x")
    client.force_login(admin)
    body = client.get("/readyz", REMOTE_ADDR=REMOTE).json()
    assert "checks" in body
