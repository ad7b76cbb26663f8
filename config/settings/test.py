import contextlib
import glob
import os
import tempfile
import time

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-not-secret"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
WAGTAILADMIN_BASE_URL = "http://testserver"
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):  # noqa: F405
    # A file, not SQLite's shared in-memory database: tests that race two connections
    # (threads) or read the test database from a second process need real file locking
    # and WAL. On tmpfs when the host has one, so it costs no more than memory; one name
    # per process (pytest-django adds the xdist worker id), so parallel runs never meet.
    _test_db_dir = "/dev/shm" if os.path.isdir("/dev/shm") else tempfile.gettempdir()
    DATABASES["default"].setdefault("TEST", {})["NAME"] = os.path.join(  # noqa: F405
        _test_db_dir, f"governance-test-{os.getpid()}.sqlite3"
    )
    # A run that was killed leaves its files behind (memory, on tmpfs): remove those of
    # processes that no longer exist, untouched for an hour.
    for _stale in glob.glob(os.path.join(_test_db_dir, "governance-test-*.sqlite3*")):
        try:
            if time.time() - os.stat(_stale).st_mtime < 3600:
                continue
            os.kill(int(os.path.basename(_stale).split("-")[2].split(".")[0]), 0)
        except ProcessLookupError:
            with contextlib.suppress(OSError):
                os.remove(_stale)
        except (OSError, ValueError):
            pass
# One process per test worker: the generation lives in its local cache, so parallel
# workers cannot drop each other's pages mid-test.
PORTAL_GENERATION_FILE = None
# A "replica" alias mirroring the test database, used only by tests that turn
# READ_REPLICA on (tests/ops): the router's decisions are tested on a real connection.
# Other tests read the primary, even when DATABASE_REPLICA_URL is set (the production
# stack's tests reach its replica through the app servers).
DATABASES.setdefault(  # noqa: F405
    "replica",
    {**DATABASES["default"], "TEST": {"MIRROR": "default"}},  # noqa: F405
)
READ_REPLICA = False
