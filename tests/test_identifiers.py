"""NPI check digits and ICD-10-CM codes. Pure: no database."""

import pytest

from coverage_app.lib import icd10, npi


@pytest.mark.parametrize("value", ["1234567893", "1245319599", "1003000126"])
def test_it_accepts_npis_with_a_good_check_digit(value):
    assert npi.npi_problem(value) is None


@pytest.mark.parametrize(
    "value, words",
    [("1234567890", "check digit"), ("123456789", "exactly 10 digits"), ("12345678901", "exactly 10"),
     ("12345678a3", "exactly 10"), ("１２３４５６７８９３", "exactly 10")],
)
def test_it_explains_a_bad_npi(value, words):
    assert words in npi.npi_problem(value)


def test_it_normalises_codes_as_typed():
    assert icd10.split_codes("c9202, C92.02; d46.9\nZ94.84") == {
        "C92.02": "c9202", "D46.9": "d46.9", "Z94.84": "Z94.84"
    }


@pytest.mark.parametrize("code", ["C92.02", "D46.9", "C90.00", "Z94.84", "T86.09"])
def test_it_accepts_billable_codes(code):
    assert icd10.code_problem(code) is None


def test_it_refuses_a_code_that_does_not_exist_naming_it_as_typed():
    assert icd10.code_problem("XYZ.9", "XYZ9") == "XYZ9 is not an ICD-10-CM code."


def test_it_refuses_a_category_suggesting_billable_codes():
    assert icd10.code_problem("C92.0") == (
        "C92.0 is a category, not a billable code; choose a more specific one (e.g. C92.00, C92.01)."
    )


def test_it_describes_a_code():
    assert icd10.describe("C92.02").description == "Acute myeloblastic leukemia, in relapse"
