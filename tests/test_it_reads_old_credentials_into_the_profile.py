"""Migration 0016 turns the free-text credentials ("MD, Hematology") into a degree and a specialty.
No license was recorded before, so none is invented: a physician needs one added to decide."""

import importlib

import pytest

migration = importlib.import_module("coverage_app.migrations.0016_reviewer_qualifications_and_adverse_reasons")


@pytest.mark.parametrize("text, expected", [
    ("MD, Hematology", ("MD", "Hematology")),
    ("M.D., Hematology/Oncology", ("MD", "Hematology/Oncology")),
    ("DO", ("DO", "")),
    ("RN", ("RN", "")),
    ("PharmD, Oncology pharmacy", ("PharmD", "Oncology pharmacy")),
    ("Physician assistant", ("other", "Physician assistant")),
])
def test_it_reads_the_degree_and_the_specialty(text, expected):
    assert migration.degree_and_specialty(text) == expected
