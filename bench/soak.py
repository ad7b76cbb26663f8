"""Load and fault test of the loopback production stack: `make soak`, run by scripts/with-stack.

Bounded clients (threads, one keep-alive connection each) send requests through nginx for a
fixed time, mixing public pages, search, the public API, staff admin pages (a signed-in
street officer's session), staff API reads and staff API writes (owner phone changes through
``PATCH /api/registry/owners/<id>/`` with a Wagtail API token). While they run, the faults are injected one after another with scripts/stackctl:
PostgreSQL restarted, Redis restarted, the task worker killed (SIGKILL) and started again.

Each fault opens a window at the moment it is injected, closed when both app instances answer
again, probed at once (a staff API read, which needs the primary, for PostgreSQL; /readyz's
cache and worker checks for Redis and the worker, and for the worker first the new process's
own heartbeat). A request whose time overlaps a window counts inside it.

Reported: requests, errors by kind inside and outside the windows, each window's length,
p50/p99 latency outside the windows (all requests and per kind), and **acknowledged writes
lost**: after the run every owner written to is read from the primary; its phone must be the
last acknowledged value (or a later attempt whose answer was lost) and its audit log must hold
at least one entry per acknowledged write. Writes var/soak.json (or --json).

    scripts/with-stack .venv/bin/python bench/soak.py [--clients 50] [--seconds 60]
        [--faults postgres,redis,worker] [--mix page=35,...] [--prepare] [--json PATH]

``--prepare`` only seeds the stack's database (if empty) and prints the plan as JSON.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
WRITE_PHONE_PREFIX = "139"
# Shares of the mix: public pages, search, public API, staff admin pages (session), staff
# API reads and writes (token). --mix replaces it (e.g. "staff_page=1" measures one kind).
MIX = "page=35,search=10,public_api=15,staff_page=10,staff_read=20,staff_write=10"


def say(text: str) -> None:
    print(text, flush=True)


def load_stack_env() -> None:
    """The application's environment as the stack runs it (host A's var/ directory)."""
    stack_dir = os.environ.get("STACK_DIR")
    if not stack_dir:
        sys.exit("soak: run inside scripts/with-stack (STACK_DIR is not set)")
    for line in Path(stack_dir, "app.env").read_text().splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            os.environ[key] = value
    os.environ["VAR_DIR"] = str(Path(stack_dir) / "host-a")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


# ---------------------------------------------------------------- plan (before the load)


def prepare(compounds: int, writers: int) -> dict:
    """Seed the stack's database if it is empty; a token for the street officer; the pages,
    API paths and owners the clients use (each writer gets owners of its own)."""
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.core.management import call_command
    from django.db import connections
    from wagtail.models import APIToken

    from estates import selectors
    from estates.models import Compound, Region

    if not Compound.objects.exists():
        started = time.monotonic()
        call_command("seed_demo", compounds=compounds, stdout=open(os.devnull, "w"))
        say(f"  seeded {Compound.objects.count()} compounds in {time.monotonic() - started:.0f} s")
    from django.contrib.auth import get_user_model

    officer = get_user_model().objects.get(username="jiedao")
    _token, token = APIToken.create_token(user=officer, name="压力测试")
    # A signed-in admin session, made directly (a password login costs ~1 s of hashing).
    session = SessionStore()
    session[SESSION_KEY] = str(officer.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = officer.get_session_auth_hash()
    session.create()
    visible = list(selectors.compound_list_visible_to(user=officer).values_list("pk", flat=True))
    owners = [
        o.pk
        for o in selectors.owner_list_visible_to(user=officer)[: writers * 6]
        if selectors.owner_identity_editable_by(user=officer, owner=o)
    ]
    if len(owners) < writers:
        raise RuntimeError(f"only {len(owners)} owners the street officer may edit")
    regions = list(Region.objects.order_by("level", "code").values_list("code", flat=True)[:40])
    public = list(Compound.objects.order_by("pk").values_list("pk", "name")[:200])
    words = sorted({name[:2] for _pk, name in public} | {"花园", "小区"})
    connections.close_all()
    return {
        "token": token,
        "session": session.session_key,
        "regions": regions,
        "compounds": [pk for pk, _name in public],
        "staff_compounds": visible[:50],
        "owners": owners,
        "words": words,
    }


# ---------------------------------------------------------------- the load


@dataclass
class Result:
    kind: str
    start: float
    end: float
    status: int | None  # None: no answer (the error says why)
    error: str = ""


@dataclass
class Write:
    owner: int
    phone: str
    start: float
    end: float
    acknowledged: bool


@dataclass
class Window:
    fault: str
    start: float
    end: float | None = None
    restarted: float | None = None  # the service itself is back (stackctl returned)


@dataclass
class Run:
    results: list[Result] = field(default_factory=list)
    writes: list[Write] = field(default_factory=list)
    windows: list[Window] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Client:
    def __init__(self, base: str, token: str | None = None, cookie: str | None = None):
        parts = urlsplit(base)
        self.host, self.port = parts.hostname, parts.port
        self.headers = {"Authorization": f"Bearer {token}"} if token else {}
        if cookie:
            self.headers["Cookie"] = cookie
        self.conn: http.client.HTTPConnection | None = None

    def request(self, method: str, path: str, body: dict | None = None) -> tuple[int, bytes]:
        if self.conn is None:
            self.conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
        headers = dict(self.headers)
        data = None
        if body is not None:
            data = json.dumps(body).encode()
            headers["Content-Type"] = "application/json"
        try:
            self.conn.request(method, path, body=data, headers=headers)
            response = self.conn.getresponse()
            payload = response.read()
        except Exception:
            self.close()
            raise
        if response.getheader("Connection", "").lower() == "close":
            self.close()
        return response.status, payload

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def error_kind(exc: BaseException) -> str:
    if isinstance(exc, TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionError | http.client.RemoteDisconnected):
        return "connection reset"
    return type(exc).__name__


def client_loop(n: int, plan: dict, run: Run, deadline: float, owners: list[int], mix: str) -> None:
    """One client: requests one after another until the deadline, writes to ``owners``."""
    rng = random.Random(n)
    anonymous = Client(os.environ["STACK_URL"])
    staff = Client(os.environ["STACK_URL"], plan["token"])
    kinds = [k for k, w in parse_mix(mix) for _ in range(w)]
    admin = Client(os.environ["STACK_URL"], cookie=f"sessionid={plan['session']}")
    seq = 0
    while time.monotonic() < deadline:
        kind = rng.choice(kinds)
        client, method, body = anonymous, "GET", None
        if kind == "page":
            path = rng.choice(
                ["/"]
                + [f"/r/{rng.choice(plan['regions'])}/"] * 2
                + [f"/c/{rng.choice(plan['compounds'])}/"] * 3
            )
        elif kind == "search":
            path = "/search/?q=" + quote(rng.choice(plan["words"]))
        elif kind == "public_api":
            path = rng.choice(
                [
                    f"/api/public/regions/{rng.choice(plan['regions'])}/",
                    f"/api/public/compounds/?q={quote(rng.choice(plan['words']))}",
                    f"/api/public/compounds/{rng.choice(plan['compounds'])}/",
                ]
            )
        elif kind == "staff_page":
            client = admin
            path = rng.choice(
                [
                    "/admin/",
                    "/admin/estates/compound/",
                    "/admin/estates/unit/",
                    "/admin/estates/owner/",
                    f"/admin/estates/compound/edit/{rng.choice(plan['staff_compounds'])}/",
                ]
            )
        elif kind == "staff_read":
            client = staff
            compound = rng.choice(plan["staff_compounds"])
            path = rng.choice(
                [
                    "/api/registry/compounds/",
                    f"/api/registry/compounds/{compound}/units/",
                    f"/api/registry/owners/?compound={compound}",
                    f"/api/registry/owners/{rng.choice(plan['owners'])}/",
                ]
            )
        else:
            client, method = staff, "PATCH"
            seq += 1
            owner = owners[seq % len(owners)]
            phone = f"{WRITE_PHONE_PREFIX}{n:03d}{seq:05d}"
            path, body = f"/api/registry/owners/{owner}/", {"phone": phone}
        start = time.monotonic()
        try:
            status, _payload = client.request(method, path, body)
            result = Result(kind, start, time.monotonic(), status)
        except Exception as exc:  # noqa: BLE001 - every failure is a finding of the run
            result = Result(kind, start, time.monotonic(), None, error_kind(exc))
        with run.lock:
            run.results.append(result)
            if method == "PATCH":
                run.writes.append(
                    Write(owner, phone, start, result.end, result.status == 200)  # type: ignore[arg-type]
                )
    for c in (anonymous, staff, admin):
        c.close()


def parse_mix(mix: str) -> list[tuple[str, int]]:
    pairs = [(k.strip(), int(w)) for k, _, w in (p.partition("=") for p in mix.split(",") if p)]
    unknown = {k for k, _ in pairs} - {k for k, _ in parse_mix_default()}
    if unknown:
        raise SystemExit(f"soak: unknown kinds in --mix: {sorted(unknown)}")
    return pairs


def parse_mix_default() -> list[tuple[str, int]]:
    return [(k, int(w)) for k, _, w in (p.partition("=") for p in MIX.split(","))]


# ---------------------------------------------------------------- faults


def stackctl(*args: str) -> None:
    subprocess.run([str(ROOT / "scripts" / "stackctl"), *args], check=True, timeout=120)


def instance_answers(base: str, token: str, check: str | None) -> bool:
    """One app instance answers: a staff read (needs the primary) when ``check`` is None,
    else /readyz with its ``check`` (cache, worker) ok, which also checks the primary."""
    client = Client(base, token)
    try:
        if check is None:
            status, _ = client.request("GET", "/api/registry/compounds/")
            return status == 200
        status, payload = client.request("GET", "/readyz")
        if status == 404:  # a stack without /readyz: the staff read decides
            status, _ = client.request("GET", "/api/registry/compounds/")
            return status == 200
        checks = json.loads(payload).get("checks", {})
        return bool(checks.get(check, {}).get("ok", True))
    except (OSError, http.client.HTTPException, ValueError):
        return False
    finally:
        client.close()


def wait_until_instances_answer(token: str, check: str | None, give_up: float) -> None:
    """Probe both app instances at once, each until it answers: recovery is when the
    later of the two is back (probing them one after the other would add one probe's
    queueing time to the other's)."""

    def probe(base: str) -> None:
        while not instance_answers(base, token, check) and time.monotonic() < give_up:
            time.sleep(0.05)

    probes = [
        threading.Thread(target=probe, args=(os.environ[name],), daemon=True)
        for name in ("STACK_APP_A_URL", "STACK_APP_B_URL")
    ]
    for thread in probes:
        thread.start()
    for thread in probes:
        thread.join()


def wait_for_new_worker(*, since, give_up: float) -> None:
    from django.db import connection

    from common.ops.models import WorkerHeartbeat

    while time.monotonic() < give_up:
        try:
            if WorkerHeartbeat.objects.filter(started_at__gte=since).exists():
                return
        except Exception:  # noqa: BLE001 - the database may be busy: ask again
            connection.close()
        time.sleep(0.05)


def inject(fault: str, run: Run, token: str) -> None:
    from django.utils import timezone

    window = Window(fault, time.monotonic())
    with run.lock:
        run.windows.append(window)
    if fault == "postgres":
        stackctl("restart", "postgres")
        check = None
    elif fault == "redis":
        stackctl("restart", "redis")
        check = "cache"
    elif fault == "worker":
        killed_at = timezone.now()
        stackctl("kill", "worker")
        stackctl("start", "worker")
        check = "worker"
    else:
        raise ValueError(fault)
    window.restarted = time.monotonic()
    give_up = time.monotonic() + 60
    if fault == "worker":
        # The killed worker's last heartbeat stays fresh for a while: the worker is back
        # when the new process has recorded its own.
        wait_for_new_worker(since=killed_at, give_up=give_up)
    wait_until_instances_answer(token, check, give_up=give_up)
    window.end = time.monotonic()


def fault_loop(faults: list[str], run: Run, token: str, started: float, seconds: float) -> None:
    for i, fault in enumerate(faults, start=1):
        at = started + seconds * i / (len(faults) + 1)
        time.sleep(max(0.0, at - time.monotonic()))
        inject(fault, run, token)


# ---------------------------------------------------------------- CPU used by the stack


def stack_roots() -> dict[str, int]:
    """The main process of each service (its workers and backends are its descendants)."""
    stack = Path(os.environ["STACK_DIR"])
    files = {
        "app": [stack / "run" / "app-a.pid", stack / "run" / "app-b.pid"],
        "postgres": [stack / "pg" / "primary" / "postmaster.pid"],
        "replica": [stack / "pg" / "replica" / "postmaster.pid"],
        "redis": [stack / "run" / "redis.pid"],
        "nginx": [stack / "nginx" / "nginx.pid"],
        "worker": [stack / "run" / "worker.pid"],
    }
    roots = {}
    for service, paths in files.items():
        for i, path in enumerate(paths):
            try:
                roots[f"{service}:{i}"] = int(path.read_text().split()[0])
            except (OSError, ValueError, IndexError):
                pass
    return roots


def cpu_seconds() -> dict[str, float]:
    """CPU time of each service: its main process, the children it has reaped and the
    descendants alive now (user + system, from /proc)."""
    stats: dict[int, tuple[int, float, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        ppid = int(fields[1])
        own = int(fields[11]) + int(fields[12])
        reaped = int(fields[13]) + int(fields[14])
        stats[int(entry.name)] = (ppid, own, reaped)
    children: dict[int, list[int]] = {}
    for pid, (ppid, _own, _reaped) in stats.items():
        children.setdefault(ppid, []).append(pid)
    tick = os.sysconf("SC_CLK_TCK")
    totals: dict[str, float] = {}
    for name, root in stack_roots().items():
        if root not in stats:
            continue
        total, todo = stats[root][2], [root]
        while todo:
            pid = todo.pop()
            total += stats[pid][1]
            todo.extend(children.get(pid, []))
        service = name.split(":")[0]
        totals[service] = totals.get(service, 0.0) + total / tick
    return totals


# ---------------------------------------------------------------- verdict


def lost_writes(writes: list[Write], since_wall: float) -> list[str]:
    """Every acknowledged write, checked on the primary (see the module docstring)."""
    import datetime as dt

    from django.contrib.contenttypes.models import ContentType
    from django.db import connections
    from wagtail.models import ModelLogEntry

    from estates.models import Owner

    connections.close_all()
    by_owner: dict[int, list[Write]] = {}
    for w in sorted(writes, key=lambda w: w.start):
        by_owner.setdefault(w.owner, []).append(w)
    phones = dict(Owner.objects.filter(pk__in=by_owner).values_list("pk", "phone"))
    content_type = ContentType.objects.get_for_model(Owner)
    since = dt.datetime.fromtimestamp(since_wall, tz=dt.UTC)
    logged: dict[str, int] = {}
    for object_id in ModelLogEntry.objects.filter(
        content_type=content_type, action="wagtail.edit", timestamp__gte=since
    ).values_list("object_id", flat=True):
        logged[object_id] = logged.get(object_id, 0) + 1
    lost = []
    for owner, history in by_owner.items():
        acked = [w for w in history if w.acknowledged]
        if not acked:
            continue
        last = acked[-1]
        # A later attempt without an answer may have committed after all.
        allowed = {last.phone} | {w.phone for w in history if w.start > last.start}
        if phones.get(owner) not in allowed:
            lost.append(f"owner {owner}: phone {phones.get(owner)}, acknowledged {last.phone}")
        if logged.get(str(owner), 0) < len(acked):
            lost.append(
                f"owner {owner}: {logged.get(str(owner), 0)} audit entries, {len(acked)} acknowledged"
            )
    return lost


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def report(
    run: Run, seconds: float, lost: list[str], clients: int, mix: str, cpu: dict[str, float]
) -> dict:
    def window_of(r: Result) -> str | None:
        for w in run.windows:
            if r.start <= (w.end or w.start) and r.end >= w.start:
                return w.fault
        return None

    errors: dict[str, dict[str, int]] = {"inside": {}, "outside": {}}
    latency: dict[str, list[float]] = {}
    for r in run.results:
        fault = window_of(r)
        where = "outside" if fault is None else "inside"
        if r.status is None or r.status >= 400:
            what = r.error or f"HTTP {r.status}"
            key = f"{r.kind}: {what}" if fault is None else f"{fault} window, {r.kind}: {what}"
            errors[where][key] = errors[where].get(key, 0) + 1
        elif where == "outside":
            latency.setdefault(r.kind, []).append((r.end - r.start) * 1e3)
    every = [ms for values in latency.values() for ms in values]
    figures = {
        "clients": clients,
        "mix": mix,
        "seconds": seconds,
        "requests": len(run.results),
        "requests_per_second": round(len(run.results) / seconds, 1),
        "errors_inside_windows": errors["inside"],
        "errors_outside_windows": errors["outside"],
        "windows": [
            {
                "fault": w.fault,
                "seconds": round((w.end or w.start) - w.start, 2),
                "service_back_after": round((w.restarted or w.start) - w.start, 2),
            }
            for w in run.windows
        ],
        "latency_ms_outside_windows": {
            "all": {
                "p50": round(percentile(every, 0.5), 1),
                "p99": round(percentile(every, 0.99), 1),
            },
            **{
                kind: {
                    "n": len(v),
                    "p50": round(percentile(v, 0.5), 1),
                    "p99": round(percentile(v, 0.99), 1),
                }
                for kind, v in sorted(latency.items())
            },
        },
        # With no fault: CPU seconds each service used, and per request (all services).
        "cpu_seconds": {k: round(v, 2) for k, v in cpu.items()},
        "cpu_ms_per_request": round(sum(cpu.values()) * 1e3 / max(1, len(run.results)), 2)
        if cpu
        else None,
        "writes_acknowledged": sum(w.acknowledged for w in run.writes),
        "writes_attempted": len(run.writes),
        "acknowledged_writes_lost": len(lost),
        "lost": lost[:20],
    }
    return figures


def show(f: dict) -> None:
    say(
        f"soak: {f['clients']} clients, {f['seconds']:.0f} s, {f['requests']} requests "
        f"({f['requests_per_second']}/s)"
    )
    for w in f["windows"]:
        say(
            f"  fault {w['fault']}: window {w['seconds']} s "
            f"(service back after {w['service_back_after']} s)"
        )
    for where in ("inside", "outside"):
        errs = f[f"errors_{where}_windows"]
        total = sum(errs.values())
        detail = "; ".join(f"{k} ×{v}" for k, v in sorted(errs.items()))
        say(f"  errors {where} the windows: {total}" + (f" ({detail})" if detail else ""))
    for kind, v in f["latency_ms_outside_windows"].items():
        say(f"  latency {kind}: p50 {v['p50']} ms, p99 {v['p99']} ms")
    if f["cpu_ms_per_request"] is not None:
        say(
            f"  CPU per request: {f['cpu_ms_per_request']} ms ("
            + ", ".join(f"{k} {v} s" for k, v in f["cpu_seconds"].items())
            + ")"
        )
    say(
        f"  writes: {f['writes_acknowledged']} acknowledged of {f['writes_attempted']}; "
        f"acknowledged writes lost: {f['acknowledged_writes_lost']}"
    )
    for line in f["lost"]:
        say(f"    {line}")


def main() -> int:
    parser = argparse.ArgumentParser(description="Load and fault test (module docstring).")
    parser.add_argument("--clients", type=int, default=int(os.environ.get("SOAK_CLIENTS", 50)))
    parser.add_argument("--seconds", type=float, default=float(os.environ.get("SOAK_SECONDS", 60)))
    parser.add_argument("--faults", default=os.environ.get("SOAK_FAULTS", "postgres,redis,worker"))
    parser.add_argument("--mix", default=os.environ.get("SOAK_MIX", MIX))
    parser.add_argument("--compounds", type=int, default=12, help="compounds to seed if empty")
    parser.add_argument("--prepare", action="store_true")
    parser.add_argument("--json", default=str(ROOT / "var" / "soak.json"))
    args = parser.parse_args()
    parse_mix(args.mix)
    load_stack_env()
    plan = prepare(args.compounds, writers=args.clients)
    if args.prepare:
        sys.stdout.write(json.dumps(plan) + "\n")
        return 0
    faults = [f for f in args.faults.split(",") if f]
    if "worker" in faults and os.environ.get("STACK_WORKER") != "1":
        say("  no task worker in this stack: the worker fault is left out")
        faults.remove("worker")
    # Every client writes to owners of its own, so each owner's last write is known.
    shares = [plan["owners"][n :: args.clients] for n in range(args.clients)]
    run = Run()
    cpu_before = cpu_seconds()
    since_wall = time.time() - 1
    started = time.monotonic()
    deadline = started + args.seconds
    threads = [
        threading.Thread(
            target=client_loop,
            args=(n, plan, run, deadline, shares[n], args.mix),
            daemon=True,
        )
        for n in range(args.clients)
    ]
    for t in threads:
        t.start()
    fault_loop(faults, run, plan["token"], started, args.seconds)
    for t in threads:
        t.join()
    elapsed = time.monotonic() - started
    cpu_after = cpu_seconds()
    cpu = {} if faults else {k: cpu_after[k] - cpu_before.get(k, 0.0) for k in cpu_after}
    figures = report(run, elapsed, lost_writes(run.writes, since_wall), args.clients, args.mix, cpu)
    show(figures)
    Path(args.json).parent.mkdir(parents=True, exist_ok=True)
    Path(args.json).write_text(json.dumps(figures, ensure_ascii=False, indent=2))
    ok = not figures["acknowledged_writes_lost"] and not figures["errors_outside_windows"]
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
