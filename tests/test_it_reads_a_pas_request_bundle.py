"""A PAS Request Bundle (Claim/$submit) is read into the request step's answers, or refused with an
OperationOutcome naming every element at fault by its FHIRPath in Bundle terms.

The fixtures are the Da Vinci PAS guide's own examples (HL7/davinci-pas input/fsh/Examples.fsh:
ReferralAuthorizationBundleExample and MedicalServicesAuthorizationBundleExample) written as JSON
and adapted to CPT 38242/38243 and to the plan's QuestionnaireResponse. No database."""

import copy
import datetime as dt
import json
from pathlib import Path

import pytest

from coverage_app.fhir.outcome import FhirError, operation_outcome
from coverage_app.fhir.pas import SubmittedClaim, parse_submit
from coverage_app.lib.questions import QUESTIONS

EXAMPLES = Path(__file__).resolve().parent / "fhir_examples" / "pas"


def load(name: str) -> dict:
    return json.loads((EXAMPLES / name).read_text(encoding="utf-8"))


@pytest.fixture
def dli() -> dict:
    """Entries: 0 Claim, 1 Organization (UMO), 2 Organization (insurer), 3 Coverage, 4 Patient,
    5 QuestionnaireResponse, 6 PractitionerRole, 7 Practitioner, 8 Location, 9 DocumentReference,
    10 Organization (the facility's)."""
    return load("dli-request-bundle.json")


@pytest.fixture
def hpc() -> dict:
    """Entries: 0 Claim, 1 Organization (requestor), 2 Organization (insurer), 3 Coverage, 4 Patient."""
    return load("hpc-boost-request-bundle.json")


def claim_of(bundle: dict) -> dict:
    return bundle["entry"][0]["resource"]


def expressions(bundle) -> list[str]:
    with pytest.raises(FhirError) as caught:
        parse_submit(bundle)
    assert caught.value.status == 400
    return [issue.expression for issue in caught.value.issues]


def test_it_reads_the_guides_referral_example_as_a_dli_request(dli):
    claim = parse_submit(dli)

    assert claim.request_answers() == {
        "member_name": "JOE SMITH",
        "member_id": "M2261107",  # the Coverage's identifier typed MB, before its subscriberId
        "member_date_of_birth": dt.date(1961, 4, 9),
        "line_of_business": "commercial",
        "member_address_line1": "4310 PARK BOULEVARD",
        "member_address_line2": "APT 12",
        "member_city": "SAN DIEGO",
        "member_state": "CA",
        "member_zip": "92103-2617",
        "request_type": "pre_service",
        "requesting_provider": "SUSAN WATSON, MD",  # the PractitionerRole's Practitioner
        "provider_npi": "1234567893",
        "service": "dli",
        "units_requested": 2,
        "servicing_facility": "REFERRAL CLINIC",  # Claim.facility, a Location
        "servicing_npi": "1598765430",  # from the Location's managingOrganization
        "planned_date_of_service": dt.date(2026, 12, 15),
        "urgency": "urgent",  # the guide's example: priority normal, but level of service U
        "diagnosis_codes": ["C92.02", "Z94.84"],  # Z9484 as sent, written with its dot
    }
    assert claim.identifier == "urn:trnorg:9012345678|111099"
    assert claim.cpt == "38242"
    assert claim.questionnaire_response == dli["entry"][5]["resource"]
    assert claim.questionnaire_response_path == "Bundle.entry[5].resource"
    assert claim.claim_full_url == "http://example.org/fhir/Claim/ReferralAuthorizationExample"
    assert claim.claim_id == "ReferralAuthorizationExample"
    assert claim.claim_identifier == {"system": "urn:trnorg:9012345678", "value": "111099"}
    assert claim.claim_type["coding"][0]["code"] == "professional"
    assert claim.item_sequence == 1
    assert claim.bundle_identifier == {"system": "http://example.org/SUBMITTER_TRANSACTION_IDENTIFIER", "value": "A12345"}
    assert claim.patient_reference == "http://example.org/fhir/Patient/SubscriberExample"
    assert claim.patient == dli["entry"][4]["resource"]
    assert claim.insurer_reference == "http://example.org/fhir/Organization/InsurerExample"
    assert claim.requestor_reference == "http://example.org/fhir/PractitionerRole/ReferralPractitionerRoleExample"
    assert claim.requestor_practitioner_reference == "http://example.org/fhir/Practitioner/ReferralPractitionerExample"
    assert claim.requestor_practitioner == dli["entry"][7]["resource"]


def test_it_reads_the_guides_medical_services_example_as_an_hpc_boost_request(hpc):
    claim = parse_submit(hpc)

    assert claim.request_answers() == {
        "member_name": "JESSE SMITH",
        "member_id": "1122334466",  # no identifier typed MB: the Coverage's subscriberId
        "member_date_of_birth": dt.date(1947, 1, 18),
        "line_of_business": "medicare_advantage",  # Coverage.type SOPT 111, Medicare HMO
        "member_address_line1": "27 HARBOR DRIVE",
        "member_address_line2": "",
        "member_city": "ANNAPOLIS",
        "member_state": "MD",  # sent as "md"
        "member_zip": "21401",
        "request_type": "pre_service",
        "requesting_provider": "DR. JOE SMITH CORPORATION",  # an Organization
        "provider_npi": "8189991234",
        "service": "hpc_boost",  # 38243 under the HCPCS system, as the guide's examples code CPT
        "units_requested": 1,  # no quantity
        "servicing_facility": "",
        "servicing_npi": "",
        "planned_date_of_service": dt.date(2027, 1, 4),  # servicedPeriod.start
        "urgency": "standard",
        "diagnosis_codes": ["D75.A"],
    }
    assert claim.questionnaire_response is None
    assert claim.questionnaire_response_path == ""
    assert claim.claim_full_url == "urn:uuid:6b0e3c1a-2f4d-4c59-9d7e-0a1b2c3d4e01"
    assert claim.claim_id == ""
    assert claim.requestor_reference == "urn:uuid:6b0e3c1a-2f4d-4c59-9d7e-0a1b2c3d4e02"
    assert claim.requestor_practitioner_reference == ""
    assert claim.requestor_practitioner is None


def test_its_answers_are_exactly_the_request_steps_questions(dli):
    request_step = {q.name for q in QUESTIONS if q.step == "request"}
    assert set(parse_submit(dli).request_answers()) == request_step


def test_it_hands_back_copies_not_the_bundle_itself(dli):
    claim = parse_submit(dli)
    claim.questionnaire_response["status"] = "amended"
    claim.patient["gender"] = "female"
    assert dli["entry"][5]["resource"]["status"] == "completed"
    assert dli["entry"][4]["resource"]["gender"] == "male"


@pytest.mark.parametrize(
    "priority, level_of_service, urgency",
    [
        ("normal", None, "standard"),
        ("deferred", None, "standard"),
        ("stat", None, "urgent"),
        ("urgent", None, "urgent"),
        ("normal", "E", "standard"),  # X12 1338 elective
        ("normal", "U", "urgent"),  # urgent
        ("normal", "03", "urgent"),  # emergency
    ],
)
def test_it_reads_urgency_from_the_priority_or_the_level_of_service(hpc, priority, level_of_service, urgency):
    claim = claim_of(hpc)
    claim["priority"]["coding"][0]["code"] = priority
    if level_of_service:
        claim["extension"] = [{
            "url": "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-levelOfServiceCode",
            "valueCodeableConcept": {"coding": [{"system": "https://codesystem.x12.org/005010/1338", "code": level_of_service}]},
        }]
    assert parse_submit(hpc).urgency == urgency


@pytest.mark.parametrize(
    "coding, line_of_business",
    [
        ({"system": "https://nahdo.org/sopt", "code": "11"}, "medicare_advantage"),
        ({"system": "https://nahdo.org/sopt", "code": "112"}, "medicare_advantage"),
        ({"system": "urn:oid:2.16.840.1.113883.3.221.5", "code": "113"}, "medicare_advantage"),
        ({"system": "https://nahdo.org/sopt", "code": "121"}, "commercial"),  # Medicare fee-for-service
        ({"system": "https://nahdo.org/sopt", "code": "5"}, "commercial"),  # private health insurance
        ({"system": "http://example.org/plans", "code": "111"}, "commercial"),  # not SOPT
        (None, "commercial"),
    ],
)
def test_it_reads_the_line_of_business_from_the_coverage_type(hpc, coding, line_of_business):
    coverage = hpc["entry"][3]["resource"]
    if coding:
        coverage["type"] = {"coding": [coding]}
    else:
        del coverage["type"]
    assert parse_submit(hpc).line_of_business == line_of_business


def test_it_takes_the_member_id_from_the_patient_when_the_coverage_has_none(dli):
    coverage = dli["entry"][3]["resource"]
    del coverage["identifier"], coverage["subscriberId"]
    dli["entry"][4]["resource"]["identifier"].append({
        "type": {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v2-0203", "code": "MB"}]},
        "system": "http://example.org/MIN",
        "value": "P7700112",
    })
    assert parse_submit(dli).member_id == "P7700112"


def test_it_resolves_a_relative_reference_against_the_referencing_entrys_base(dli):
    del dli["entry"][4]["resource"]["id"]  # "Patient/SubscriberExample" now matches by fullUrl only
    assert parse_submit(dli).patient_reference == "http://example.org/fhir/Patient/SubscriberExample"


def test_it_finds_the_questionnaire_response_inside_a_dtr_bundle(dli):
    qr_entry = dli["entry"][5]
    dli["entry"][5] = {
        "fullUrl": "http://example.org/fhir/Bundle/DtrAnswers",
        "resource": {
            "resourceType": "Bundle", "id": "DtrAnswers", "type": "collection",
            "entry": [{"fullUrl": qr_entry["fullUrl"], "resource": qr_entry["resource"]}],
        },
    }
    claim_of(dli)["supportingInfo"][1]["valueReference"]["reference"] = "Bundle/DtrAnswers"
    claim = parse_submit(dli)
    assert claim.questionnaire_response_path == "Bundle.entry[5].resource.entry[0].resource"
    assert claim.questionnaire_response["id"] == "Policy0261AnswersExample"


def test_it_takes_the_facility_from_the_care_team_when_the_claim_names_no_facility(dli):
    claim = claim_of(dli)
    del claim["facility"]
    claim["careTeam"].append({
        "extension": [{"url": "http://hl7.org/fhir/us/davinci-pas/StructureDefinition/extension-careTeamClaimScope", "valueBoolean": False}],
        "sequence": 2,
        "provider": {"reference": "Organization/ReferralClinicOrganizationExample"},
        "role": {"coding": [{"system": "https://codesystem.x12.org/005010/98", "code": "FA"}]},
    })
    claim = parse_submit(dli)
    assert (claim.servicing_facility, claim.servicing_npi) == ("REFERRAL CLINIC INFUSION CENTER", "1598765430")


def test_it_refuses_what_is_not_a_bundle():
    assert expressions({"resourceType": "Patient", "id": "x"}) == ["Bundle"]
    assert expressions(["not", "an", "object"]) == [""]


def test_it_refuses_an_invalid_fhir_type_by_the_r4_model(dli):
    dli["entry"][4]["resource"]["birthDate"] = "1970-13-01"
    assert expressions(dli) == ["Bundle.entry[4].resource.birthDate"]


def test_it_refuses_an_unknown_resource_type(dli):
    dli["entry"][9]["resource"]["resourceType"] = "Paperwork"
    assert expressions(dli) == ["Bundle.entry[9].resource.resourceType"]


@pytest.mark.parametrize("kind", [None, 7, ["Patient"]])
def test_it_refuses_a_resource_type_that_is_not_text(dli, kind):
    dli["entry"][0]["resource"]["resourceType"] = kind
    assert expressions(dli) == ["Bundle.entry[0].resource.resourceType"]


def test_it_names_an_unknown_resource_type_however_deep(dli):
    claim_of(dli)["contained"] = [{"resourceType": "Patient", "id": "p"}, {"resourceType": "Paperwork", "id": "x"}]
    assert expressions(dli) == ["Bundle.entry[0].resource.contained[1].resourceType"]


def test_it_refuses_an_entry_without_a_resource_type(dli):
    del dli["entry"][9]["resource"]["resourceType"]
    assert expressions(dli) == ["Bundle.entry[9].resource.resourceType"]


def test_it_refuses_a_bundle_without_a_claim(dli):
    dli["entry"] = dli["entry"][1:]
    assert expressions(dli) == ["Bundle.entry"]


def test_it_refuses_a_claim_that_is_not_a_prior_authorization(dli):
    claim_of(dli)["use"] = "claim"
    assert expressions(dli) == ["Bundle.entry[0].resource.use"]


def test_it_refuses_a_service_the_policy_does_not_cover(dli):
    claim_of(dli)["item"][0]["productOrService"]["coding"][0]["code"] = "99213"
    assert expressions(dli) == ["Bundle.entry[0].resource.item[0].productOrService.coding[0].code"]


def test_it_refuses_an_item_without_a_date_of_service(dli):
    del claim_of(dli)["item"][0]["servicedDate"]
    assert expressions(dli) == ["Bundle.entry[0].resource.item[0].servicedDate"]


def test_it_refuses_an_npi_whose_check_digit_is_wrong(dli):
    dli["entry"][7]["resource"]["identifier"][0]["value"] = "1234567890"
    assert expressions(dli) == ["Bundle.entry[7].resource.identifier[0].value"]


def test_it_refuses_a_code_that_is_not_icd_10_cm(dli):
    claim_of(dli)["diagnosis"][1]["diagnosisCodeableConcept"]["coding"][0]["code"] = "XYZ9"
    with pytest.raises(FhirError) as caught:
        parse_submit(dli)
    [issue] = caught.value.issues
    assert issue.expression == "Bundle.entry[0].resource.diagnosis[1].diagnosisCodeableConcept.coding[0].code"
    assert issue.diagnostics == "XYZ9 is not an ICD-10-CM code."


def test_it_refuses_a_category_that_is_not_a_billable_code(dli):
    claim_of(dli)["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0]["code"] = "C92.0"
    assert expressions(dli) == ["Bundle.entry[0].resource.diagnosis[0].diagnosisCodeableConcept.coding[0].code"]


def test_it_refuses_a_reference_to_no_entry_of_the_bundle(dli):
    claim_of(dli)["patient"]["reference"] = "Patient/SomeoneElse"
    assert expressions(dli) == ["Bundle.entry[0].resource.patient.reference"]


def test_it_refuses_a_reference_to_the_wrong_kind_of_resource(dli):
    claim_of(dli)["patient"]["reference"] = "Organization/UMOExample"
    assert expressions(dli) == ["Bundle.entry[0].resource.patient.reference"]


def test_it_refuses_an_unresolvable_supporting_info_reference(dli):
    claim_of(dli)["supportingInfo"][1]["valueReference"]["reference"] = "urn:uuid:0b1c2d3e-0000-4000-8000-00000000dead"
    assert expressions(dli) == ["Bundle.entry[0].resource.supportingInfo[1].valueReference.reference"]


@pytest.mark.parametrize(
    "element, value, expression",
    [
        ("state", "XX", "Bundle.entry[4].resource.address[0].state"),
        ("postalCode", "9210", "Bundle.entry[4].resource.address[0].postalCode"),
        ("postalCode", "92103-26", "Bundle.entry[4].resource.address[0].postalCode"),
        ("city", "SAN\x00DIEGO", "Bundle.entry[4].resource.address[0].city"),
    ],
)
def test_it_refuses_an_address_it_cannot_mail_to(dli, element, value, expression):
    dli["entry"][4]["resource"]["address"][0][element] = value
    assert expressions(dli) == [expression]


@pytest.mark.parametrize("units", [0, 11, 1.5])
def test_it_refuses_a_number_of_infusions_out_of_range(dli, units):
    claim_of(dli)["item"][0]["quantity"]["value"] = units
    assert expressions(dli) == ["Bundle.entry[0].resource.item[0].quantity.value"]


def test_it_refuses_a_coverage_without_a_member_id(dli):
    coverage = dli["entry"][3]["resource"]
    del coverage["identifier"], coverage["subscriberId"]
    assert expressions(dli) == ["Bundle.entry[3].resource.identifier"]


def test_it_refuses_a_requesting_provider_without_an_npi(hpc):
    del hpc["entry"][1]["resource"]["identifier"]
    assert expressions(hpc) == ["Bundle.entry[1].resource.identifier"]


def test_it_names_every_problem_at_once(dli):
    claim = claim_of(dli)
    claim["use"] = "claim"
    del claim["item"][0]["servicedDate"]
    claim["diagnosis"][1]["diagnosisCodeableConcept"]["coding"][0]["code"] = "XYZ9"
    claim["patient"]["reference"] = "Patient/SomeoneElse"
    dli["entry"][7]["resource"]["identifier"][0]["value"] = "1234567890"

    assert expressions(dli) == [
        "Bundle.entry[0].resource.use",
        "Bundle.entry[0].resource.item[0].servicedDate",
        "Bundle.entry[0].resource.diagnosis[1].diagnosisCodeableConcept.coding[0].code",
        "Bundle.entry[0].resource.patient.reference",
        "Bundle.entry[7].resource.identifier[0].value",
    ]


def test_its_error_is_an_operation_outcome_with_the_expressions(dli):
    claim_of(dli)["use"] = "claim"
    with pytest.raises(FhirError) as caught:
        parse_submit(dli)
    outcome = operation_outcome(caught.value.issues)
    assert outcome["resourceType"] == "OperationOutcome"
    assert outcome["issue"][0]["severity"] == "error"
    assert outcome["issue"][0]["expression"] == ["Bundle.entry[0].resource.use"]


def test_it_leaves_the_bundle_as_it_was(dli):
    before = copy.deepcopy(dli)
    assert isinstance(parse_submit(dli), SubmittedClaim)
    assert dli == before


@pytest.mark.parametrize(
    "where, value, expression",
    [
        ("birthDate", "1961-04", "Bundle.entry[4].resource.birthDate"),  # valid FHIR, not a full date
        ("servicedDate", "2026-12", "Bundle.entry[0].resource.item[0].servicedDate"),
    ],
)
def test_it_refuses_a_date_that_is_not_a_full_date(dli, where, value, expression):
    if where == "birthDate":
        dli["entry"][4]["resource"]["birthDate"] = value
    else:
        claim_of(dli)["item"][0]["servicedDate"] = value
    assert expressions(dli) == [expression]
