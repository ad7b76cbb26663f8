"""Prometheus metrics (prometheus-client), read at /metrics by staff or a local scraper.

Counted per request: requests by area, method and status class, their duration, and the
page cache's hits and misses. Read when scraped: tasks waiting, running and failed, live
task workers, and failed cache operations of this process.

Under gunicorn with several workers, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty directory
(one per host, emptied at each start): every worker process writes its counts there and a
scrape sums them (prometheus-client's multiprocess mode)."""

from __future__ import annotations

import os

from django.http import HttpRequest, HttpResponse
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
)
from prometheus_client.core import GaugeMetricFamily

REQUESTS = Counter(
    "governance_http_requests",
    "HTTP requests answered, by area, method and status class.",
    ["area", "method", "status"],
)
DURATION = Histogram(
    "governance_http_request_duration_seconds",
    "Time to answer an HTTP request, by area.",
    ["area"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
PAGE_CACHE = Counter(
    "governance_portal_cache",
    "Public page cache lookups that stored or replayed a page.",
    ["result"],
)
AREAS = (("/admin/", "admin"), ("/api/", "api"), ("/static/", "static"), ("/media/", "media"))
OPS_PATHS = ("/healthz", "/readyz", "/metrics")
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def request_area(path: str) -> str:
    if path.startswith(OPS_PATHS):
        return "ops"
    for prefix, area in AREAS:
        if path.startswith(prefix):
            return area
    return "public"


def request_observe(request: HttpRequest, response: HttpResponse, seconds: float) -> None:
    area = request_area(request.path)
    # Bounded label values: unknown methods are lumped together.
    method = request.method if request.method in METHODS else "other"
    REQUESTS.labels(area, method, f"{response.status_code // 100}xx").inc()
    DURATION.labels(area).observe(seconds)
    cache_result = response.get("X-Portal-Cache")
    if cache_result in ("hit", "miss"):
        PAGE_CACHE.labels(cache_result).inc()


class StateCollector:
    """Figures read from the database and the cache at each scrape."""

    def collect(self):
        from django.conf import settings
        from django.core.cache import cache

        from .health import task_counts, workers_alive

        if "django_tasks_db" in settings.INSTALLED_APPS:
            tasks = GaugeMetricFamily(
                "governance_tasks", "Background tasks by status.", labels=["status"]
            )
            try:
                for status, count in task_counts().items():
                    tasks.add_metric([status], count)
                yield tasks
                yield GaugeMetricFamily(
                    "governance_task_workers_alive",
                    "Task workers with a fresh heartbeat.",
                    value=workers_alive(),
                )
            except Exception:  # noqa: BLE001 - the database is down: the scrape still answers
                pass
        failures = getattr(cache, "failures", None)
        if failures is not None:
            yield GaugeMetricFamily(
                "governance_cache_failures",
                "Shared cache operations that failed in this process.",
                value=failures,
            )


REGISTRY.register(StateCollector())


def exposition() -> HttpResponse:
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(StateCollector())
    return HttpResponse(generate_latest(registry), content_type=CONTENT_TYPE_LATEST)
