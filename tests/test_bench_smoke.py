"""`make bench` keeps working: its script, on a few hundred reviews, writes every figure."""

import json
import os
import subprocess
import sys

import pytest

from tests.conftest import PROJECT

pytestmark = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="the benchmark needs PostgreSQL"
)


def test_the_benchmark_runs_and_writes_its_table(tmp_path, scratch_server_args):
    output = tmp_path / "results.json"
    p = subprocess.run(
        [sys.executable, "bench/run.py", "--reviews", "400", "--finished-share", "0.5", "--samples", "3",
         "--export-letters", "30", "10", *scratch_server_args, "--output", str(output)],
        cwd=PROJECT, capture_output=True, text=True, timeout=600,
    )
    assert p.returncode == 0, p.stdout + p.stderr
    results = json.loads(output.read_text())
    figures = {row["figure"]: row for row in results["rows"]}
    assert len(figures) == 20
    assert figures["queue queries per request, page 1, 400 reviews"]["pass"] is True
    assert figures["rules engine"]["median"] > 10_000
    assert figures["FHIR Claim/$submit, pended (A4), in process"]["median"] > 0
    validation = figures["  of which: the Bundle validated as FHIR R4 (fhir.resources)"]
    assert 0 < validation["median"] < figures["FHIR Claim/$submit, pended (A4), in process"]["median"]
    assert results["export"]["big"]["count"] == 30 and results["export"]["small"]["count"] == 10
    assert all(row["median"] > 0 for row in results["rows"])
    assert "questionnaire step GET (HTTP)" in p.stdout  # the table is printed too
