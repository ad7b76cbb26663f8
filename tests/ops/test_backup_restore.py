"""scripts/backup and scripts/restore on PostgreSQL: a seeded database with an audit log
and uploaded files comes back row for row; a restore into a database that holds tables is
refused and leaves it as it was."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.db import connection
from wagtail.log_actions import log

from tests.factories import build_tree, make_user

ROOT = Path(__file__).resolve().parents[2]

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture(autouse=True)
def _postgres_only():
    if connection.vendor != "postgresql":
        pytest.skip("backups are pg_dump archives: run under scripts/with-postgres")


def url_for(dbname: str) -> str:
    s = connection.settings_dict
    password = f":{s['PASSWORD']}" if s.get("PASSWORD") else ""
    return f"postgresql://{s['USER']}{password}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{dbname}"


def run(script: str, *args: str, database: str, media: Path, private: Path):
    env = {**os.environ, "DATABASE_URL": url_for(database)}
    return subprocess.run(
        [str(ROOT / "scripts" / script), *args, "--media", str(media), "--private", str(private)],
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def snapshot(dbname: str) -> dict:
    """Every table's row count and the audit log's rows, read from the database itself."""
    with psycopg.connect(url_for(dbname)) as conn, conn.cursor() as cursor:
        cursor.execute("select tablename from pg_tables where schemaname = 'public'")
        counts = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f'select count(*) from "{table}"')
            counts[table] = cursor.fetchone()[0]
        cursor.execute(
            "select id, action, object_id, content_type_id, user_id, timestamp, data::text"
            " from wagtailcore_modellogentry order by id"
        )
        audit = cursor.fetchall()
    return {"counts": counts, "audit": audit}


@pytest.fixture
def target_db():
    name = f"restore_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url_for("postgres"), autocommit=True) as conn:
        conn.execute(f'create database "{name}"')
    yield name
    with psycopg.connect(url_for("postgres"), autocommit=True) as conn:
        conn.execute(f'drop database if exists "{name}" with (force)')


def test_restore_brings_back_every_row_the_audit_log_and_the_files(tmp_path, target_db):
    tree = build_tree()
    officer = make_user("backup_officer")
    owner = tree.compounds[0].ownerships.first().owner
    owner.phone = "13912345678"
    owner.save(update_fields=["phone"])
    log(instance=owner, action="wagtail.edit", user=officer)
    log(instance=tree.compounds[0], action="wagtail.edit", user=officer)
    media, private = tmp_path / "media", tmp_path / "private"
    (media / "images").mkdir(parents=True)
    (media / "images" / "photo.jpg").write_bytes(b"\xff\xd8 photo")
    (private / "registry").mkdir(parents=True)
    (private / "registry" / "sheet.xlsx").write_bytes(b"PK sheet")
    source = connection.settings_dict["NAME"]
    before = snapshot(source)
    assert before["counts"]["estates_owner"] >= 4
    assert len(before["audit"]) >= 2

    made = run("backup", str(tmp_path / "backups"), database=source, media=media, private=private)
    assert made.returncode == 0, made.stderr
    backup_dir = Path(made.stdout.strip())
    assert (backup_dir / "database.dump").stat().st_size > 0

    restored_media, restored_private = tmp_path / "r-media", tmp_path / "r-private"
    done = run(
        "restore",
        str(backup_dir),
        database=target_db,
        media=restored_media,
        private=restored_private,
    )
    assert done.returncode == 0, done.stderr
    after = snapshot(target_db)
    assert after["counts"] == before["counts"]
    assert after["audit"] == before["audit"]
    assert (restored_media / "images" / "photo.jpg").read_bytes() == b"\xff\xd8 photo"
    assert (restored_private / "registry" / "sheet.xlsx").read_bytes() == b"PK sheet"


def test_restore_into_a_database_with_tables_is_refused(tmp_path, target_db):
    build_tree()
    source = connection.settings_dict["NAME"]
    empty = tmp_path / "empty"
    made = run("backup", str(tmp_path / "backups"), database=source, media=empty, private=empty)
    assert made.returncode == 0, made.stderr
    with psycopg.connect(url_for(target_db), autocommit=True) as conn:
        conn.execute("create table kept (id int)")
        conn.execute("insert into kept values (1)")

    refused = run("restore", made.stdout.strip(), database=target_db, media=empty, private=empty)

    assert refused.returncode != 0
    assert "not empty" in refused.stderr
    with psycopg.connect(url_for(target_db)) as conn:
        tables = conn.execute(
            "select tablename from pg_tables where schemaname = 'public'"
        ).fetchall()
        assert tables == [("kept",)]
