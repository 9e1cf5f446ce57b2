"""Settings from the environment: typed helpers, and production refusing a missing SECRET_KEY."""

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from config.settings import envbool, envint, envlist
from tests.conftest import PROJECT


def load_settings(**env_vars):
    env = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "SECRET_KEY", "DATABASE_URL")}
    env.update(env_vars)
    return subprocess.run(
        [sys.executable, "-c", "import config.settings as s; print(s.DEBUG, s.DATABASES['default']['ENGINE'], s.TIME_ZONE)"],
        cwd=PROJECT, env=env, capture_output=True, text=True,
    )


def test_it_runs_on_sqlite_with_nothing_set():
    p = load_settings()
    assert p.returncode == 0, p.stderr
    assert p.stdout.split() == ["True", "django.db.backends.sqlite3", "America/New_York"]


REAL_KEY = "k7#Qv9!mZ2@pL4$wX8^rT1&yB6*nC3(eF5)hJ0-uA"  + "s9dG2kL5pQ8"


@pytest.mark.parametrize("key", [None, "short-but-random-7Qv9mZ2", "x" * 60, "django-insecure-" + "a1b2c3d4e5" * 5])
def test_it_refuses_to_start_in_production_without_a_real_secret_key(key):
    p = load_settings(DEBUG="False", **({"SECRET_KEY": key} if key else {}))
    assert p.returncode != 0
    assert "SECRET_KEY must be set" in p.stderr


def test_production_settings_pass_the_deploy_check_with_no_warnings():
    # DJANGO_ALLOW_ASYNC_UNSAFE belongs to the browser tests' harness, never to a deployment.
    harness = ("DEBUG", "SECRET_KEY", "DJANGO_ALLOW_ASYNC_UNSAFE")
    env = {k: v for k, v in os.environ.items() if k not in harness}
    env.update(DEBUG="False", SECRET_KEY=REAL_KEY, ALLOWED_HOSTS="review.example.org")
    p = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT, env=env, capture_output=True, text=True,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "System check identified no issues" in p.stdout


def test_it_starts_in_production_with_a_real_secret_key_and_postgres():
    p = load_settings(DEBUG="False", SECRET_KEY=REAL_KEY, DATABASE_URL="postgres://u@db:5432/app")
    assert p.returncode == 0, p.stderr
    assert p.stdout.split()[:2] == ["False", "django.db.backends.postgresql"]


def test_envbool_reads_the_usual_spellings(monkeypatch):
    monkeypatch.setenv("FLAG", "yes")
    assert envbool("FLAG", "False") is True
    monkeypatch.setenv("FLAG", "0")
    assert envbool("FLAG", "True") is False
    monkeypatch.delenv("FLAG")
    assert envbool("FLAG", "True") is True
    monkeypatch.setenv("FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured, match="FLAG must be true or false"):
        envbool("FLAG", "True")


def test_envint_and_envlist(monkeypatch):
    monkeypatch.setenv("N", "12")
    assert envint("N", "3") == 12
    monkeypatch.setenv("N", "twelve")
    with pytest.raises(ImproperlyConfigured, match="N must be a whole number"):
        envint("N", "3")
    monkeypatch.setenv("HOSTS", "a.example, b.example,,")
    assert envlist("HOSTS", "") == ["a.example", "b.example"]
