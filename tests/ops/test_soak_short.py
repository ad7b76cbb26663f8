"""The short load and fault test inside `make test` (`make soak` is the long one): 10
clients for 15 s through nginx while PostgreSQL restarts. No acknowledged write may be lost
and nothing may fail outside the restart's window, which must close within 10 s."""

from __future__ import annotations

import json

import pytest

from tests.ops.stack import needs_stack, soak

pytestmark = [pytest.mark.stack, needs_stack]


def test_postgres_restart_under_load_loses_no_acknowledged_write(tmp_path):
    out = tmp_path / "soak.json"

    done = soak("--clients", "10", "--seconds", "15", "--faults", "postgres", "--json", str(out))

    figures = json.loads(out.read_text())
    assert figures["writes_acknowledged"] > 0, done.stdout
    assert figures["acknowledged_writes_lost"] == 0, figures["lost"]
    assert figures["errors_outside_windows"] == {}, done.stdout
    assert [w["fault"] for w in figures["windows"]] == ["postgres"]
    assert figures["windows"][0]["seconds"] <= 10, done.stdout
    assert done.returncode == 0, done.stdout + done.stderr
