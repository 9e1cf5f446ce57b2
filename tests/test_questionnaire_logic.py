"""Which questions apply, and clearing answers that no longer do (lib/questions.py). Pure."""

import datetime as dt
from decimal import Decimal

import pytest

from coverage_app.lib import questions as q
from coverage_app.lib import rules

COMPLETE_DLI = {
    "member_name": "A B", "member_id": "M1", "member_date_of_birth": dt.date(1970, 1, 1),
    "line_of_business": "commercial", "requesting_provider": "Dr C", "provider_npi": "1234567893",
    "service": "dli", "planned_date_of_service": dt.date(2026, 12, 1), "urgency": "standard",
    "diagnosis_codes": ["C92.02"], "had_transplant": True, "transplant_type": "allogeneic",
    "transplant_date": dt.date(2025, 1, 1), "same_donor": True, "hematologic_malignancy": True,
    "indication": "relapsed", "indication_detail": "", "graft_function_evidence": [],
    "donor_chimerism_percent": None, "chimerism_study_date": None, "chimerism_specimen": "",
    "member_address_line1": "1 Main St", "member_address_line2": "", "member_city": "Chicago",
    "member_state": "IL", "member_zip": "60601", "request_type": "pre_service", "units_requested": 1,
    "servicing_facility": "Riverside", "servicing_npi": "1245319599",
}


def indication_choices(answers):
    return tuple(c.value for c in q.offered("indication", answers))


def test_it_offers_dli_indications_without_engraftment_or_chimerism():
    assert indication_choices({"service": "dli"}) == (
        "relapsed", "persistent", "refractory", "high_risk_of_relapse", "other"
    )


def test_it_offers_chimerism_only_after_an_allogeneic_transplant():
    allo = {"service": "hpc_boost", "had_transplant": True, "transplant_type": "allogeneic"}
    auto = {**allo, "transplant_type": "autologous"}
    assert indication_choices(allo) == ("promote_engraftment", "enhance_chimerism", "other")
    assert indication_choices(auto) == ("promote_engraftment", "other")
    assert not q.applies("indication", {"service": ""})  # no service, no indication asked


@pytest.mark.parametrize(
    "field, answers, expected",
    [
        ("transplant_type", {"had_transplant": True}, True),
        ("transplant_type", {"had_transplant": False}, False),
        ("transplant_date", {"had_transplant": None}, False),
        ("same_donor", {"had_transplant": True, "transplant_type": "allogeneic"}, True),
        ("same_donor", {"had_transplant": True, "transplant_type": "autologous"}, False),
        ("hematologic_malignancy", {"service": "dli"}, True),
        ("hematologic_malignancy", {"service": "hpc_boost"}, False),
        ("indication_detail", {"service": "dli", "indication": "other"}, True),
        # An answer counts only while its question is asked: no service, no indication.
        ("indication_detail", {"indication": "other"}, False),
        ("graft_function_evidence", {"service": "hpc_boost", "indication": "promote_engraftment"}, True),
        # ... and while its choice is offered: engraftment is not an indication for DLI.
        ("graft_function_evidence", {"service": "dli", "indication": "promote_engraftment"}, False),
        ("donor_chimerism_percent", {"service": "hpc_boost", "had_transplant": True,
                                     "transplant_type": "allogeneic", "indication": "enhance_chimerism"}, True),
        ("donor_chimerism_percent", {"service": "hpc_boost", "had_transplant": True,
                                     "transplant_type": "autologous", "indication": "enhance_chimerism"}, False),
        ("member_name", {}, True),
    ],
)
def test_it_knows_when_each_question_applies(field, answers, expected):
    assert q.applies(field, answers) is expected


def test_it_clears_the_chain_of_answers_a_service_change_makes_inapplicable():
    hpc = {**COMPLETE_DLI, "service": "hpc_boost", "indication": "enhance_chimerism",
           "hematologic_malignancy": None, "donor_chimerism_percent": Decimal("85.0"),
           "chimerism_study_date": dt.date(2026, 10, 1), "chimerism_specimen": "bone_marrow"}
    changed = q.without_inapplicable({**hpc, "service": "dli"})
    assert changed["indication"] == ""
    assert changed["donor_chimerism_percent"] is None
    assert changed["chimerism_study_date"] is None
    assert changed["chimerism_specimen"] == ""
    assert q.cleared_fields(hpc, changed) == [
        "indication", "donor_chimerism_percent", "chimerism_study_date", "chimerism_specimen"
    ]


def test_it_clears_transplant_details_when_there_was_no_transplant():
    changed = q.without_inapplicable({**COMPLETE_DLI, "had_transplant": False})
    assert (changed["transplant_type"], changed["transplant_date"], changed["same_donor"]) == ("", None, None)


def test_it_clears_chimerism_when_the_transplant_becomes_autologous():
    hpc = {**COMPLETE_DLI, "service": "hpc_boost", "hematologic_malignancy": None,
           "indication": "enhance_chimerism", "donor_chimerism_percent": Decimal("50")}
    changed = q.without_inapplicable({**hpc, "transplant_type": "autologous"})
    assert changed["indication"] == "" and changed["donor_chimerism_percent"] is None
    assert changed["same_donor"] is None


def test_it_keeps_answers_that_still_apply():
    assert q.without_inapplicable(COMPLETE_DLI) == COMPLETE_DLI


def test_it_lists_missing_answers_in_the_order_asked():
    answers = {**COMPLETE_DLI, "member_name": "", "transplant_date": None, "indication": "other"}
    assert q.missing(answers) == ["member_name", "transplant_date", "indication_detail"]
    assert q.missing(COMPLETE_DLI) == []


def test_it_judges_before_what_only_the_letters_need_is_answered():
    for_letters = [q.name for q in q.QUESTIONS if not q.to_judge]
    answers = {**COMPLETE_DLI, "member_address_line1": "", "member_zip": "", "units_requested": None}
    assert q.missing(answers) == ["member_address_line1", "member_zip", "units_requested"]
    assert q.missing(answers, to_judge=True) == []
    assert rules.case_from_answers(answers).service is rules.Service.DLI
    assert {"member_address_line1", "member_state", "units_requested", "servicing_npi"} <= set(for_letters)


def test_it_builds_the_engines_case_from_complete_answers():
    case = rules.case_from_answers(COMPLETE_DLI)
    assert case == rules.Case(
        service=rules.Service.DLI, transplant_type=rules.TransplantType.ALLOGENEIC,
        indication=rules.Indication.RELAPSED, hematologic_malignancy=True, cpt_code="38242",
        date_of_service=dt.date(2026, 12, 1), same_donor=True,
    )


def test_it_passes_no_transplant_as_none():
    answers = q.without_inapplicable({**COMPLETE_DLI, "had_transplant": False})
    assert rules.case_from_answers(answers).transplant_type is rules.TransplantType.NONE


def test_it_refuses_to_judge_incomplete_answers():
    with pytest.raises(rules.InvalidCase) as e:
        rules.case_from_answers({**COMPLETE_DLI, "hematologic_malignancy": None})
    assert e.value.field == "hematologic_malignancy"
