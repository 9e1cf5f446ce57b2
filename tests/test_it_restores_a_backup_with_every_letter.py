"""The README's backup and restore, rehearsed: scripts/backup-db dumps the database with letters and
notices committed in it, scripts/restore-db loads the dump into a new, empty database, and
`manage.py verify_letters` run there finds every letter and notice, unchanged; every table keeps
all its rows. restore-db refuses a database that already has tables (HIPAA Security Rule,
45 CFR 164.308(a)(7)(ii)(A), (B) and (D): a backup known to restore, and a restore rehearsed)."""

import os
import secrets
import shutil
import subprocess
import sys
import urllib.parse

import psycopg
import pytest
from django.db import connection

from tests.conftest import PROJECT
from tests.test_it_verifies_stored_letters import extended_and_approved

TOOLS = ("pg_dump", "pg_restore", "psql")


@pytest.fixture(autouse=True)
def postgresql_tools():
    """Skip where the backup cannot run (no PostgreSQL, no client tools), unless this is CI, where
    the rehearsal must not silently vanish."""
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if connection.vendor != "postgresql" or missing:
        reason = f"{', '.join(missing)} not on PATH" if missing else "the database is not PostgreSQL"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must rehearse the restore: {reason}")
        pytest.skip(reason)


def url_of(name: str) -> str:
    """A postgres:// URL of database `name` on the test database's server, as the scripts take it."""
    s = connection.settings_dict
    auth = urllib.parse.quote(s["USER"] or "", safe="")
    if s["PASSWORD"]:
        auth += ":" + urllib.parse.quote(s["PASSWORD"], safe="")
    query = {}
    host = s["HOST"] or ""
    if host.startswith("/"):  # a Unix socket directory
        query["host"], host = host, ""
    if sslmode := (s.get("OPTIONS") or {}).get("sslmode"):
        query["sslmode"] = sslmode
    netloc = f"{auth}@{host}" if auth else host
    if s["PORT"]:
        netloc += f":{s['PORT']}"
    return urllib.parse.urlunsplit(("postgres", netloc, "/" + name, urllib.parse.urlencode(query), ""))


def quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def admin(sql: str) -> None:
    """CREATE or DROP DATABASE, which no transaction may hold: on a connection of its own."""
    with psycopg.connect(url_of(connection.settings_dict["NAME"]), autocommit=True) as conn:
        conn.execute(sql)


def scratch_name(purpose: str) -> str:
    """A database name of this run's own, beside the test database's (test_<name>_...)."""
    return f"{connection.settings_dict['NAME'][:40]}_{purpose}_{secrets.token_hex(4)}"


def row_counts(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        tables = [t for (t,) in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )]
        return {t: conn.execute(f"SELECT count(*) FROM {quoted(t)}").fetchone()[0] for t in tables}


def run(*args, env=None) -> subprocess.CompletedProcess:
    return subprocess.run(args, cwd=PROJECT, env=env, capture_output=True, text=True, timeout=300)


def verify_letters(url: str) -> subprocess.CompletedProcess:
    """`manage.py verify_letters` on the database at `url`, as an operator runs it after a restore."""
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings", "DB_CONN_MAX_AGE": "0"}
    env.pop("DEBUG", None)
    return run(sys.executable, "manage.py", "verify_letters", env=env)


def test_it_restores_a_backup_with_every_letter(seeded, approved, make_review, nurse, tmp_path):
    notice, second = extended_and_approved(make_review, nurse)  # and `approved`: two letters, one notice
    source = url_of(connection.settings_dict["NAME"])
    backup = tmp_path / "coverage.dump"

    p = run("scripts/backup-db", source, str(backup))
    assert p.returncode == 0, p.stderr
    assert backup.stat().st_size > 0

    target_name = scratch_name("restored")
    target = url_of(target_name)
    admin(f"CREATE DATABASE {quoted(target_name)} TEMPLATE template0")
    try:
        p = run("scripts/restore-db", str(backup), target)
        assert p.returncode == 0, p.stderr

        p = verify_letters(target)
        assert (p.returncode, p.stderr) == (0, ""), p.stderr
        assert p.stdout.splitlines() == ["Checked 2 letters and 1 notice: all match."]

        # Nothing lost: every table, the record's included, has as many rows as in the source.
        restored = row_counts(target)
        original = row_counts(source)
        assert restored == original
        for table in ("coverage_app_letter", "coverage_app_notice", "coverage_app_determination",
                      "coverage_app_reviewevent", "coverage_app_review"):
            assert original[table] > 0, table

        # A second restore over the restored database is refused, and leaves it as it was.
        p = run("scripts/restore-db", str(backup), target)
        assert p.returncode == 1 and p.stdout == ""
        assert p.stderr.startswith("error: DATABASE_URL: the database is not empty (") and p.stderr.count("\n") == 1
        assert row_counts(target) == original

        # The record's triggers came back with it: an issued letter still cannot be changed...
        with pytest.raises(psycopg.errors.RaiseException, match="cannot be changed"), psycopg.connect(target) as conn:
            conn.execute("UPDATE coverage_app_letter SET pdf = '' WHERE determination_id = %s", [second.pk])
        # ...except by a damaged restore or a storage fault, which the same check catches: exit status 1.
        with psycopg.connect(target) as conn:
            conn.execute("SET LOCAL session_replication_role = replica")
            conn.execute("UPDATE coverage_app_letter SET pdf = pdf || '\\x00'::bytea WHERE determination_id = %s",
                         [second.pk])
        p = verify_letters(target)
        assert p.returncode == 1 and "Traceback" not in p.stderr
        lines = p.stdout.splitlines()
        assert len(lines) == 2 and lines[0].startswith(f"MISMATCH letter {second.reference_number} ")
        assert lines[1] == "Checked 2 letters and 1 notice: 1 does not match."
    finally:
        admin(f"DROP DATABASE IF EXISTS {quoted(target_name)} WITH (FORCE)")


def test_it_refuses_to_restore_into_a_database_that_has_tables(db, tmp_path):
    source_name, target_name = scratch_name("backedup"), scratch_name("inuse")
    backup = tmp_path / "small.dump"
    try:
        for name in (source_name, target_name):
            admin(f"CREATE DATABASE {quoted(name)} TEMPLATE template0")
        with psycopg.connect(url_of(source_name)) as conn:
            conn.execute("CREATE TABLE restored_here (x int)")
        with psycopg.connect(url_of(target_name)) as conn:
            conn.execute("CREATE TABLE already_here (x int)")
            conn.execute("INSERT INTO already_here VALUES (1)")
        assert run("scripts/backup-db", url_of(source_name), str(backup)).returncode == 0

        p = run("scripts/restore-db", str(backup), url_of(target_name))
        assert (p.returncode, p.stdout) == (1, "")
        assert p.stderr == (
            "error: DATABASE_URL: the database is not empty (1 tables in schema public); "
            "restore only into a new, empty database (createdb NAME)\n"
        )
        assert row_counts(url_of(target_name)) == {"already_here": 1}
    finally:
        for name in (source_name, target_name):
            admin(f"DROP DATABASE IF EXISTS {quoted(name)} WITH (FORCE)")


@pytest.mark.parametrize("args", [[], ["only-one"], ["a", "b", "c"]])
def test_the_scripts_answer_wrong_arguments_with_their_usage(args):
    for script, usage in (("scripts/backup-db", "DATABASE_URL FILE"), ("scripts/restore-db", "FILE DATABASE_URL")):
        p = run(script, *args)
        assert (p.returncode, p.stdout, p.stderr) == (2, "", f"usage: {script} {usage}\n")


def test_the_scripts_refuse_swapped_arguments_and_never_overwrite_a_backup(tmp_path):
    url, old = "postgres://postgres@127.0.0.1:5432/anything", tmp_path / "last-good.dump"
    old.write_bytes(b"the last good backup")
    p = run("scripts/backup-db", str(old), url)  # restore-db's order
    assert p.returncode == 2 and p.stderr.startswith("error: DATABASE_URL: expected postgres://")
    p = run("scripts/restore-db", url, str(old))  # backup-db's order
    assert p.returncode == 2 and p.stderr.startswith("error: DATABASE_URL: expected postgres://")
    p = run("scripts/backup-db", url, str(old))
    assert (p.returncode, p.stderr) == (2, f"error: FILE: {old} already exists; choose a new name (it may be "
                                           "the last good backup)\n")
    p = run("scripts/restore-db", str(old), url)
    assert p.returncode == 2 and p.stderr.startswith(f"error: FILE: {old} is not a backup made by scripts/backup-db")
    assert old.read_bytes() == b"the last good backup"
