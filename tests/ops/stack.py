"""Helpers for tests against the loopback production stack (scripts/with-stack): they are
skipped unless it runs (``make test-ops``)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

needs_stack = pytest.mark.skipif(
    not os.environ.get("STACK_URL"),
    reason="needs the loopback production stack: scripts/with-stack (make test-ops)",
)


def soak(*args: str, timeout: int = 900) -> subprocess.CompletedProcess:
    """bench/soak.py against the stack, with the stack's own application environment."""
    return subprocess.run(
        [sys.executable, str(ROOT / "bench" / "soak.py"), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def stack_plan() -> dict:
    """The seeded stack's pages and owners (bench/soak.py --prepare seeds it if empty)."""
    done = soak("--prepare")
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout.strip().splitlines()[-1])
