"""The policy's Questionnaire for DTR (HL7 Da Vinci Documentation Templates and Rules), generated
from the question table, and the $questionnaire-package operation that hands it to an EHR.

The package input is the guide's QuestionnairePackageInputParamsExample (HL7/davinci-dtr,
input/fsh/examples/Examples-Parameters.fsh, with its CoverageExample and ServiceRequestExample),
turned into JSON and given an HPC boost order (CPT 38243) and our questionnaire's canonical:
tests/fhir_examples/dtr/questionnaire-package-input.json. No database."""

import dataclasses
import itertools
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.questionnaire import Questionnaire

from coverage_app.fhir import questionnaire as dtr
from coverage_app.fhir.outcome import FhirError
from coverage_app.lib import questions
from coverage_app.lib.questions import BY_NAME, QUESTIONS, Is, Kind
from coverage_app.lib.vocabulary import Indication

CANONICAL = "https://coverage-review.example/fhir/Questionnaire/policy-0261"
EXAMPLES = Path(__file__).resolve().parent / "fhir_examples" / "dtr"
SYSTEM = "https://coverage-review.example/fhir/CodeSystem/policy-0261"

# Written out here rather than imported, so that a wrong mapping in the module fails.
ITEM_TYPE = {
    Kind.YES_NO: "boolean",
    Kind.CHOICE: "choice",
    Kind.CHOICES: "choice",
    Kind.DATE: "date",
    Kind.DECIMAL: "decimal",
    Kind.NUMBER: "integer",
    Kind.TEXT: "string",
    Kind.LONG_TEXT: "text",
}


@pytest.fixture(scope="module")
def q() -> dict:
    return dtr.questionnaire(CANONICAL)


def by_link(q: dict) -> dict[str, dict]:
    found = {}

    def walk(items):
        for item in items:
            assert item["linkId"] not in found, f"linkId {item['linkId']} twice"
            found[item["linkId"]] = item
            walk(item.get("item", []))

    walk(q["item"])
    return found


def ext(item: dict, url: str):
    values = [e for e in item.get("extension", []) if e["url"] == url]
    assert len(values) == 1, f"{item['linkId']}: {url} {len(values)} times"
    return next(v for k, v in values[0].items() if k.startswith("value"))


def test_it_validates_against_the_r4b_questionnaire_model(q):
    model = Questionnaire.model_validate(q)
    assert model.id == "policy-0261" == dtr.QUESTIONNAIRE_ID
    assert json.loads(json.dumps(q)) == q  # plain JSON: the view dumps it as it is


def test_it_is_the_policys_dtr_standard_questionnaire(q):
    assert q["url"] == CANONICAL
    assert q["status"] == "active"
    assert "0261" in q["title"]
    assert q["subjectType"] == ["Patient"]
    assert q["meta"]["profile"] == ["http://hl7.org/fhir/us/davinci-dtr/StructureDefinition/dtr-std-questionnaire"]
    assert dtr.CODE_SYSTEM == SYSTEM


def test_it_asks_the_transplant_and_indication_steps_and_the_service_grouped_by_step(q):
    asked = [q_.name for q_ in QUESTIONS if q_.step in ("transplant", "indication") and q_.name != "had_transplant"]
    assert [(g["linkId"], g["text"], g["type"]) for g in q["item"]] == [
        ("step-request", "Request", "group"),
        ("step-transplant", "Transplant", "group"),
        ("step-indication", "Indication", "group"),
    ]
    assert [i["linkId"] for i in q["item"][0]["item"]] == ["service"]
    assert [i["linkId"] for g in q["item"][1:] for i in g["item"]] == asked
    assert "had_transplant" not in by_link(q)  # asked as transplant_type = none
    # Nothing the Claim carries (member, provider, dates, diagnosis) is asked again.
    claim_carries = {q_.name for q_ in QUESTIONS if q_.step == "request"} - {"service"}
    assert not claim_carries & set(by_link(q))


def test_it_asks_every_question_as_the_table_does(q):
    items = by_link(q)
    for question in QUESTIONS:
        if question.step not in ("transplant", "indication") and question.name != "service":
            continue
        if question.name == "had_transplant":
            continue
        item = items[question.name]
        assert item["type"] == ITEM_TYPE[question.kind], question.name
        assert item.get("repeats", False) is (question.kind is Kind.CHOICES), question.name
        required = question.required and (question.name != "transplant_type" or BY_NAME["had_transplant"].required)
        assert item["required"] is required, question.name
        if question.name != "transplant_type":
            assert item["text"] == question.label
        if question.choices:
            codes = [o["valueCoding"]["code"] for o in item["answerOption"]]
            expected = [c.value for c in question.choices] + (["none"] if question.name == "transplant_type" else [])
            assert codes == expected, question.name
            for option, choice in zip(item["answerOption"], question.choices):
                assert option["valueCoding"]["system"] == SYSTEM
                assert option["valueCoding"]["display"].startswith(choice.label)
        else:
            assert "answerOption" not in item
        if question.kind is Kind.DECIMAL:
            assert ext(item, "http://hl7.org/fhir/StructureDefinition/minValue") == question.minimum
            assert ext(item, "http://hl7.org/fhir/StructureDefinition/maxValue") == question.maximum
            assert ext(item, "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces") == question.decimal_places
        if question.kind in (Kind.TEXT, Kind.LONG_TEXT) and question.max_length:
            assert item["maxLength"] == question.max_length


def test_it_spells_out_a_few_items_by_hand(q):
    items = by_link(q)
    chimerism = items["donor_chimerism_percent"]
    assert chimerism["type"] == "decimal"
    assert {"url": "http://hl7.org/fhir/StructureDefinition/maxValue", "valueDecimal": 100} in chimerism["extension"]
    assert {"url": "http://hl7.org/fhir/StructureDefinition/minValue", "valueDecimal": 0} in chimerism["extension"]
    assert {"url": "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces", "valueInteger": 1} in chimerism["extension"]
    assert "enhance_chimerism" in [o["valueCoding"]["code"] for o in items["indication"]["answerOption"]]
    transplant = items["transplant_type"]
    assert transplant["type"] == "choice" and transplant["required"] is True and "enableWhen" not in transplant
    assert [o["valueCoding"] for o in transplant["answerOption"]] == [
        {"system": SYSTEM, "code": "allogeneic", "display": "Allogeneic (from a donor)"},
        {"system": SYSTEM, "code": "autologous", "display": "Autologous (the member's own cells)"},
        {"system": SYSTEM, "code": "none", "display": "No stem cell transplant"},
    ]
    # had_transplant = yes is transplant_type = allogeneic or autologous.
    date = items["transplant_date"]
    assert date["enableBehavior"] == "any"
    assert [(e["question"], e["operator"], e["answerCoding"]["code"]) for e in date["enableWhen"]] == [
        ("transplant_type", "=", "allogeneic"), ("transplant_type", "=", "autologous"),
    ]
    assert items["graft_function_evidence"]["repeats"] is True
    assert items["same_donor"]["type"] == "boolean"


def test_it_says_on_each_conditional_option_when_it_is_offered(q):
    options = {o["valueCoding"]["code"]: o["valueCoding"]["display"] for o in by_link(q)["indication"]["answerOption"]}
    assert options["other"] == "Another reason"
    assert options["relapsed"] == (
        "Relapsed disease \u2014 only when \u201cService requested\u201d is "
        "\u201cDonor lymphocyte infusion (DLI), CPT 38242\u201d"
    )
    assert "HPC) boost" in options["enhance_chimerism"] and "Allogeneic" in options["enhance_chimerism"]
    assert "HPC) boost" in options["promote_engraftment"] and "Allogeneic" not in options["promote_engraftment"]


# --- enableWhen is the web form's condition ----------------------------------------------------


def enabled(items: dict, link: str, answers: dict) -> bool:
    """A tiny R4 enableWhen evaluator: operator "=" on a boolean or a Coding (system and code);
    an item that a disabled item's answer would enable is not enabled (R4: as though unanswered)."""
    item = items[link]
    results = []
    for condition in item.get("enableWhen", []):
        assert condition["operator"] == "="
        other = condition["question"]
        value = answers.get(other) if enabled(items, other, answers) else None
        if "answerCoding" in condition:
            wanted = (condition["answerCoding"]["system"], condition["answerCoding"]["code"])
        else:
            wanted = condition["answerBoolean"]
        results.append(value is not None and value == wanted)
    if not results:
        return True
    return all(results) if item.get("enableBehavior", "all") == "all" else any(results)


def test_it_enables_exactly_what_the_web_form_asks(q):
    items = {k: v for k, v in by_link(q).items() if v["type"] != "group"}
    combinations = itertools.product(
        [None, "dli", "hpc_boost"],
        [None, "none", "allogeneic", "autologous"],
        [None, *(i.value for i in Indication)],
        [None, True, False],  # same_donor, hematologic_malignancy: nothing hangs on them
    )
    checked = 0
    for service, transplant, indication, yes_no in combinations:
        fhir = {
            "service": service and (SYSTEM, service),
            "transplant_type": transplant and (SYSTEM, transplant),
            "indication": indication and (SYSTEM, indication),
            "same_donor": yes_no,
            "hematologic_malignancy": yes_no,
        }
        web = {
            "service": service or "",
            "had_transplant": None if transplant is None else transplant != "none",
            "transplant_type": transplant if transplant not in (None, "none") else "",
            "indication": indication or "",
            "same_donor": yes_no,
            "hematologic_malignancy": yes_no,
        }
        for link in items:
            web_name = "had_transplant" if link == "transplant_type" else link
            assert enabled(items, link, fhir) is questions.applies(web_name, web), (link, web)
            checked += 1
    assert checked == 3 * 4 * 8 * 3 * len(items)
    # The conditions do hang on something: some items are off for some answers.
    assert not enabled(items, "donor_chimerism_percent", {
        "service": (SYSTEM, "dli"), "transplant_type": (SYSTEM, "allogeneic"), "indication": (SYSTEM, "enhance_chimerism"),
    })
    assert enabled(items, "donor_chimerism_percent", {
        "service": (SYSTEM, "hpc_boost"), "transplant_type": (SYSTEM, "allogeneic"), "indication": (SYSTEM, "enhance_chimerism"),
    })


def test_it_refuses_to_build_an_and_of_ors_that_enablewhen_cannot_say():
    # No question of the table needs it today; one that did must not get a wrong enableWhen.
    with pytest.raises(ValueError, match="enableWhenExpression"):
        dtr.enable_when("donor_chimerism_percent", (Is("service", "dli", "hpc_boost"), Is("same_donor", True)))
    with pytest.raises(ValueError, match="enableWhenExpression"):
        dtr.enable_when("same_donor", (Is("had_transplant", True), Is("service", "dli")))
    assert dtr.enable_when("same_donor", (Is("had_transplant", True),))["enableBehavior"] == "any"
    assert dtr.enable_when("same_donor", (Is("had_transplant", False),)) == {"enableWhen": [{
        "question": "transplant_type", "operator": "=",
        "answerCoding": {"system": SYSTEM, "code": "none", "display": "No stem cell transplant"},
    }]}
    with pytest.raises(ValueError, match="does not ask"):
        dtr.enable_when("same_donor", (Is("urgency", "urgent"),))


# --- $questionnaire-package ------------------------------------------------------------------------


def guide_input() -> dict:
    return json.loads((EXAMPLES / "questionnaire-package-input.json").read_text(encoding="utf-8"))


def bundle_of(package: dict) -> dict:
    Parameters.model_validate(package)
    assert [p["name"] for p in package["parameter"]] == ["packagebundle"]
    bundle = package["parameter"][0]["resource"]
    Bundle.model_validate(bundle)
    assert bundle["type"] == "collection"
    return bundle


def test_it_packages_the_questionnaire_in_a_parameters_bundle(q):
    bundle = bundle_of(dtr.questionnaire_package(CANONICAL, None))
    assert bundle["entry"][0] == {"fullUrl": CANONICAL, "resource": q}  # DTR: the Questionnaire first
    draft = bundle["entry"][1]["resource"]
    assert [e["resource"]["resourceType"] for e in bundle["entry"]] == ["Questionnaire", "QuestionnaireResponse"]
    assert draft == {"resourceType": "QuestionnaireResponse", "questionnaire": CANONICAL, "status": "in-progress"}


def test_it_answers_the_guides_input_with_a_draft_for_the_member_and_the_order():
    parameters = guide_input()
    bundle = bundle_of(dtr.questionnaire_package(CANONICAL, parameters))
    draft = bundle["entry"][1]["resource"]
    assert draft["subject"] == {"reference": "Patient/examplepatient"}
    assert {e["url"].rsplit("/", 1)[1]: e["valueReference"]["reference"] for e in draft["extension"]} == {
        "qr-coverage": "Coverage/CoverageExample",
        "qr-context": "ServiceRequest/ServiceRequestExample",
    }
    # The order's CPT 38243 answers the service; the rest is the clinician's.
    assert dtr.answers_from_response(draft, canonical=CANONICAL) == {"service": "hpc_boost"}
    assert parameters == guide_input()  # the input is not changed


def test_it_accepts_its_canonical_with_a_version_and_without_a_coverage():
    parameters = {"resourceType": "Parameters", "parameter": [{"name": "questionnaire", "valueCanonical": f"{CANONICAL}|2024-05-15"}]}
    assert bundle_of(dtr.questionnaire_package(CANONICAL, parameters))["entry"][0]["resource"]["url"] == CANONICAL


def test_it_refuses_a_questionnaire_it_does_not_have():
    parameters = guide_input()
    parameters["parameter"][2]["valueCanonical"] = "http://hl7.org/fhir/us/davinci-dtr/Questionnaire/home-o2-std-questionnaire"
    with pytest.raises(FhirError) as caught:
        dtr.questionnaire_package(CANONICAL, parameters)
    [issue] = caught.value.issues
    assert (issue.code, issue.expression) == ("not-found", "Parameters.parameter[2].valueCanonical")
    assert "home-o2-std-questionnaire" in issue.diagnostics
    assert caught.value.status == 404


@pytest.mark.parametrize(
    ("change", "code", "expression"),
    [
        (lambda p: p["parameter"][0].pop("name"), "required", "Parameters.parameter[0].name"),
        (lambda p: p["parameter"][0]["resource"].pop("beneficiary"), "required", "Parameters.parameter[0].resource.beneficiary"),
        (lambda p: p["parameter"][0]["resource"].update(colour="blue"), "invalid", "Parameters.parameter[0].resource.colour"),
        (lambda p: p["parameter"][0].update(resource={"resourceType": "Patient"}), "invalid", "Parameters.parameter[0].resource"),
        (lambda p: p["parameter"][2].update(valueString=p["parameter"][2].pop("valueCanonical")), "invalid", "Parameters.parameter[2]"),
    ],
)
def test_it_names_the_element_at_fault_in_the_input(change, code, expression):
    parameters = guide_input()
    bundle_of(dtr.questionnaire_package(CANONICAL, parameters))  # as the guide has it: fine
    change(parameters)
    with pytest.raises(FhirError) as caught:
        dtr.questionnaire_package(CANONICAL, parameters)
    assert [(i.code, i.expression) for i in caught.value.issues] == [(code, expression)]


def test_it_refuses_an_input_that_is_not_parameters():
    with pytest.raises(FhirError) as caught:
        dtr.questionnaire_package(CANONICAL, {"resourceType": "Patient"})
    assert caught.value.issues[0].code == "invalid"


def test_it_takes_the_required_flag_from_the_table(monkeypatch):
    # Every question it asks is required today; one that is not must say so.
    monkeypatch.setitem(BY_NAME, "same_donor", dataclasses.replace(BY_NAME["same_donor"], required=False))
    items = by_link(dtr.questionnaire(CANONICAL))
    assert items["same_donor"]["required"] is False
    assert items["transplant_date"]["required"] is True
