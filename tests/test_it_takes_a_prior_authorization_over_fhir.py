"""An EHR that knows only the Da Vinci guides: CRD says 38242 needs authorization and names the
questionnaire, DTR gives it, PAS $submit files it: certified at once (A1) when the provider's
attested answers meet every criterion, pended for a nurse (A4) otherwise; $inquire follows it up."""

import pytest
from django.urls import reverse
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.claimresponse import ClaimResponse
from fhir.resources.R4B.questionnaire import Questionnaire

from coverage_app import services
from coverage_app.models import AccessLog, Determination, PlanSettings, Review
from coverage_app.fhir import questionnaire
from tests.fhir_helpers import CANONICAL, Ehr, dli_request, example, inquiry, review_action

pytestmark = pytest.mark.django_db


@pytest.fixture
def ehr(client):
    _api_client, token = services.api_client_create(name="Riverside EHR")
    return Ehr(client, token)


def coding(code):
    return {"valueCoding": {"system": questionnaire.CODE_SYSTEM, "code": code}}


def test_crd_then_dtr_then_pas_certifies_a_dli_that_meets_the_criteria(ehr):
    hook = example("crd/order-sign-dli-and-oxygen.json")
    answer = ehr.post("/cds-services/policy-0261-order-sign", hook).json()
    assert len(answer["cards"]) == 1 and "Prior authorization is needed" in answer["cards"][0]["summary"]
    coverage_info = answer["systemActions"][0]["resource"]["extension"][-1]
    named = {e["url"]: e for e in coverage_info["extension"]}
    assert named["questionnaire"]["valueCanonical"] == CANONICAL

    r = ehr.get(CANONICAL.removeprefix("http://testserver"))
    assert r.status_code == 200 and Questionnaire.model_validate(r.json()).url == CANONICAL
    asked = example("dtr/questionnaire-package-input.json")
    for parameter in asked["parameter"]:
        if parameter["name"] == "questionnaire":
            parameter["valueCanonical"] = named["questionnaire"]["valueCanonical"]  # as CRD named it
    package = ehr.post("/fhir/Questionnaire/$questionnaire-package", asked)
    assert package.status_code == 200, package.json()
    assert package.json()["parameter"][0]["resource"]["entry"][0]["resource"]["url"] == CANONICAL

    r = ehr.post("/fhir/Claim/$submit", dli_request())
    assert r.status_code == 200, r.json()
    bundle = Bundle.model_validate(r.json())
    response = ClaimResponse.model_validate(r.json()["entry"][0]["resource"])
    assert review_action(r.json()) == "A1"
    determination = Determination.objects.get()
    assert response.preAuthRef == determination.reference_number
    assert determination.decided_by is None and determination.decider_role == "Automatic approval"
    review = Review.objects.get()
    assert (review.status, review.answers_attested_by_provider, review.claim_identifier) == (
        "approved", True, "urn:trnorg:9012345678|111099")
    assert (review.member_id, review.service, review.indication) == (review.member_id, "dli", "relapsed")
    assert bundle.type == "collection"
    assert determination.letter.pdf  # the approval's letter, as a nurse's would have


def test_the_same_claim_submitted_twice_gets_the_same_answer_and_one_review(ehr):
    first = ehr.post("/fhir/Claim/$submit", dli_request()).json()
    second = ehr.post("/fhir/Claim/$submit", dli_request()).json()
    assert Review.objects.count() == 1 and Determination.objects.count() == 1
    assert first["entry"][0]["resource"]["preAuthRef"] == second["entry"][0]["resource"]["preAuthRef"]


def test_a_claim_identifier_another_client_submitted_gets_409_and_reveals_nothing(ehr, client):
    first = ehr.post("/fhir/Claim/$submit", dli_request())
    _other, token = services.api_client_create(name="Lakeside EHR")
    r = Ehr(client, token).post("/fhir/Claim/$submit", dli_request())
    assert r.status_code == 409
    issue = r.json()["issue"][0]
    assert (issue["code"], issue["expression"]) == ("duplicate", ["Bundle.entry[0].resource.identifier[0]"])
    assert first.json()["entry"][0]["resource"]["preAuthRef"] not in r.content.decode()
    assert Review.objects.count() == 1 and Determination.objects.count() == 1


def test_an_unmet_criterion_pends_for_a_nurse_and_never_denies(ehr):
    r = ehr.post("/fhir/Claim/$submit", dli_request(transplant_type=coding("autologous"), same_donor=None))
    assert review_action(r.json()) == "A4"
    review = Review.objects.get()
    assert (review.status, review.transplant_type, review.answers_attested_by_provider) == ("received", "autologous", True)
    assert not Determination.objects.exists()
    assert review.due_at > review.received_at  # the clock runs from receipt


def test_incomplete_answers_pend_too(ehr):
    r = ehr.post("/fhir/Claim/$submit", dli_request(indication=None))
    assert review_action(r.json()) == "A4" and Review.objects.get().status == "received"


def test_with_automatic_approval_off_every_request_waits_for_a_nurse(ehr):
    PlanSettings.objects.update(automatic_approval=False)
    r = ehr.post("/fhir/Claim/$submit", dli_request())
    assert review_action(r.json()) == "A4" and not Determination.objects.exists()


def test_inquire_follows_a_claim_from_pended_to_certified(ehr, nurse):
    ehr.post("/fhir/Claim/$submit", dli_request(indication=None))
    assert review_action(ehr.post("/fhir/Claim/$inquire", inquiry()).json()) == "A4"
    review = Review.objects.get()
    services.review_assign(review=review, user=nurse)
    services.review_save_answers(review=review, user=nurse, answers={"indication": "relapsed"},
                                 expected_revision=Review.objects.get().revision)
    services.review_finish(review=review, user=nurse, action="approve", criterion_notes={}, overall_note="",
                           expected_revision=Review.objects.get().revision)
    r = ehr.post("/fhir/Claim/$inquire", inquiry())
    assert review_action(r.json()) == "A1"
    assert r.json()["entry"][0]["resource"]["preAuthRef"] == Determination.objects.get().reference_number
    assert AccessLog.objects.filter(api_client__name="Riverside EHR", review=review).count() == 3


def test_inquire_answers_only_the_client_that_submitted(ehr, client):
    ehr.post("/fhir/Claim/$submit", dli_request())
    _other, token = services.api_client_create(name="Another EHR")
    r = Ehr(client, token).post("/fhir/Claim/$inquire", inquiry())
    assert r.status_code == 404 and r.json()["issue"][0]["expression"] == ["Bundle.entry[0].resource.identifier"]


@pytest.mark.parametrize("change, expression", [
    (lambda b: b["entry"][0]["resource"].update(use="claim"), "Bundle.entry[0].resource.use"),
    (lambda b: b["entry"][0]["resource"]["item"][0]["productOrService"]["coding"][0].update(code="99213"),
     "Bundle.entry[0].resource.item[0].productOrService.coding[0].code"),
    (lambda b: b["entry"][4]["resource"].update(birthDate="1970-13-01"), "Bundle.entry[4].resource.birthDate"),
    (lambda b: b["entry"][5]["resource"]["item"][1]["item"].append({"linkId": "shoe_size", "answer": [{"valueInteger": 9}]}),
     "Bundle.entry[5].resource.item[1].item[3].linkId"),
    (lambda b: b["entry"][5]["resource"]["item"][1]["item"][2].update(answer=[{"valueString": "yes"}]),
     "Bundle.entry[5].resource.item[1].item[2].answer[0].valueString"),
])
def test_bad_input_gets_an_operation_outcome_naming_the_element_and_stores_nothing(ehr, change, expression):
    bundle = dli_request()
    change(bundle)
    r = ehr.post("/fhir/Claim/$submit", bundle)
    assert r.status_code == 400, r.json()
    assert expression in [e for issue in r.json()["issue"] for e in issue.get("expression", [])], r.json()
    assert not Review.objects.exists()


def test_the_questionnaire_must_ask_for_the_service_the_claim_asks_for(ehr):
    r = ehr.post("/fhir/Claim/$submit", dli_request(service=coding("hpc_boost")))
    assert r.status_code == 400 and "CPT 38242" in r.json()["issue"][0]["diagnostics"]
    assert not Review.objects.exists()


def test_an_unknown_cds_service_or_questionnaire_is_404(ehr):
    assert ehr.post("/cds-services/nope", {}).status_code == 404
    assert ehr.get("/fhir/Questionnaire/other").status_code == 404
    assert reverse("fhir_claim_submit") == "/fhir/Claim/$submit"
