"""`manage.py determine`, in process, against every shared example and every kind of bad input."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from tests.conftest import EXAMPLES_DIR

EXAMPLES = sorted(EXAMPLES_DIR.glob("*.json"))


def run(tmp_path, case_text: str):
    path = tmp_path / "case.json"
    path.write_text(case_text, encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("determine", str(path), stdout=out, stderr=err)
    except CommandError as e:
        # What manage.py prints and exits with (BaseCommand.run_from_argv; tests/test_determine_process.py).
        status = e.returncode
        err.write(f"CommandError: {e}\n")
    return status, out.getvalue(), err.getvalue()


def test_the_shared_examples_are_there():
    assert len(EXAMPLES) >= 8


@pytest.mark.parametrize("example", EXAMPLES, ids=lambda p: p.stem)
def test_it_gets_every_shared_example_right(db, tmp_path, example):
    spec = json.loads(example.read_text())
    status, out, err = run(tmp_path, json.dumps(spec["case"]))
    if spec["expected_outcome"] == "error":
        assert (status, out) == (2, "")
        assert len(err.strip().splitlines()) == 1
        assert "Traceback" not in err
    else:
        assert status == 0, err
        assert json.loads(out)["outcome"] == spec["expected_outcome"]


def test_it_prints_the_contract_shape(db, tmp_path):
    case = {"service": "hpc_boost", "transplant_type": "allogeneic", "indication": "enhance_chimerism",
            "donor_chimerism_percent": 100, "date_of_service": "2024-09-01"}
    status, out, err = run(tmp_path, json.dumps(case))
    assert status == 0 and err == ""
    result = json.loads(out)
    assert result["outcome"] == "criteria_not_met"
    assert result["service"] == "hpc_boost"
    assert result["policy"] == {"number": "0261", "effective_date": "2024-05-15"}
    assert [(c["id"], c["met"]) for c in result["criteria"]] == [("HPC-1", True), ("HPC-2b", False)]
    assert "enhancement of chimerism when studies reveal <100% donor cells" in result["criteria"][1]["text"]
    assert result["reasons"] == [
        "A hematopoietic progenitor cell (HPC) boost to enhance chimerism is covered only when a "
        "chimerism study shows less than 100% donor cells; this member's study showed 100% donor cells."
    ]


def test_it_reads_standard_input(db, monkeypatch):
    case = {"service": "hpc_boost", "transplant_type": "autologous", "indication": "promote_engraftment",
            "date_of_service": "2024-09-01"}
    monkeypatch.setattr("sys.stdin", io.StringIO(json.dumps(case)))
    out = io.StringIO()
    call_command("determine", "-", stdout=out)
    assert json.loads(out.getvalue())["outcome"] == "criteria_met"


def test_it_defaults_the_date_of_service_to_today(db, tmp_path):
    case = {"service": "dli", "transplant_type": "allogeneic", "hematologic_malignancy": True,
            "indication": "persistent"}
    status, out, _ = run(tmp_path, json.dumps(case))
    assert status == 0
    assert json.loads(out)["policy"]["effective_date"] == "2024-05-15"


@pytest.mark.parametrize(
    "text, field",
    [
        ("{not json", "case"),
        ("", "case"),
        ("[1, 2]", "case"),
        ('{"service": "dli"}', "transplant_type"),
        ('{"service": "hpc_boost", "transplant_type": "allogeneic", "indication": "enhance_chimerism",'
         ' "donor_chimerism_percent": "eighty"}', "donor_chimerism_percent"),
        ('{"service": "dli", "transplant_type": "allogeneic", "hematologic_malignancy": true,'
         ' "indication": "relapsed", "date_of_service": "2023-12-31"}', "date_of_service"),
        ('{"service": "dli", "transplant_type": "allogeneic", "hematologic_malignancy": true,'
         ' "indication": "relapsed", "date_of_service": "tomorrow"}', "date_of_service"),
        ("[" * 100000, "case"),
    ],
)
def test_it_names_the_field_in_one_line_on_bad_input(db, tmp_path, text, field):
    status, out, err = run(tmp_path, text)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"CommandError: {field}: ")


def test_it_says_when_the_file_cannot_be_read(db, tmp_path):
    with pytest.raises(CommandError) as e:
        call_command("determine", str(tmp_path / "missing.json"))
    assert e.value.returncode == 2
    assert str(e.value).startswith("PATH: cannot read")


HPC_CHIMERISM = '{"service": "hpc_boost", "transplant_type": "allogeneic", "indication": "enhance_chimerism"'
DLI = ('{"service": "dli", "transplant_type": "allogeneic", "hematologic_malignancy": true,'
       ' "indication": "relapsed"')
LONG_TEXT = json.dumps("A" * 100_000)


@pytest.mark.parametrize(
    "text, field",
    [
        # More digits than Python 3.11 will turn into an int (4,300), and just under that.
        (HPC_CHIMERISM + ', "donor_chimerism_percent": 1' + "0" * 4999 + "}", "donor_chimerism_percent"),
        (HPC_CHIMERISM + ', "donor_chimerism_percent": 1' + "0" * 3999 + "}", "donor_chimerism_percent"),
        (DLI + ', "cpt_code": 1' + "0" * 4999 + "}", "cpt_code"),
        ('{"service": ' + LONG_TEXT + "}", "service"),
        (DLI + ', "date_of_service": ' + LONG_TEXT + "}", "date_of_service"),
        (DLI + ', "cpt_code": ' + LONG_TEXT + "}", "cpt_code"),
    ],
    ids=["5000-digit-percent", "4000-digit-percent", "5000-digit-cpt", "long-service", "long-date",
         "long-cpt"],
)
def test_it_quotes_only_the_start_of_a_huge_value(db, tmp_path, text, field):
    status, out, err = run(tmp_path, text)
    assert (status, out) == (2, "")
    assert err.count("\n") == 1
    assert err.startswith(f"CommandError: {field}: ")
    assert len(err) < 200, err[:300]


def test_it_says_when_a_physician_must_review_a_case_that_meets_the_criteria(db, tmp_path):
    case = {"service": "dli", "transplant_type": "allogeneic", "hematologic_malignancy": True,
            "indication": "relapsed", "same_donor": False, "date_of_service": "2024-09-01"}
    status, out, err = run(tmp_path, json.dumps(case))
    assert status == 0, err
    result = json.loads(out)
    assert result["outcome"] == "criteria_met"
    assert result["physician_review"] == [
        "The policy states that the donor source for DLI and HPC boost is the same as that for the "
        "transplant; this request says the cells will come from a different donor."
    ]
    status, out, _ = run(tmp_path, json.dumps({**case, "same_donor": True}))
    assert json.loads(out)["physician_review"] == []
