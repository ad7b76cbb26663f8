import shutil
import socket
import subprocess
import time

import pytest
from django.db import connections

from common import db_router


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RedisServer:
    """A throwaway redis-server on a free loopback port, nothing kept on disk."""

    def __init__(self, tmp_path):
        self.port = _free_port()
        self.dir = tmp_path
        self.proc = None
        self.start()

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.proc = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port", str(self.port),
                "--bind", "127.0.0.1",
                "--save", "",
                "--appendonly", "no",
                "--dir", str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2) as sock:
                    sock.sendall(b"PING\r\n")
                    if sock.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                pass
            time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(10)


@pytest.fixture
def redis_server(tmp_path):
    if shutil.which("redis-server") is None:
        pytest.skip("redis-server is not installed (scripts/system-deps installs it)")
    server = RedisServer(tmp_path)
    yield server
    server.stop()


@pytest.fixture
def redis_cache(settings, redis_server):
    """Django's cache is the shared Redis one, the page generation in it (no file)."""
    backend = {
        "BACKEND": "common.cache.ResilientRedisCache",
        "LOCATION": redis_server.url,
        "KEY_PREFIX": "test",
        "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.3},
    }
    settings.CACHES = {"default": backend, "renditions": backend}
    settings.PORTAL_GENERATION_FILE = None
    settings.REDIS_RETRY_SECONDS = 0
    return redis_server


@pytest.fixture
def replica(settings):
    """Reads may use the ``replica`` alias: in tests a second connection to the test
    database (config.settings.test), which is what a streaming replica looks like from the
    application. Tests using it allow ``databases=["default", "replica"]``."""
    settings.READ_REPLICA = True
    settings.REPLICA_RETRY_SECONDS = 60
    db_router._replica_down_until = 0.0
    yield db_router.REPLICA
    connections[db_router.REPLICA].close()
    db_router._replica_down_until = 0.0


@pytest.fixture
def replica_unreachable(replica, tmp_path):
    """The replica alias points at a database that cannot be opened."""
    replica_connection = connections[db_router.REPLICA]
    replica_connection.close()
    name = replica_connection.settings_dict["NAME"]
    replica_connection.settings_dict["NAME"] = (
        str(tmp_path / "missing" / "replica.db")
        if replica_connection.vendor == "sqlite"
        else "no_such_replica"  # PostgreSQL refuses the connection
    )
    yield replica
    replica_connection.close()
    replica_connection.settings_dict["NAME"] = name


@pytest.fixture
def portal(db):
    from cms.setup import ensure_portal

    return ensure_portal()
