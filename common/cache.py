"""Django's Redis cache, made safe to lose: when Redis is down, restarting or slow, every
operation answers as an empty cache would (a read misses, a write is dropped) and is
logged, so pages are rendered and served uncached instead of failing with a 500.

Moving a counter (``incr``) is the one operation a caller must hear about: the portal's
page generation (cms.caching) is moved that way, and a move lost while Redis is away must
be made again once it is back, or pages cached before the change would be replayed. It
raises :class:`CacheUnavailable` instead.

After a failure the cache is left alone for ``REDIS_RETRY_SECONDS`` (one second by
default), so a Redis that hangs costs one timeout a second per process, not one per
operation."""

from __future__ import annotations

import logging
import threading
import time
from functools import wraps

from django.conf import settings
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)


class CacheUnavailable(Exception):
    """The shared cache could not be reached."""


def _errors() -> tuple[type[BaseException], ...]:
    import redis

    return (redis.exceptions.RedisError, OSError)


class ResilientRedisCache(RedisCache):
    """:class:`RedisCache` whose failures read as misses (see the module docstring)."""

    def __init__(self, server, params):
        super().__init__(server, params)
        self._down_until = 0.0
        self._lock = threading.Lock()
        # How many operations failed since the process started (common.ops.metrics reads it).
        self.failures = 0

    @property
    def retry_seconds(self) -> float:
        return settings.REDIS_RETRY_SECONDS

    def is_down(self) -> bool:
        return time.monotonic() < self._down_until

    def _failed(self, operation: str, error: BaseException) -> None:
        with self._lock:
            self.failures += 1
            first = not self.is_down()
            self._down_until = time.monotonic() + self.retry_seconds
        if first:
            logger.warning("cache unavailable (%s): %s", operation, type(error).__name__)

    def _call(self, operation: str, call, default):
        if self.is_down():
            return default
        errors = _errors()
        try:
            return call()
        except errors:
            # A pooled connection broken by a Redis restart fails once; a fresh one may work.
            try:
                return call()
            except errors as error:
                self._failed(operation, error)
                return default

    def ping(self) -> None:
        """Raises when Redis does not answer (for /readyz); the breaker is not consulted."""
        self._cache.get_client(write=True).ping()

    def incr(self, key, delta=1, version=None):
        if self.is_down():
            raise CacheUnavailable(key)
        errors = _errors()
        for attempt in (1, 2):
            try:
                return super().incr(key, delta, version)
            except errors as error:
                if attempt == 2:
                    self._failed("incr", error)
                    raise CacheUnavailable(key) from error
        raise AssertionError("unreachable")


def _miss_on_failure(name: str, default=None):
    method = getattr(RedisCache, name)

    @wraps(method)
    def wrapper(self, *args, **kwargs):
        fallback = default() if callable(default) else default
        return self._call(name, lambda: method(self, *args, **kwargs), fallback)

    return wrapper


def _get(self, key, default=None, version=None):
    return self._call("get", lambda: RedisCache.get(self, key, default, version), default)


ResilientRedisCache.get = _get
for _name, _default in (
    ("add", False),
    ("set", None),
    ("touch", False),
    ("delete", False),
    ("get_many", dict),
    ("has_key", False),
    ("set_many", list),
    ("delete_many", None),
    ("clear", None),
):
    setattr(ResilientRedisCache, _name, _miss_on_failure(_name, _default))
