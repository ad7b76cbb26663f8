"""Province-scale benchmark: run by `make bench` against a throwaway PostgreSQL.

Prints, from one run, ratios that do not depend on the machine's speed:
- throughput of a compound page (page cache off and on) against a bare Django view, all
  served by gunicorn and loaded by wrk on loopback; for reference also with the pages'
  data cache off (every request reads the database);
- SQL queries of the main public pages and admin listings at demo and province scale;
- the scoped compound listing of a street officer against the same listing unscoped;
- every add and edit form of our admin viewsets as a street officer (bench/admin_forms.py):
  the slowest one's server time against the 0.5 s target and against the bare view;
- importing 100,000 units against a raw bulk insert of the same rows;
- owners' votes (bench/votes.py): a 20,000-unit tally against raw SQL, importing 20,000
  ballots, and the filing form PDF;
- public notices (bench/notices.py): 200,000 notices; the notice board and a notice page
  against the bare view, cached and not, a notice PDF and a Chinese search.
Writes the figures to var/bench.json; docs/benchmarks.md records a run.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402

PYTHON = sys.executable
DURATION = int(os.environ.get("BENCH_SECONDS", "8"))
RESULTS: dict = {}


def say(text: str) -> None:
    print(text, flush=True)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ok_status(url: str) -> None:
    """The page answers 200 itself (a redirect would make wrk measure the redirect)."""
    import http.client
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    connection.request("GET", parts.path + (f"?{parts.query}" if parts.query else ""))
    status = connection.getresponse().status
    connection.close()
    if status != 200:
        raise RuntimeError(f"{url}: HTTP {status}, not 200")


def wrk(url: str) -> float:
    """Requests per second for one URL, after a short warm-up."""
    ok_status(url)
    subprocess.run(["wrk", "-t2", "-c8", "-d2s", url], capture_output=True, check=True)
    out = subprocess.run(
        ["wrk", "-t2", "-c8", f"-d{DURATION}s", url], capture_output=True, text=True, check=True
    ).stdout
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    if non2xx:
        raise RuntimeError(f"{url}: {non2xx.group(1)} error responses\n{out}")
    return float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))


class Gunicorn:
    """gunicorn serving the project with production settings; whole-page caching on or
    off (the pages' data and small lookups such as view restrictions stay cached, as
    deployed, unless ``data_cache`` is off)."""

    def __init__(self, page_cache: bool, data_cache: bool = True):
        self.port = free_port()
        self.cache_dir = tempfile.mkdtemp(prefix="bench-cache-")
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.production",
            "SECRET_KEY": "bench-" + "x" * 50,
            "ALLOWED_HOSTS": "127.0.0.1",
            "HTTPS": "0",
            # Plain HTTP on loopback: no redirect to HTTPS, no HSTS (a TLS proxy's job).
            "SECURE_SSL_REDIRECT": "0",
            "SECURE_HSTS_SECONDS": "0",
            "CACHE_BACKEND": "locmem",
            "PORTAL_CACHE_SECONDS": "600" if page_cache else "0",
            "PORTAL_DATA_CACHE_SECONDS": "600" if data_cache else "0",
            "PORTAL_GENERATION_FILE": os.path.join(self.cache_dir, "portal-generation"),
            "CONN_MAX_AGE": "600",
            # No log line per request: the measure is of serving, not of writing logs.
            "REQUEST_LOG_LEVEL": "WARNING",
        }
        self.proc = subprocess.Popen(
            [
                str(Path(PYTHON).parent / "gunicorn"),
                "config.wsgi:application",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                "2",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("gunicorn did not start")

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        self.proc.wait(timeout=20)
        shutil.rmtree(self.cache_dir, ignore_errors=True)


def throughput(compound_path: str) -> dict:
    figures = {}
    for kind, page_cache, data_cache in (
        ("uncached", False, True),
        ("cached", True, True),
        ("no_data_cache", False, False),
    ):
        server = Gunicorn(page_cache=page_cache, data_cache=data_cache)
        try:
            bare = wrk(server.url("/bench/bare/"))
            page = wrk(server.url(compound_path))
        finally:
            server.stop()
        figures[kind] = {"bare_rps": bare, "compound_rps": page, "ratio": page / bare}
    return figures


def count_queries(client: Client, path: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(path)
    if response.status_code != 200:
        raise RuntimeError(f"{path}: HTTP {response.status_code}")
    return len(ctx.captured_queries)


def page_paths() -> dict[str, str]:
    from estates.models import Compound, Region

    wenshan = Region.objects.get(code="532600")
    compound = Compound.objects.filter(region_path__startswith=wenshan.path).order_by("-id").first()
    street = compound.region.parent
    return {
        "home": "/",
        "prefecture": f"/r/{wenshan.code}/",
        "street": f"/r/{street.code}/",
        "community": f"/r/{compound.region.code}/",
        "compound": f"/c/{compound.pk}/",
        "search": "/search/?q=" + "阳光",
        "api_compounds": f"/api/public/compounds/?region={wenshan.code}",
        "admin_compounds": "/admin/estates/compound/",
        "admin_units": "/admin/estates/unit/",
        "admin_owners": "/admin/estates/owner/",
    }


def street_officer():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="jiedao")


def query_counts(label: str) -> dict[str, int]:
    from django.core.cache import cache

    cache.clear()
    anonymous, officer = Client(), Client()
    officer.force_login(street_officer())
    counts = {}
    for name, path in page_paths().items():
        client = officer if name.startswith("admin_") else anonymous
        counts[name] = count_queries(client, path)
    say(f"  queries at {label}: " + ", ".join(f"{k}={v}" for k, v in counts.items()))
    return counts


def page_latency() -> dict[str, float]:
    """Median in-process time of each public page with the page cache off (milliseconds;
    for reference: machine-dependent, unlike the ratios)."""
    from django.test.utils import override_settings

    client = Client()
    latency = {}
    with override_settings(PORTAL_CACHE_SECONDS=0):
        for name, path in page_paths().items():
            if name.startswith("admin_"):
                continue
            count_queries(client, path)  # warm: compiled queries, site table
            latency[name] = timed(lambda path=path: client.get(path), repeat=50) * 1e3
    say(
        "  public pages, page cache off (ms): "
        + ", ".join(f"{k}={v:.1f}" for k, v in latency.items())
    )
    return latency


def timed(fn, repeat: int = 30) -> float:
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def scoped_listing() -> dict:
    """The admin compound listing's query (a page of 50 plus the count), scoped vs not."""
    from common.jurisdiction import forget_jurisdiction, scope_queryset
    from estates.models import Compound

    officer = street_officer()
    base = Compound.objects.select_related("region", "property_company").order_by("name")

    def unscoped():
        list(base[:50])
        base.count()

    def scoped():
        forget_jurisdiction(officer)  # the grant lookup is part of the cost
        qs = scope_queryset(base, officer)
        list(qs[:50])
        qs.count()

    t_unscoped, t_scoped = timed(unscoped), timed(scoped)
    return {
        "unscoped_ms": t_unscoped * 1e3,
        "scoped_ms": t_scoped * 1e3,
        "ratio": t_scoped / t_unscoped,
    }


def import_vs_raw(units: int = 100_000) -> dict:
    from bench.importdata import raw_bulk_create, raw_copy, write_import_file

    path, community_codes = write_import_file(units)
    # Both baselines are rolled back, so the import starts clean.
    t_bulk = raw_bulk_create(path, community_codes)
    t_copy = raw_copy(path, community_codes)
    start = time.perf_counter()
    call_command("import_registry", str(path), verbosity=0)
    t_import = time.perf_counter() - start
    return {
        "units": units,
        "import_s": t_import,
        "raw_s": t_bulk,
        "ratio": t_import / t_bulk,
        "copy_s": t_copy,
        "copy_ratio": t_import / t_copy,
    }


def main() -> None:
    say(f"Benchmark on {connection.vendor}, {os.cpu_count()} cores")
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    call_command("seed_demo", verbosity=0)
    RESULTS["seed_demo_s"] = time.perf_counter() - start
    RESULTS["queries_demo"] = query_counts("demo scale")
    start = time.perf_counter()
    call_command("seed_demo", scale="province", verbosity=0)
    RESULTS["seed_province_s"] = time.perf_counter() - start
    call_command("governance_stats", region="530000", format="text")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    RESULTS["queries_province"] = query_counts("province scale")
    RESULTS["latency_province_ms"] = page_latency()
    RESULTS["scoped_listing"] = scoped_listing()
    from bench.admin_forms import admin_forms_bench

    RESULTS["admin_forms"] = admin_forms_bench()
    RESULTS["throughput"] = throughput(page_paths()["compound"])
    RESULTS["import"] = import_vs_raw()
    from bench.votes import votes_bench

    RESULTS["votes"] = votes_bench()
    from bench.notices import notices_bench

    RESULTS["notices"] = notices_bench()
    report()


def report() -> None:
    r = RESULTS
    t = r["throughput"]
    say("")
    say("== Results (ratios measured in this run) ==")
    say(
        f"seed_demo (文山州 through the services) {r['seed_demo_s']:.1f} s (target <= 120 s); "
        f"seed_demo --scale province {r['seed_province_s']:.1f} s"
    )
    labels = {
        "uncached": "page cache off",
        "cached": "page cache on",
        "no_data_cache": "page and data cache off (reference)",
    }
    for kind, label in labels.items():
        f = t[kind]
        say(
            f"compound page, {label}: {f['compound_rps']:.0f} req/s vs bare Django view "
            f"{f['bare_rps']:.0f} req/s -> {f['ratio']:.2f}x"
        )
    say("queries per page, demo -> province:")
    for name, n in r["queries_demo"].items():
        say(f"  {name:16} {n:3d} -> {r['queries_province'][name]:3d}")
    say(
        "public pages at province scale, page cache off, in process (ms): "
        + ", ".join(f"{k} {v:.1f}" for k, v in r["latency_province_ms"].items())
    )
    s = r["scoped_listing"]
    say(
        f"compound listing for a street officer {s['scoped_ms']:.2f} ms vs unscoped "
        f"{s['unscoped_ms']:.2f} ms -> {s['ratio']:.2f}x"
    )
    from bench.admin_forms import report as forms_report

    forms_report(r["admin_forms"], say)
    i = r["import"]
    say(
        f"import of {i['units']:,} units {i['import_s']:.1f} s vs raw bulk insert "
        f"(bulk_create) {i['raw_s']:.1f} s -> {i['ratio']:.2f}x; vs COPY with no "
        f"checks {i['copy_s']:.1f} s -> {i['copy_ratio']:.2f}x"
    )
    from bench.votes import report as votes_report

    votes_report(r["votes"])
    from bench.notices import report as notices_report

    notices_report(r["notices"])
    (ROOT / "var").mkdir(exist_ok=True)
    (ROOT / "var" / "bench.json").write_text(json.dumps(r, indent=2, ensure_ascii=False))


if __name__ == "__main__":
    main()
