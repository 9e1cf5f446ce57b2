"""The answer to a Claim/$submit is a PAS Response Bundle: the ClaimResponse first, with the review
action (X12 306: A1 certified, A3 not certified, A4 pended) on its item's adjudication, and the
resources it refers to echoed with the request's fullUrls. No database."""

import datetime as dt
import json
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.claimresponse import ClaimResponse

from coverage_app.fhir.pas import claim_response_bundle, parse_submit

EXAMPLES = Path(__file__).resolve().parent / "fhir_examples" / "pas"
PAS_EXT = "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-"
CREATED = dt.datetime(2026, 12, 1, 9, 30, tzinfo=dt.timezone(dt.timedelta(hours=-6)))
RESPONSE_ID = "3f1d2c4b-5a6e-4f70-8a91-b2c3d4e5f607"
REASONS = [
    "The member's relapse after the transplant is not documented.",
    "The cells would not come from the same donor as the transplant.",
]


def load(name: str):
    return parse_submit(json.loads((EXAMPLES / name).read_text(encoding="utf-8")))


@pytest.fixture(scope="module")
def dli():
    return load("dli-request-bundle.json")


@pytest.fixture(scope="module")
def hpc():
    return load("hpc-boost-request-bundle.json")


def respond(claim, review_action, pre_auth_ref=None, reasons=(), **kwargs):
    return claim_response_bundle(
        claim,
        review_action=review_action,
        pre_auth_ref=pre_auth_ref,
        reasons=list(reasons),
        created=kwargs.get("created", CREATED),
        response_id=kwargs.get("response_id", RESPONSE_ID),
        insurer_name=kwargs.get("insurer_name", "Example Health Plan"),
    )


def review_action_of(claim_response: dict) -> dict:
    """The reviewAction extension's sub-extensions, by url."""
    [adjudication] = claim_response["item"][0]["adjudication"]
    [review] = [e for e in adjudication["extension"] if e["url"] == f"{PAS_EXT}reviewAction"]
    return {e["url"]: e for e in review["extension"]}


def review_code_of(claim_response: dict) -> dict:
    return review_action_of(claim_response)[f"{PAS_EXT}reviewActionCode"]["valueCodeableConcept"]["coding"][0]


CASES = [("A1", "AUTH0001", []), ("A3", None, REASONS), ("A4", None, [])]


@pytest.mark.parametrize("review_action, pre_auth_ref, reasons", CASES)
def test_it_writes_a_bundle_the_r4_models_accept(dli, review_action, pre_auth_ref, reasons):
    bundle = respond(dli, review_action, pre_auth_ref, reasons)

    Bundle.model_validate(bundle)
    ClaimResponse.model_validate(bundle["entry"][0]["resource"])
    assert bundle["type"] == "collection"
    assert bundle["entry"][0]["resource"]["resourceType"] == "ClaimResponse"  # ClaimResponseFirst
    assert bundle["meta"]["profile"] == ["http://hl7.org/fhir/us/davinci-pas/StructureDefinition/profile-pas-response-bundle"]
    assert bundle["identifier"] == {"system": "http://example.org/SUBMITTER_TRANSACTION_IDENTIFIER", "value": "A12345"}
    assert bundle["timestamp"] == "2026-12-01T09:30:00-06:00"


@pytest.mark.parametrize("review_action, pre_auth_ref, reasons", CASES)
def test_its_claim_response_answers_the_claim(dli, review_action, pre_auth_ref, reasons):
    response = respond(dli, review_action, pre_auth_ref, reasons)["entry"][0]["resource"]

    assert response["id"] == RESPONSE_ID
    assert response["status"] == "active"
    assert response["use"] == "preauthorization"
    assert response["type"] == {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/claim-type", "code": "professional"}]}
    assert response["created"] == "2026-12-01T09:30:00-06:00"
    assert response["patient"] == {"reference": "http://example.org/fhir/Patient/SubscriberExample"}
    assert response["insurer"] == {"reference": "http://example.org/fhir/Organization/InsurerExample"}
    assert response["requestor"] == {"reference": "http://example.org/fhir/PractitionerRole/ReferralPractitionerRoleExample"}
    assert response["request"] == {"type": "Claim", "identifier": {"system": "urn:trnorg:9012345678", "value": "111099"}}
    assert response["item"][0]["itemSequence"] == 1
    assert response["item"][0]["adjudication"][0]["category"] == {
        "coding": [{"system": "http://terminology.hl7.org/CodeSystem/adjudication", "code": "submitted"}]
    }
    assert review_code_of(response)["system"] == "https://codesystem.x12.org/005010/306"
    assert review_code_of(response)["code"] == review_action
    # The guide allows complete | error | partial only (FHIR-51436); pended is the review action.
    assert response["outcome"] == "complete"
    assert response["disposition"]


@pytest.mark.parametrize("review_action, pre_auth_ref, reasons", CASES)
def test_every_reference_resolves_within_the_response_to_the_requests_full_urls(dli, review_action, pre_auth_ref, reasons):
    bundle = respond(dli, review_action, pre_auth_ref, reasons)
    urls = [e["fullUrl"] for e in bundle["entry"]]
    response = bundle["entry"][0]["resource"]
    [provider] = [
        sub["valueReference"]["reference"]
        for e in response["item"][0]["extension"] if e["url"] == f"{PAS_EXT}itemAuthorizedProvider"
        for sub in e["extension"] if sub["url"] == "provider"
    ]

    assert len(urls) == len(set(urls))
    assert urls[0] == f"urn:uuid:{RESPONSE_ID}"
    for reference in (response["patient"], response["insurer"], response["requestor"], {"reference": provider}):
        assert reference["reference"] in urls
    assert urls[1:] == [
        "http://example.org/fhir/Patient/SubscriberExample",
        "http://example.org/fhir/Organization/InsurerExample",
        "http://example.org/fhir/PractitionerRole/ReferralPractitionerRoleExample",
        "http://example.org/fhir/Practitioner/ReferralPractitionerExample",
    ]
    assert provider == "http://example.org/fhir/Practitioner/ReferralPractitionerExample"
    assert bundle["entry"][1]["resource"] == dli.patient


def test_a_certification_carries_the_authorization_number(dli):
    response = respond(dli, "A1", "AUTH0001")["entry"][0]["resource"]

    assert review_code_of(response) == {"system": "https://codesystem.x12.org/005010/306", "code": "A1", "display": "Certified in total"}
    assert response["preAuthRef"] == "AUTH0001"
    assert review_action_of(response)["number"]["valueString"] == "AUTH0001"
    assert "processNote" not in response
    assert "AUTH0001" in response["disposition"]
    assert response["disposition"].startswith("Certified")
    [detail] = [e for e in response["item"][0]["extension"] if e["url"] == f"{PAS_EXT}itemAuthorizedDetail"]
    assert {"url": "quantity", "valueQuantity": {"value": 2}} in detail["extension"]


def test_a_pended_answer_says_pended_and_carries_no_authorization(dli):
    response = respond(dli, "A4")["entry"][0]["resource"]

    assert review_code_of(response)["code"] == "A4"
    assert response["outcome"] == "complete"  # the guide's pended example; "queued" is not in its value set
    assert "preAuthRef" not in response
    assert "number" not in review_action_of(response)
    assert response["disposition"].startswith("Pended")


def test_a_denial_says_why_in_the_process_notes(dli):
    response = respond(dli, "A3", reasons=REASONS)["entry"][0]["resource"]

    assert review_code_of(response)["code"] == "A3"
    assert response["processNote"] == [
        {"number": 1, "type": "display", "text": REASONS[0]},
        {"number": 2, "type": "display", "text": REASONS[1]},
    ]
    assert response["item"][0]["noteNumber"] == [1, 2]
    assert all(reason in response["disposition"] for reason in REASONS)
    assert response["disposition"].startswith("Not certified")


def test_a_denial_without_reasons_is_refused(dli):
    with pytest.raises(ValueError, match="reasons"):
        respond(dli, "A3", reasons=[])
    with pytest.raises(ValueError, match="reasons"):
        respond(dli, "A3", reasons=["  "])


@pytest.mark.parametrize("review_action", ["A2", "A6", "a1", ""])
def test_it_refuses_a_review_action_it_does_not_give(dli, review_action):
    with pytest.raises(ValueError, match="review_action"):
        respond(dli, review_action, reasons=REASONS)


def test_it_refuses_a_time_without_a_zone(dli):
    with pytest.raises(ValueError, match="timezone"):
        respond(dli, "A4", created=dt.datetime(2026, 12, 1, 9, 30))


def test_it_refuses_an_id_fhir_does_not_allow(dli):
    with pytest.raises(ValueError, match="response_id"):
        respond(dli, "A4", response_id="not an id/")


def test_it_names_the_insurer_as_the_plan_does(dli):
    bundle = respond(dli, "A1", "AUTH0001", insurer_name="Example Health Plan")
    [insurer] = [e["resource"] for e in bundle["entry"] if e["fullUrl"] == "http://example.org/fhir/Organization/InsurerExample"]
    assert insurer["name"] == "Example Health Plan"
    assert insurer["identifier"] == [{"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"}]


def test_it_adds_the_insurer_when_the_claim_named_none(hpc):
    from dataclasses import replace

    claim = replace(hpc, insurer=None, insurer_reference="")
    bundle = respond(claim, "A4", response_id="review-42")
    Bundle.model_validate(bundle)
    response = bundle["entry"][0]["resource"]
    [insurer] = [e for e in bundle["entry"] if e["fullUrl"] == response["insurer"]["reference"]]
    assert insurer["resource"]["resourceType"] == "Organization"
    assert insurer["resource"]["name"] == "Example Health Plan"
    assert bundle["entry"][0]["fullUrl"].startswith("urn:uuid:")  # a FHIR id that is not a UUID


def test_an_organization_requestor_is_the_authorized_provider(hpc):
    bundle = respond(hpc, "A1", "AUTH0002")
    Bundle.model_validate(bundle)
    response = bundle["entry"][0]["resource"]
    assert response["requestor"] == {"reference": "urn:uuid:6b0e3c1a-2f4d-4c59-9d7e-0a1b2c3d4e02"}
    assert response["type"]["coding"][0]["code"] == "institutional"
    assert [e["fullUrl"] for e in bundle["entry"]][1:] == [
        "urn:uuid:6b0e3c1a-2f4d-4c59-9d7e-0a1b2c3d4e05",
        "urn:uuid:6b0e3c1a-2f4d-4c59-9d7e-0a1b2c3d4e03",
        "urn:uuid:6b0e3c1a-2f4d-4c59-9d7e-0a1b2c3d4e02",
    ]
    assert response["request"]["identifier"] == {"system": "http://example.org/PATIENT_EVENT_TRACE_NUMBER", "value": "111100"}
