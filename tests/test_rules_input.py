"""Reading a case from loose input: each bad field is named. Pure: no database."""

import datetime as dt
from decimal import Decimal

import pytest

from coverage_app.lib import rules
from coverage_app.lib.rules import InvalidCase, case_from_mapping

GOOD_DLI = {
    "service": "dli",
    "cpt_code": "38242",
    "transplant_type": "allogeneic",
    "hematologic_malignancy": True,
    "indication": "relapsed",
    "date_of_service": "2024-09-01",
}
GOOD_HPC = {
    "service": "hpc_boost",
    "transplant_type": "allogeneic",
    "indication": "enhance_chimerism",
    "donor_chimerism_percent": 85,
}


def with_(base, **changes):
    data = dict(base)
    for key, value in changes.items():
        if value is ...:
            data.pop(key, None)
        else:
            data[key] = value
    return data


def test_it_reads_a_good_case():
    case = case_from_mapping(GOOD_DLI)
    assert case == rules.Case(
        service=rules.Service.DLI,
        transplant_type=rules.TransplantType.ALLOGENEIC,
        indication=rules.Indication.RELAPSED,
        hematologic_malignancy=True,
        cpt_code="38242",
        date_of_service=dt.date(2024, 9, 1),
    )


@pytest.mark.parametrize(
    "data, field, words",
    [
        ([], "case", "JSON object"),
        ("dli", "case", "JSON object"),
        (with_(GOOD_DLI, service=...), "service", "is required"),
        (with_(GOOD_DLI, service="stem_cells"), "service", "not one of dli, hpc_boost"),
        (with_(GOOD_DLI, service=1), "service", "must be one of"),
        (with_(GOOD_DLI, cpt_code="38243"), "cpt_code", "does not agree with service dli"),
        (with_(GOOD_DLI, cpt_code="99999"), "cpt_code", "is not"),
        (with_(GOOD_DLI, cpt_code=True), "cpt_code", "must be"),
        (with_(GOOD_DLI, transplant_type=...), "transplant_type", "is required"),
        (with_(GOOD_DLI, transplant_type="syngeneic"), "transplant_type", "not one of"),
        (with_(GOOD_DLI, hematologic_malignancy=...), "hematologic_malignancy", "required when service is dli"),
        (with_(GOOD_DLI, hematologic_malignancy="yes"), "hematologic_malignancy", "true or false"),
        (with_(GOOD_DLI, indication=...), "indication", "is required"),
        (with_(GOOD_DLI, indication="cure"), "indication", "not one of"),
        (with_(GOOD_DLI, date_of_service="09/01/2024"), "date_of_service", "YYYY-MM-DD"),
        (with_(GOOD_DLI, date_of_service="2024-02-30"), "date_of_service", "YYYY-MM-DD"),
        (with_(GOOD_DLI, date_of_service="20240901"), "date_of_service", "YYYY-MM-DD"),
        (with_(GOOD_DLI, date_of_service=20240901), "date_of_service", "YYYY-MM-DD"),
        (with_(GOOD_HPC, donor_chimerism_percent=...), "donor_chimerism_percent", "is required"),
        (with_(GOOD_HPC, donor_chimerism_percent=120), "donor_chimerism_percent", "outside 0 to 100"),
        (with_(GOOD_HPC, donor_chimerism_percent=-0.1), "donor_chimerism_percent", "outside 0 to 100"),
        (with_(GOOD_HPC, donor_chimerism_percent="lots"), "donor_chimerism_percent", "not a number"),
        (with_(GOOD_HPC, donor_chimerism_percent=True), "donor_chimerism_percent", "number from 0 to 100"),
        (with_(GOOD_HPC, donor_chimerism_percent=float("nan")), "donor_chimerism_percent", "number"),
        (with_(GOOD_HPC, donor_chimerism_percent="Infinity"), "donor_chimerism_percent", "number"),
        (with_(GOOD_HPC, donor_chimerism_percent=[85]), "donor_chimerism_percent", "number"),
    ],
)
def test_it_names_the_bad_field(data, field, words):
    with pytest.raises(InvalidCase) as e:
        case_from_mapping(data)
    assert e.value.field == field
    assert words in e.value.message
    assert str(e.value).startswith(f"{field}: ")


@pytest.mark.parametrize("percent", [0, 100, "99.9", 99.9, "0.0"])
def test_it_accepts_percentages_on_the_boundaries(percent):
    case = case_from_mapping(with_(GOOD_HPC, donor_chimerism_percent=percent))
    assert case.donor_chimerism_percent == Decimal(str(percent))


def test_it_does_not_require_chimerism_after_an_autologous_transplant():
    case = case_from_mapping(with_(GOOD_HPC, transplant_type="autologous", donor_chimerism_percent=...))
    assert case.donor_chimerism_percent is None


def test_it_drops_answers_that_do_not_apply():
    case = case_from_mapping(with_(GOOD_HPC, transplant_type="autologous", hematologic_malignancy=True))
    assert case.donor_chimerism_percent is None
    assert case.hematologic_malignancy is None


def test_it_accepts_a_numeric_cpt_code():
    assert case_from_mapping(with_(GOOD_DLI, cpt_code=38242)).cpt_code == "38242"


def test_validate_refuses_a_case_built_with_plain_strings():
    case = rules.Case("dli", "allogeneic", "relapsed", hematologic_malignancy=True)
    with pytest.raises(InvalidCase) as e:
        rules.evaluate(case, {})
    assert e.value.field == "service"


@pytest.mark.parametrize(
    "data, field, words",
    [
        (with_(GOOD_DLI, service="A" * 100_000), "service", "is not one of dli, hpc_boost"),
        (with_(GOOD_DLI, cpt_code="9" * 100_000), "cpt_code", 'is not "38242" or "38243"'),
        (with_(GOOD_DLI, cpt_code=10**5000), "cpt_code", 'is not "38242" or "38243"'),
        (with_(GOOD_DLI, date_of_service="2" * 100_000), "date_of_service", "is not a date"),
        (with_(GOOD_DLI, date_of_service=10**5000), "date_of_service", "is not a date"),
        (with_(GOOD_HPC, donor_chimerism_percent="x" * 100_000), "donor_chimerism_percent", "is not a number"),
        (with_(GOOD_HPC, donor_chimerism_percent=10**4000), "donor_chimerism_percent", "is outside 0 to 100"),
        # More digits than str() will convert: the message must not need str().
        (with_(GOOD_HPC, donor_chimerism_percent=10**5000), "donor_chimerism_percent", "is outside 0 to 100"),
        (with_(GOOD_HPC, donor_chimerism_percent="1" * 100_000), "donor_chimerism_percent", "is outside 0 to 100"),
    ],
    ids=["long-service", "long-cpt", "5000-digit-cpt", "long-date", "5000-digit-date", "long-non-number",
         "4000-digit-percent", "5000-digit-percent", "long-percent-string"],
)
def test_a_message_quotes_only_the_start_of_a_long_value(data, field, words):
    with pytest.raises(InvalidCase) as e:
        case_from_mapping(data)
    assert e.value.field == field
    assert words in e.value.message
    assert len(str(e.value)) < 200


def test_a_long_value_is_cut_with_an_ellipsis():
    assert rules.short_quote("A" * 100) == "'" + "A" * 39 + "\u2026"
    assert rules.short_quote("A" * 100, str) == "A" * 40 + "\u2026"
    assert rules.short_quote(10**5000, str) == "1" + "0" * 39 + "\u2026"
    assert rules.short_quote("A" * 38) == repr("A" * 38)  # 40 characters: whole
    assert rules.short_quote(120, str) == "120"


def test_validate_quotes_only_the_start_of_a_long_cpt_code():
    case = rules.Case(rules.Service.DLI, rules.TransplantType.ALLOGENEIC, rules.Indication.RELAPSED,
                      hematologic_malignancy=True, cpt_code="9" * 100_000)
    with pytest.raises(InvalidCase) as e:
        rules.validate(case)
    assert e.value.message == "9" * 40 + "\u2026 does not agree with service dli, whose code is 38242"
