"""Another worker process of the same host, for tests whose claim is about workers: a
separate Python process with its own memory (its own local cache and tables) that shares
the test database and the portal's generation file with the test's process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.db import connection

BASE_DIR = Path(__file__).resolve().parents[2]

PRELUDE = """
import os
import django

django.setup()
from django.conf import settings

settings.PORTAL_GENERATION_FILE = os.environ["PORTAL_GENERATION_FILE"]
"""


def database_url() -> str:
    """The test database as a DATABASE_URL (the test run's, not the configured one)."""
    db = connection.settings_dict
    if connection.vendor == "sqlite":
        assert not connection.is_in_memory_db(), "a second process needs a file database"
        return f"sqlite:///{db['NAME']}"
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def run_in_other_worker(code: str) -> str:
    """Run code (Django set up, the generation file shared) in a new process; its stdout."""
    assert settings.PORTAL_GENERATION_FILE, "the workers share the generation through a file"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "DATABASE_URL": database_url(),
        "PORTAL_GENERATION_FILE": str(settings.PORTAL_GENERATION_FILE),
    }
    script = PRELUDE + textwrap.dedent(code)
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout
