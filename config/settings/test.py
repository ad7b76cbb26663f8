import os
import tempfile

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
# One process per test worker: the generation lives in its local cache, so parallel
# workers cannot drop each other's pages mid-test.
PORTAL_GENERATION_FILE = None
