"""What `make loadtest` and `make bench` share: a throwaway PostgreSQL database, production-like
settings for it, and gunicorn serving it on 127.0.0.1 for as long as a `with` block lasts."""

import contextlib
import os
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent


class NeedsPostgres(Exception):
    pass


def _server_url() -> str:
    server = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/postgres")
    if urllib.parse.urlsplit(server).scheme not in ("postgres", "postgresql"):
        raise NeedsPostgres("DATABASE_URL: this needs PostgreSQL")
    return server


def drop_database(name: str) -> None:
    import psycopg

    with psycopg.connect(_server_url(), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def scratch_database(name: str) -> tuple[str, str]:
    """(server URL, URL of a new empty database `name` on it), dropping any old one first."""
    import psycopg

    server = _server_url()
    drop_database(name)
    with psycopg.connect(server, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    parts = urllib.parse.urlsplit(server)
    return server, urllib.parse.urlunsplit(parts._replace(path="/" + name))


def production_env(db_url: str, **extra: str) -> dict:
    """DEBUG off with a fresh key, as in production, but plain HTTP on 127.0.0.1."""
    return {
        **os.environ, "DATABASE_URL": db_url, "DEBUG": "False", "SECRET_KEY": secrets.token_urlsafe(50),
        "SECURE_SSL_REDIRECT": "False", "SECURE_COOKIES": "False", "SECURE_HSTS_SECONDS": "0",
        "DJANGO_SETTINGS_MODULE": "config.settings", **extra,
    }


def migrate_and_collect(env: dict) -> None:
    for command in (["migrate", "--noinput"], ["collectstatic", "--noinput"]):
        subprocess.run([sys.executable, "manage.py", *command], cwd=PROJECT, env=env, check=True,
                       stdout=subprocess.DEVNULL)


@contextlib.contextmanager
def gunicorn(env: dict, port: int, workers: int):
    """gunicorn on 127.0.0.1:`port`; yields its base URL once it answers, stops it afterwards."""
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "config.wsgi", "--workers", str(workers),
         "--bind", f"127.0.0.1:{port}", "--timeout", "120", "--log-level", "warning"],
        cwd=PROJECT, env=env,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(60):
            # A gunicorn that could not bind (the port is taken) has exited: never measure
            # whatever else answers on that port.
            if process.poll() is not None:
                raise RuntimeError(f"gunicorn exited with status {process.returncode}; is port {port} taken?")
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=2).read()
                break
            except OSError:
                time.sleep(1)
        yield base
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)
