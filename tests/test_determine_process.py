"""`manage.py determine` as a real process, the way scripts call it: exit status, streams, no traceback.

Runs against a throwaway SQLite database migrated once, so it does not touch the test database.
"""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import EXAMPLES_DIR, PROJECT

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    db = tmp_path_factory.mktemp("determine") / "db.sqlite3"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{db}", "DJANGO_SETTINGS_MODULE": "config.settings"}
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput"],
        cwd=PROJECT, env=env, check=True, capture_output=True,
    )
    return env


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_it_answers_each_example_from_standard_input(env, example):
    spec = json.loads(example.read_text())
    p = subprocess.run(
        [sys.executable, "manage.py", "determine", "-"],
        cwd=PROJECT, env=env, input=json.dumps(spec["case"]), capture_output=True, text=True,
    )
    if spec["expected_outcome"] == "error":
        assert p.returncode == 2
        assert p.stdout == ""
        assert len(p.stderr.splitlines()) == 1 and "Traceback" not in p.stderr
        assert p.stderr.startswith("CommandError: ")
    else:
        assert p.returncode == 0, p.stderr
        assert json.loads(p.stdout)["outcome"] == spec["expected_outcome"]


def test_it_reports_an_unmigrated_database_in_one_line(tmp_path):
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'empty.sqlite3'}"}
    p = subprocess.run(
        [sys.executable, "manage.py", "determine", "-"],
        cwd=PROJECT, env=env, input='{"service": "hpc_boost", "transplant_type": "autologous",'
        ' "indication": "promote_engraftment"}', capture_output=True, text=True,
    )
    assert p.returncode == 1 and p.stdout == ""
    assert p.stderr.startswith("CommandError: database:") and len(p.stderr.splitlines()) == 1
