"""Backups of the PostgreSQL database and the uploaded files, and their restore.

``scripts/backup [DEST]`` writes ``DEST/governance-<UTC time>/`` holding:

- ``database.dump``: ``pg_dump`` custom format, taken in one snapshot while writes go on;
- ``media.tar.gz`` (public uploads, MEDIA_ROOT) and ``private.tar.gz`` (registry sheets,
  papers, ballots: PRIVATE_ROOT), archived after the snapshot, so every file a row of the
  dump names is in them (a file is stored before its row commits);
- ``manifest.json``: the row count of every table and a digest of the audit log, both read
  in the dump's own snapshot, plus each file's SHA-256.

``scripts/restore BACKUP_DIR`` loads it into the empty database at DATABASE_URL and empty
file directories, refuses a database that already holds tables, and checks the restored row
counts and audit log against the manifest (exit status 1 on any difference).

Both read DATABASE_URL (PostgreSQL) and MEDIA_ROOT / PRIVATE_ROOT (default under VAR_DIR,
itself default var/, as the settings do); no Django settings are loaded.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parent.parent
# Wagtail's audit log: every change made through the services (log(...)) and to pages.
AUDIT_TABLES = ("wagtailcore_modellogentry", "wagtailcore_pagelogentry")
FILE_SETS = ("media", "private")


def say(text: str) -> None:
    sys.stderr.write(text + "\n")


def database_url() -> str:
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        sys.exit("DATABASE_URL must name a PostgreSQL database")
    return url


def file_roots(args: argparse.Namespace) -> dict[str, Path]:
    var = Path(os.environ.get("VAR_DIR", ROOT / "var"))
    return {
        "media": Path(args.media or os.environ.get("MEDIA_ROOT", var / "media")),
        "private": Path(args.private or os.environ.get("PRIVATE_ROOT", var / "private")),
    }


def user_tables(cursor) -> list[str]:
    cursor.execute(
        "select c.relname from pg_class c join pg_namespace n on n.oid = c.relnamespace"
        " where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname"
    )
    return [name for (name,) in cursor.fetchall()]


def table_counts(cursor) -> dict[str, int]:
    counts = {}
    for table in user_tables(cursor):
        cursor.execute(f'select count(*) from "{table}"')
        counts[table] = cursor.fetchone()[0]
    return counts


def audit_digest(cursor) -> dict[str, dict]:
    """Per audit table: rows, last id and an MD5 over every row's text in id order."""
    present = set(user_tables(cursor))
    digests = {}
    for table in AUDIT_TABLES:
        if table not in present:
            continue
        cursor.execute(
            f"select count(*), coalesce(max(id), 0), md5(coalesce(string_agg(t::text, E'\\n' order by id), '')) from \"{table}\" t"
        )
        rows, last_id, md5 = cursor.fetchone()
        digests[table] = {"rows": rows, "last_id": last_id, "md5": md5}
    return digests


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def archive(source: Path, target: Path) -> dict:
    files = size = 0
    with tarfile.open(target, "w:gz") as tar:
        if source.is_dir():
            for path in sorted(source.rglob("*")):
                if path.is_file():
                    tar.add(path, arcname=str(path.relative_to(source)), recursive=False)
                    files += 1
                    size += path.stat().st_size
    return {"files": files, "bytes": size, "sha256": sha256(target)}


def backup(args: argparse.Namespace) -> int:
    url = database_url()
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    target = Path(args.dest) / f"governance-{stamp}"
    target.mkdir(parents=True)
    manifest: dict = {"created_at": dt.datetime.now(dt.UTC).isoformat(timespec="seconds")}
    # One REPEATABLE READ transaction exports its snapshot to pg_dump and counts the rows
    # in it: the dump and the manifest describe the same moment, whatever commits meanwhile.
    with psycopg.connect(url) as conn:
        conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
        conn.read_only = True
        with conn.cursor() as cursor:
            cursor.execute("select pg_export_snapshot(), current_setting('server_version')")
            snapshot, version = cursor.fetchone()
            dump = target / "database.dump"
            subprocess.run(
                ["pg_dump", "--format=custom", f"--snapshot={snapshot}", f"--file={dump}", url],
                check=True,
            )
            manifest["database"] = {
                "server_version": version,
                "dump_sha256": sha256(dump),
                "tables": table_counts(cursor),
                "audit": audit_digest(cursor),
            }
    manifest["files"] = {
        name: archive(root, target / f"{name}.tar.gz") for name, root in file_roots(args).items()
    }
    (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
    tables = manifest["database"]["tables"]
    say(
        f"backup {target}: {len(tables)} tables, {sum(tables.values())} rows, "
        + ", ".join(f"{k} {v['files']} files" for k, v in manifest["files"].items())
    )
    sys.stdout.write(f"{target}\n")
    return 0


def restore(args: argparse.Namespace) -> int:
    url = database_url()
    source = Path(args.backup)
    manifest = json.loads((source / "manifest.json").read_text())
    dump = source / "database.dump"
    if sha256(dump) != manifest["database"]["dump_sha256"]:
        sys.exit(f"{dump}: checksum differs from the manifest; the backup is damaged")
    roots = file_roots(args)
    with psycopg.connect(url, autocommit=True) as conn, conn.cursor() as cursor:
        cursor.execute(
            "select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace"
            " where c.relkind in ('r', 'p', 'v', 'm', 'S')"
            " and n.nspname not in ('pg_catalog', 'information_schema')"
            " and n.nspname not like 'pg\\_toast%'"
        )
        if cursor.fetchone()[0]:
            sys.exit("refused: the target database is not empty (restore into a new database)")
    for root in roots.values():
        if root.is_dir() and any(p.is_file() for p in root.rglob("*")):
            sys.exit(f"refused: {root} already holds files (restore into empty directories)")
    subprocess.run(
        [
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={url}",
            str(dump),
        ],
        check=True,
    )
    for name, root in roots.items():
        packed = source / f"{name}.tar.gz"
        if sha256(packed) != manifest["files"][name]["sha256"]:
            sys.exit(f"{packed}: checksum differs from the manifest; the backup is damaged")
        root.mkdir(parents=True, exist_ok=True)
        with tarfile.open(packed) as tar:
            tar.extractall(root, filter="data")
    with psycopg.connect(url) as conn, conn.cursor() as cursor:
        found = {"tables": table_counts(cursor), "audit": audit_digest(cursor)}
    wrong = [
        f"{kind} {name}: {manifest['database'][kind].get(name)} in the backup, {value} restored"
        for kind in ("tables", "audit")
        for name, value in found[kind].items()
        if manifest["database"][kind].get(name) != value
    ]
    wrong += [
        f"tables {name}: missing after restore"
        for name in manifest["database"]["tables"]
        if name not in found["tables"]
    ]
    if wrong:
        say("restore differs from the backup:\n  " + "\n  ".join(wrong))
        return 1
    say(
        f"restored {source}: {len(found['tables'])} tables, {sum(found['tables'].values())} rows "
        "and the audit log match the manifest"
    )
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    b = sub.add_parser("backup")
    b.add_argument("dest", nargs="?", default=str(ROOT / "var" / "backups"))
    r = sub.add_parser("restore")
    r.add_argument("backup")
    for p in (b, r):
        p.add_argument("--media", help="MEDIA_ROOT (default from the environment)")
        p.add_argument("--private", help="PRIVATE_ROOT (default from the environment)")
    args = parser.parse_args()
    if shutil.which("pg_dump") is None:
        sys.exit("pg_dump is missing: apt-get install postgresql-client")
    return backup(args) if args.command == "backup" else restore(args)


if __name__ == "__main__":
    sys.exit(main())
