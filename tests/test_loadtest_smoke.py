"""`make loadtest` keeps working: its script, briefly, with two reviewers against gunicorn."""

import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the load test needs PostgreSQL"
)


def test_the_load_test_runs_and_checks_the_database(scratch_server_args):
    p = subprocess.run(
        [sys.executable, "scripts/loadtest.py", "--clients", "2", "--seconds", "4", *scratch_server_args],
        cwd=PROJECT, capture_output=True, text=True, timeout=300,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    assert "errors:            0" in p.stdout
    assert "database check:    ok" in p.stdout
    assert "requests/second:" in p.stdout and "latency p99:" in p.stdout
