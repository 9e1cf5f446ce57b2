"""A DTR QuestionnaireResponse read back into the web form's answers, and every way it can be wrong
named by the FHIRPath of the element at fault, in the caller's document.

tests/fhir_examples/dtr/questionnaire-response-hpc-chimerism.json is the guide's
home-o2-questionnaireresponse (HL7/davinci-dtr, input/fsh/examples/Examples-QuestionnaireResponse.fsh)
as JSON, with its extensions (coverage, context, intendedUse, information-origin on each answer),
its nesting of answers in groups and an item left unanswered, given our linkIds and the answers of
an HPC boost to enhance donor chimerism after an allogeneic transplant. No database."""

import copy
import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from coverage_app.fhir import questionnaire as dtr
from coverage_app.fhir.outcome import FhirError
from coverage_app.lib import questions, rules
from coverage_app.lib.questions import BY_NAME

CANONICAL = "https://coverage-review.example/fhir/Questionnaire/policy-0261"
SYSTEM = "https://coverage-review.example/fhir/CodeSystem/policy-0261"
EXAMPLE = Path(__file__).resolve().parent / "fhir_examples" / "dtr" / "questionnaire-response-hpc-chimerism.json"
ROOT = "Bundle.entry[3].resource"  # where a PAS $submit Bundle might carry the response

# Where the example's items are: (group index, item index).
SERVICE, TRANSPLANT_TYPE, TRANSPLANT_DATE, SAME_DONOR = (0, 0), (1, 0), (1, 1), (1, 2)
MALIGNANCY, INDICATION, PERCENT, STUDY_DATE, SPECIMEN = (2, 0), (2, 1), (2, 2), (2, 3), (2, 4)


def example() -> dict:
    return json.loads(EXAMPLE.read_text(encoding="utf-8"))


def item(qr: dict, at: tuple[int, int]) -> dict:
    return qr["item"][at[0]]["item"][at[1]]


def path(at: tuple[int, int], rest: str = "") -> str:
    return f"{ROOT}.item[{at[0]}].item[{at[1]}]{rest}"


def coding(code: str, system: str = SYSTEM) -> dict:
    return {"valueCoding": {"system": system, "code": code}}


def response(**answers) -> dict:
    """A bare response answering the given linkIds, each group as the Questionnaire has it."""
    groups = []
    for group, _title, links in dtr.GROUPS:
        items = [{"linkId": link, "answer": answers[link]} for link in links if link in answers]
        if items:
            groups.append({"linkId": group, "item": items})
    return {"resourceType": "QuestionnaireResponse", "questionnaire": CANONICAL, "status": "completed", "item": groups}


def problems(qr: dict, **kwargs) -> list[tuple[str, str]]:
    with pytest.raises(FhirError) as caught:
        dtr.answers_from_response(qr, ROOT, **kwargs)
    return [(i.code, i.expression) for i in caught.value.issues]


def test_it_reads_the_guides_example_as_the_web_forms_answers():
    answers = dtr.answers_from_response(example(), ROOT)
    assert answers == {
        "service": "hpc_boost",
        "had_transplant": True,
        "transplant_type": "allogeneic",
        "transplant_date": dt.date(2025, 3, 14),
        "same_donor": True,
        "indication": "enhance_chimerism",
        "donor_chimerism_percent": Decimal("85.5"),
        "chimerism_study_date": dt.date(2026, 10, 2),
        "chimerism_specimen": "peripheral_blood",
    }
    assert type(answers["donor_chimerism_percent"]) is Decimal
    assert "hematologic_malignancy" not in answers  # the item is there, unanswered: absent


# What the Claim carries: the request step's answers (the service is the response's too).
CLAIM = {
    "member_name": "Vlad Quinton", "member_id": "PFP123450000", "member_date_of_birth": dt.date(1996, 12, 23),
    "line_of_business": "commercial", "request_type": "pre_service", "requesting_provider": "Dr. Jane Doe",
    "provider_npi": "1122334455", "planned_date_of_service": dt.date(2026, 11, 2),
    "urgency": "standard", "diagnosis_codes": ["C92.02"],
}


def test_its_answers_with_the_claims_make_the_case_the_rules_judge():
    answers = {**CLAIM, **dtr.answers_from_response(example(), ROOT)}
    assert questions.missing(answers, to_judge=True) == []
    case = rules.case_from_answers(answers)
    assert (case.service, case.transplant_type, case.indication) == ("hpc_boost", "allogeneic", "enhance_chimerism")
    assert (case.donor_chimerism_percent, case.same_donor) == (Decimal("85.5"), True)


def test_it_reads_no_transplant_as_had_transplant_no():
    qr = response(
        service=[coding("dli")], transplant_type=[coding("none")],
        hematologic_malignancy=[{"valueBoolean": True}], indication=[coding("relapsed")],
    )
    assert dtr.answers_from_response(qr) == {
        "service": "dli", "had_transplant": False, "transplant_type": "",
        "hematologic_malignancy": True, "indication": "relapsed",
    }
    answers = {**CLAIM, **dtr.answers_from_response(qr)}
    assert questions.missing(answers, to_judge=True) == []
    assert rules.case_from_answers(answers).transplant_type == "none"


def test_it_reads_every_ticked_box_of_a_repeating_item():
    qr = response(
        service=[coding("hpc_boost")], transplant_type=[coding("autologous")],
        indication=[coding("promote_engraftment")],
        graft_function_evidence=[coding("persistent_cytopenias"), coding("transfusion_dependence")],
        indication_detail=[],  # an item without answers is as good as absent
    )
    answers = dtr.answers_from_response(qr)
    assert answers["graft_function_evidence"] == ["persistent_cytopenias", "transfusion_dependence"]
    assert (answers["had_transplant"], answers["transplant_type"]) == (True, "autologous")
    assert "indication_detail" not in answers


def test_it_reads_items_outside_their_groups_too():
    qr = {"resourceType": "QuestionnaireResponse", "questionnaire": CANONICAL, "status": "in-progress",
          "item": [{"linkId": "service", "answer": [coding("dli")]}, {"linkId": "indication_detail", "answer": [{"valueString": "x"}]}]}
    assert dtr.answers_from_response(qr) == {"service": "dli", "indication_detail": "x"}


def test_it_reads_a_response_to_its_canonical_and_to_no_other():
    assert dtr.answers_from_response(example(), ROOT, canonical=CANONICAL)["service"] == "hpc_boost"
    assert problems(example(), canonical="https://other.example/fhir/Questionnaire/policy-0261") == [
        ("not-found", f"{ROOT}.questionnaire")
    ]


# --- What is wrong, and where ----------------------------------------------------------------------


def test_it_names_an_unknown_linkid():
    qr = example()
    qr["item"][1]["item"].append({"linkId": "had_transplant", "answer": [{"valueBoolean": True}]})
    with pytest.raises(FhirError) as caught:
        dtr.answers_from_response(qr, ROOT)
    [issue] = caught.value.issues
    assert issue.expression == f"{ROOT}.item[1].item[3].linkId"
    assert issue.diagnostics == "Unknown linkId 'had_transplant': the questionnaire policy-0261 has no such item."


def test_it_names_an_answer_of_the_wrong_type():
    qr = example()
    item(qr, SAME_DONOR)["answer"][0] = {"valueString": "yes"}
    assert problems(qr) == [("invalid", path(SAME_DONOR, ".answer[0].valueString"))]


def test_it_names_a_code_that_is_not_an_option():
    qr = example()
    item(qr, INDICATION)["answer"][0] = coding("cured")
    assert problems(qr) == [("code-invalid", path(INDICATION, ".answer[0].valueCoding"))]


def test_it_names_a_code_of_another_system():
    qr = example()
    item(qr, INDICATION)["answer"][0] = coding("enhance_chimerism", "http://snomed.info/sct")
    assert problems(qr) == [("code-invalid", path(INDICATION, ".answer[0].valueCoding"))]


def test_it_names_an_option_not_offered_with_the_other_answers():
    qr = example()
    item(qr, SERVICE)["answer"][0] = coding("dli")  # chimerism is an HPC boost's indication
    with pytest.raises(FhirError) as caught:
        dtr.answers_from_response(qr, ROOT)
    [issue] = caught.value.issues
    assert (issue.code, issue.expression) == ("business-rule", path(INDICATION, ".answer[0].valueCoding"))
    assert "Enhance donor chimerism" in issue.diagnostics
    item(qr, TRANSPLANT_TYPE)["answer"][0] = coding("autologous")
    item(qr, SERVICE)["answer"][0] = coding("hpc_boost")  # but not after an autologous transplant
    assert problems(qr) == [("business-rule", path(INDICATION, ".answer[0].valueCoding"))]


@pytest.mark.parametrize("percent", [100.5, -1, 1000])
def test_it_names_a_percentage_out_of_range(percent):
    qr = example()
    item(qr, PERCENT)["answer"][0]["valueDecimal"] = percent
    with pytest.raises(FhirError) as caught:
        dtr.answers_from_response(qr, ROOT)
    [issue] = caught.value.issues
    assert (issue.code, issue.expression) == ("value", path(PERCENT, ".answer[0].valueDecimal"))
    assert issue.diagnostics == BY_NAME["donor_chimerism_percent"].range_message == "Enter a percentage from 0 to 100."


def test_it_names_a_percentage_with_too_many_decimals_and_takes_the_bounds():
    qr = example()
    item(qr, PERCENT)["answer"][0]["valueDecimal"] = 85.55
    assert problems(qr) == [("value", path(PERCENT, ".answer[0].valueDecimal"))]
    for percent, read in [(100, Decimal(100)), (0, Decimal(0)), (99.9, Decimal("99.9"))]:
        item(qr, PERCENT)["answer"][0]["valueDecimal"] = percent
        assert dtr.answers_from_response(qr, ROOT)["donor_chimerism_percent"] == read


def test_it_names_too_many_answers_to_a_single_answer_item():
    qr = example()
    item(qr, SAME_DONOR)["answer"].append({"valueBoolean": False})
    assert problems(qr) == [("invalid", path(SAME_DONOR, ".answer[1]"))]


def test_it_names_a_questionnaire_that_is_not_ours():
    qr = example()
    qr["questionnaire"] = "http://hl7.org/fhir/us/davinci-dtr/Questionnaire/home-o2-std-questionnaire"
    assert problems(qr) == [("not-found", f"{ROOT}.questionnaire")]
    del qr["questionnaire"]
    assert problems(qr) == [("required", f"{ROOT}.questionnaire")]


def test_it_names_what_the_fhir_model_refuses_in_the_callers_terms():
    qr = example()
    item(qr, SAME_DONOR)["answer"][0]["valueBoolean"] = "maybe"
    assert problems(qr) == [("invalid", path(SAME_DONOR, ".answer[0].valueBoolean"))]
    item(qr, SAME_DONOR)["answer"][0]["valueBoolean"] = "false"  # the model takes it; a string is truthy
    assert problems(qr) == [("invalid", path(SAME_DONOR, ".answer[0].valueBoolean"))]


def test_it_names_a_partial_date_and_an_answer_without_a_value():
    qr = example()
    item(qr, TRANSPLANT_DATE)["answer"][0]["valueDate"] = "2025-03"  # valid FHIR, not a day
    item(qr, STUDY_DATE)["answer"][0] = {}
    assert problems(qr) == [
        ("value", path(TRANSPLANT_DATE, ".answer[0].valueDate")),
        ("required", path(STUDY_DATE, ".answer[0]")),
    ]


def test_it_names_each_problem_once():
    qr = example()
    item(qr, SAME_DONOR)["answer"][0] = {"valueString": "yes"}
    item(qr, SPECIMEN)["answer"][0] = coding("saliva")
    item(qr, PERCENT)["answer"][0]["valueDecimal"] = 101
    qr["item"][2]["item"].append({"linkId": "colour"})
    qr["item"][2]["item"].append(copy.deepcopy(item(qr, TRANSPLANT_DATE)))
    assert problems(qr) == [
        ("invalid", path(SAME_DONOR, ".answer[0].valueString")),
        ("value", path(PERCENT, ".answer[0].valueDecimal")),
        ("code-invalid", path(SPECIMEN, ".answer[0].valueCoding")),
        ("invalid", f"{ROOT}.item[2].item[5].linkId"),
        ("invalid", f"{ROOT}.item[2].item[6].linkId"),  # transplant_date answered a second time
    ]


def test_it_refuses_what_is_not_a_questionnaire_response():
    assert problems({"resourceType": "Patient"}) == [("invalid", ROOT)]
