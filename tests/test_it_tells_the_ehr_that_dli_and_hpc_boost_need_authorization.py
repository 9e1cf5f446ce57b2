"""CRD order-sign (coverage_app/fhir/crd.py): an order for DLI (CPT 38242) or an HPC boost
(CPT 38243) comes back annotated with the Da Vinci CRD coverage-information extension and one card;
any other order gets nothing; a malformed request is refused naming the element at fault.

The request is the CRD guide's order-sign example (HL7/davinci-crd input/resources/
CRDServiceRequest.json) with its first order recoded to CPT 38242; its second order (HCPCS E0431,
home oxygen) stays as the guide has it. No database."""

import copy
import datetime as dt
import json
import uuid
from pathlib import Path

import pytest
from fhir.resources.R4B.servicerequest import ServiceRequest

from coverage_app.fhir import crd
from coverage_app.fhir.outcome import FhirError

EXAMPLES = Path(__file__).resolve().parent / "fhir_examples" / "crd"
QUESTIONNAIRE = "http://example.org/fhir/Questionnaire/policy-0261|2024-05-15"
TODAY = dt.date(2026, 3, 2)
ASSERTION = "crd-0261-000123"
CI_URL = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
CPT = "http://www.ama-assn.org/go/cpt"

# The extension's sub-extensions as CRD 2.2 defines them (input/fsh/extensions/CoverageInformation.fsh):
# value[x] type, min, max (None: *), and the required value set's codes where there is one.
SUB_EXTENSIONS = {
    "coverage": ("valueReference", 1, 1, None),
    "covered": ("valueCode", 1, 1, {"not-covered", "covered", "conditional", "indeterminate"}),
    "pa-needed": ("valueCode", 0, 1, {"no-auth", "auth-needed", "satisfied", "performpa", "conditional", "indeterminate"}),
    "doc-needed": ("valueCode", 0, None, {"clinical", "admin", "patient", "conditional", "indeterminate"}),
    "doc-purpose": ("valueCode", 0, None, {"withpa", "withclaim", "withorder", "retain-doc", "OTH"}),
    "info-needed": ("valueCode", 0, None, {"performer", "location", "timeframe", "contract-window", "detail-code", "OTH"}),
    "billingCode": ("valueCoding", 0, None, None),
    "reason": ("valueCodeableConcept", 0, None, None),
    "detail": (None, 0, None, None),
    "dependency": ("valueReference", 0, None, None),
    "questionnaire": ("valueCanonical", 0, None, None),
    "date": ("valueDate", 1, 1, None),
    "coverage-assertion-id": ("valueString", 1, 1, None),
    "satisfied-pa-id": ("valueString", 0, 1, None),
    "contact": ("valueContactDetail", 0, None, None),
    "expiry-date": ("valueDate", 0, 1, None),
}


def example() -> dict:
    return json.loads((EXAMPLES / "order-sign-dli-and-oxygen.json").read_text(encoding="utf-8"))


def first_order(request: dict) -> dict:
    return request["context"]["draftOrders"]["entry"][0]["resource"]


def call(request: dict, **overrides) -> dict:
    arguments = {"questionnaire_canonical": QUESTIONNAIRE, "today": TODAY, "assertion_id": ASSERTION} | overrides
    return crd.order_sign(request, **arguments)


def coverage_information(resource: dict) -> dict[str, list]:
    """Walks the resource's one coverage-information extension against the guide's definition and
    invariants; answers each sub-extension's values by url."""
    found = [e for e in resource.get("extension", []) if e.get("url") == CI_URL]
    assert len(found) == 1, found
    extension = found[0]
    assert set(extension) == {"url", "extension"}, "a complex extension has sub-extensions, no value"
    values: dict[str, list] = {}
    for sub in extension["extension"]:
        url = sub["url"]
        assert url in SUB_EXTENSIONS, f"{url} is not a sub-extension of coverage-information"
        value_type, _, _, codes = SUB_EXTENSIONS[url]
        value_keys = [k for k in sub if k.startswith("value")]
        assert value_keys == [value_type], (url, sub)
        assert set(sub) == {"url", value_type}, (url, sub)
        if codes is not None:
            assert sub[value_type] in codes, (url, sub[value_type])
        values.setdefault(url, []).append(sub[value_type])
    for url, (_, low, high, _) in SUB_EXTENSIONS.items():
        count = len(values.get(url, []))
        assert count >= low and (high is None or count <= high), f"{url}: {count} not in {low}..{high or '*'}"
    keyed = {url: set(v for v in vs if isinstance(v, str)) for url, vs in values.items()}
    # crd-ci-q1: questionnaire only with doc-needed
    assert "questionnaire" not in values or "doc-needed" in values
    # crd-ci-q2: not-covered means no pa-needed
    assert "not-covered" not in keyed["covered"] or "pa-needed" not in values
    # crd-ci-q3: anything conditional needs info-needed
    if any("conditional" in keyed.get(u, set()) for u in ("covered", "pa-needed", "doc-needed")):
        assert "info-needed" in values
    # crd-ci-q5: satisfied-pa-id if and only if pa-needed is satisfied
    assert ("satisfied" in keyed.get("pa-needed", set())) == ("satisfied-pa-id" in values)
    # crd-ci-q6, q8, q9: OTH info-needed, any doc-purpose, or indeterminate need a reason
    if ("OTH" in keyed.get("info-needed", set()) or "doc-purpose" in values
            or any("indeterminate" in keyed.get(u, set()) for u in ("covered", "pa-needed", "doc-needed"))):
        assert "reason" in values
    # crd-ci-q7: a reason not coded from the guide's value set has text
    for reason in values.get("reason", []):
        assert reason.get("text")
    return values


def without_coverage_information(resource: dict) -> dict:
    stripped = copy.deepcopy(resource)
    stripped["extension"] = [e for e in stripped.get("extension", []) if e.get("url") != CI_URL]
    if not stripped["extension"]:
        del stripped["extension"]
    return stripped


def refusal(request) -> FhirError:
    with pytest.raises(FhirError) as caught:
        call(request)
    return caught.value


# --- discovery -----------------------------------------------------------------------------

def test_discovery_lists_one_order_sign_service():
    services = crd.discovery()["services"]

    assert len(services) == 1
    service = services[0]
    assert service["hook"] == "order-sign"
    assert service["id"] == crd.SERVICE_ID == "policy-0261-order-sign"
    assert service["title"] and service["description"]
    assert all("{{context.patientId}}" in query for query in service.get("prefetch", {}).values())
    json.dumps(services)  # the discovery document is JSON


# --- the orders the policy covers -----------------------------------------------------------

def test_a_dli_order_gets_one_card_and_one_update_with_the_coverage_information():
    request = example()
    order = first_order(request)

    response = call(request)

    assert set(response) == {"cards", "systemActions"}
    assert len(response["cards"]) == 1 and len(response["systemActions"]) == 1
    action = response["systemActions"][0]
    assert action["type"] == "update"
    assert "38242" in action["description"]
    assert "resourceId" not in action
    resource = action["resource"]
    assert ServiceRequest.model_validate(resource).id == "1357"
    assert without_coverage_information(resource) == order, "nothing but the extension changes (resp-37)"
    assert coverage_information(resource) == {
        "coverage": [{"reference": "Coverage/COV1"}],  # the one Coverage the guide's example prefetches
        "covered": ["covered"],
        "pa-needed": ["auth-needed"],
        "doc-needed": ["clinical"],
        "doc-purpose": ["withpa"],
        "billingCode": [{"system": CPT, "code": "38242", "display": "Allogeneic lymphocyte infusions"}],
        "reason": [{"text": "Medical Coverage Policy 0261 requires prior authorization for donor lymphocyte "
                    "infusion (CPT 38242); the questionnaire gathers the policy's criteria for the request."}],
        "questionnaire": [QUESTIONNAIRE],
        "date": ["2026-03-02"],
        "coverage-assertion-id": [ASSERTION],
    }

    card = response["cards"][0]
    assert card["summary"] == ("Prior authorization is needed for donor lymphocyte infusion (CPT 38242) under "
                               "policy 0261; complete the policy's questionnaire.")
    assert len(card["summary"]) <= 140
    assert card["indicator"] == "info"
    assert card["source"]["label"] == "Policy 0261 coverage review"
    assert card["source"]["topic"]["code"] == "coverage-info"
    assert QUESTIONNAIRE in card["detail"] and "Allogeneic lymphocyte infusions (CPT 38242)" in card["detail"]
    assert "suggestions" not in card and "links" not in card
    assert card["extension"] == {"davinci-crd.associated-resource": [{"reference": "ServiceRequest/1357"}]}
    assert uuid.UUID(card["uuid"])
    json.dumps(response)


def test_an_hpc_boost_order_gets_the_hpc_wording():
    request = example()
    first_order(request)["code"] = {"coding": [{"system": CPT, "code": "38243"}]}

    response = call(request)

    assert len(response["cards"]) == 1 and len(response["systemActions"]) == 1
    card = response["cards"][0]
    assert card["summary"] == ("Prior authorization is needed for an HPC boost (CPT 38243) under policy 0261; "
                               "complete the policy's questionnaire.")
    assert len(card["summary"]) <= 140
    resource = response["systemActions"][0]["resource"]
    ServiceRequest.model_validate(resource)
    values = coverage_information(resource)
    assert values["billingCode"] == [{"system": CPT, "code": "38243",
                                      "display": "Hematopoietic progenitor cell (HPC); HPC boost"}]
    assert values["pa-needed"] == ["auth-needed"] and values["doc-needed"] == ["clinical"]
    assert "an HPC boost (CPT 38243)" in values["reason"][0]["text"]


def test_the_cpt_coding_may_sit_among_other_codings():
    request = example()
    first_order(request)["code"]["coding"].insert(0, {"system": "http://snomed.info/sct", "code": "58776007"})

    response = call(request)

    assert [c["summary"][:60] for c in response["cards"]] == [
        "Prior authorization is needed for donor lymphocyte infusion "]


def test_an_order_is_answered_once_even_with_both_codes():
    request = example()
    first_order(request)["code"]["coding"].append({"system": CPT, "code": "38243"})

    response = call(request)

    assert len(response["cards"]) == 1 and len(response["systemActions"]) == 1
    assert "(CPT 38242)" in response["cards"][0]["summary"]


@pytest.mark.parametrize("coding", [
    {"system": CPT, "code": "99213"},  # an office visit
    {"system": CPT, "code": "38241"},  # an autologous transplant: not this policy's code
    {"system": "http://snomed.info/sct", "code": "38242"},  # the number, in another code system
    {"code": "38242"},  # no system
    {"system": "http://www.ama-assn.org/go/cpt/", "code": "38243"},  # not the CPT system's URI
])
def test_any_other_code_gets_no_cards_and_no_actions(coding):
    request = example()
    first_order(request)["code"] = {"coding": [coding]}

    assert call(request) == {"cards": [], "systemActions": []}


def test_other_orders_need_no_coverage_to_be_answered():
    request = example()
    first_order(request)["code"] = {"coding": [{"system": CPT, "code": "99213"}]}
    del request["prefetch"]

    assert call(request) == {"cards": [], "systemActions": []}


def test_of_two_orders_only_the_policys_gets_a_card():
    response = call(example())  # the example's second order is home oxygen (HCPCS E0431)

    assert len(response["cards"]) == 1
    assert [a["resource"]["id"] for a in response["systemActions"]] == ["1357"]


def test_each_of_two_policy_orders_gets_its_own_card_and_action():
    request = example()
    second = request["context"]["draftOrders"]["entry"][1]["resource"]
    second["code"] = {"coding": [{"system": CPT, "code": "38243"}]}

    response = call(request)

    assert [a["resource"]["id"] for a in response["systemActions"]] == ["1357", "2468"]
    assert ["38242" in c["summary"] for c in response["cards"]] == [True, False]
    assert ["38243" in c["summary"] for c in response["cards"]] == [False, True]
    assert len({c["uuid"] for c in response["cards"]}) == 2


def test_other_resource_types_are_ignored():
    request = example()
    request["context"]["draftOrders"]["entry"].append({"resource": {
        "resourceType": "MedicationRequest", "id": "m1", "status": "draft", "intent": "order",
        "medicationCodeableConcept": {"coding": [{"system": CPT, "code": "38242"}]},
        "subject": {"reference": "Patient/123"},
    }})

    response = call(request)

    assert [a["resource"]["resourceType"] for a in response["systemActions"]] == ["ServiceRequest"]


def test_the_request_is_left_as_it_was():
    request = example()
    first_order(request)["extension"] = [{"url": "http://example.org/other", "valueString": "kept"}]
    before = copy.deepcopy(request)

    response = call(request)

    assert request == before
    resource = response["systemActions"][0]["resource"]
    assert resource["extension"][0] == {"url": "http://example.org/other", "valueString": "kept"}
    resource["extension"].clear()
    assert request == before, "the answer shares nothing with the request"


def test_a_new_extension_sits_where_fhir_json_puts_it():
    resource = call(example())["systemActions"][0]["resource"]

    assert list(resource)[:4] == ["resourceType", "id", "text", "extension"]


def test_an_earlier_assertion_about_the_same_coverage_is_replaced_and_another_payers_kept():
    request = example()
    old = {"url": CI_URL, "extension": [
        {"url": "coverage", "valueReference": {"reference": "http://example.org/someEHR/fhir/Coverage/COV1"}},
        {"url": "covered", "valueCode": "covered"},
        {"url": "date", "valueDate": "2026-01-01"},
        {"url": "coverage-assertion-id", "valueString": "old"},
    ]}
    other = copy.deepcopy(old)
    other["extension"][0]["valueReference"] = {"reference": "Coverage/OTHER"}
    first_order(request)["extension"] = [old, other]

    extensions = call(request)["systemActions"][0]["resource"]["extension"]

    assert [e["extension"][-1]["valueString"] for e in extensions] == ["old", ASSERTION]
    assert extensions[0]["extension"][0]["valueReference"] == {"reference": "Coverage/OTHER"}


# --- which Coverage ------------------------------------------------------------------------

def test_the_orders_own_insurance_names_the_coverage_without_prefetch():
    request = example()
    del request["prefetch"]
    first_order(request)["insurance"] = [{"reference": "http://example.org/someEHR/fhir/Coverage/C9", "display": "Acme Gold"}]

    values = coverage_information(call(request)["systemActions"][0]["resource"])

    assert values["coverage"] == [{"reference": "http://example.org/someEHR/fhir/Coverage/C9", "display": "Acme Gold"}]


def test_the_orders_insurance_comes_before_the_prefetched_coverage_and_a_claim_response_is_skipped():
    request = example()
    first_order(request)["insurance"] = [{"reference": "ClaimResponse/77"}, {"reference": "Coverage/C9"}]

    values = coverage_information(call(request)["systemActions"][0]["resource"])

    assert values["coverage"] == [{"reference": "Coverage/C9"}]


def test_a_contained_coverage_is_referred_to_as_it_is():
    request = example()
    order = first_order(request)
    order["contained"] = [{"resourceType": "Coverage", "id": "cov", "status": "active",
                           "beneficiary": {"reference": "Patient/123"},
                           "payor": [{"display": "Acme Health Plan"}]}]
    order["insurance"] = [{"reference": "#cov"}]
    del request["prefetch"]

    resource = call(request)["systemActions"][0]["resource"]

    assert coverage_information(resource)["coverage"] == [{"reference": "#cov"}]
    ServiceRequest.model_validate(resource)


def test_a_prefetched_coverage_resource_alone_serves_too():
    request = example()
    request["prefetch"]["coverage"] = request["prefetch"]["coverage"]["entry"][0]["resource"]

    values = coverage_information(call(request)["systemActions"][0]["resource"])

    assert values["coverage"] == [{"reference": "Coverage/COV1"}]


def test_without_insurance_or_prefetched_coverage_the_service_asks_for_the_prefetch():
    request = example()
    del request["prefetch"]["coverage"]

    error = refusal(request)

    assert error.status == 412
    assert [(i.code, i.expression) for i in error.issues] == [("required", "Bundle.entry[0].resource.insurance")]


def test_no_prefetch_at_all_is_the_same():
    request = example()
    del request["prefetch"]

    error = refusal(request)

    assert (error.status, error.issues[0].expression) == (412, "Bundle.entry[0].resource.insurance")


@pytest.mark.parametrize("coverage, code, expression", [
    (None, "not-found", "prefetch.coverage"),  # CDS Hooks: null when the EHR found nothing
    ({"resourceType": "Bundle", "type": "searchset", "total": 0}, "not-found", "prefetch.coverage"),
    ("Coverage/COV1", "invalid", "prefetch.coverage"),
    ({"resourceType": "Patient", "id": "123"}, "invalid", "prefetch.coverage"),
    ({"resourceType": "Coverage", "status": "active"}, "required", "prefetch.coverage.id"),
])
def test_a_prefetch_without_one_usable_coverage_is_refused(coverage, code, expression):
    request = example()
    request["prefetch"]["coverage"] = coverage

    error = refusal(request)

    assert (error.status, [(i.code, i.expression) for i in error.issues]) == (400, [(code, expression)])


def test_two_prefetched_coverages_are_refused():
    request = example()
    bundle = request["prefetch"]["coverage"]
    second = copy.deepcopy(bundle["entry"][0])
    second["resource"]["id"] = "COV2"
    bundle["entry"].append(second)

    error = refusal(request)

    assert (error.status, error.issues[0].code, error.issues[0].expression) == (400, "multiple-matches", "prefetch.coverage")


def test_two_policy_orders_naming_different_coverages_are_refused():
    request = example()
    second = request["context"]["draftOrders"]["entry"][1]["resource"]
    second["code"] = {"coding": [{"system": CPT, "code": "38243"}]}
    second["insurance"] = [{"reference": "Coverage/OTHER"}]

    error = refusal(request)

    assert (error.issues[0].code, error.issues[0].expression) == ("multiple-matches", "Bundle.entry[1].resource.insurance")


def test_two_policy_orders_on_the_same_coverage_share_the_assertion():
    request = example()
    second = request["context"]["draftOrders"]["entry"][1]["resource"]
    second["code"] = {"coding": [{"system": CPT, "code": "38243"}]}
    second["insurance"] = [{"reference": "http://example.org/someEHR/fhir/Coverage/COV1"}]

    actions = call(request)["systemActions"]

    assert [coverage_information(a["resource"])["coverage-assertion-id"] for a in actions] == [[ASSERTION], [ASSERTION]]


# --- malformed requests --------------------------------------------------------------------

def _set(path: str, value):
    def change(request):
        *parents, last = path.split(".")
        target = request
        for part in parents:
            target = target[int(part)] if part.isdigit() else target[part]
        if value is DELETE:
            del target[int(last) if last.isdigit() else last]
        else:
            target[int(last) if last.isdigit() else last] = value
    return change


DELETE = object()
ORDER = "context.draftOrders.entry.0.resource"


@pytest.mark.parametrize("change, code, expression", [
    (_set("hook", "order-select"), "invalid", "hook"),
    (_set("hook", DELETE), "required", "hook"),
    (_set("hookInstance", DELETE), "required", "hookInstance"),
    (_set("hookInstance", "hook-1"), "invalid", "hookInstance"),
    (_set("context", DELETE), "required", "context"),
    (_set("context", []), "invalid", "context"),
    (_set("context.patientId", DELETE), "required", "context.patientId"),
    (_set("context.patientId", 123), "invalid", "context.patientId"),
    (_set("context.userId", {"id": "ABC"}), "invalid", "context.userId"),
    (_set("prefetch", []), "invalid", "prefetch"),
    (_set("context.draftOrders", DELETE), "required", "context.draftOrders"),
    (_set("context.draftOrders", []), "invalid", "context.draftOrders"),
    (_set("context.draftOrders", {"resourceType": "ServiceRequest"}), "invalid", "context.draftOrders"),
    (_set("context.draftOrders.type", "bag"), "invalid", "Bundle.type"),
    (_set(f"{ORDER}.status", "signed"), "invalid", "Bundle.entry[0].resource.status"),
    (_set(f"{ORDER}.intent", "wish"), "invalid", "Bundle.entry[0].resource.intent"),
    (_set("context.draftOrders.entry.1.resource.status", "pending"), "invalid", "Bundle.entry[1].resource.status"),
    (_set(f"{ORDER}.resourceType", "ServiceOrder"), "invalid", "Bundle.entry[0].resource.resourceType"),
    (_set(f"{ORDER}", "ServiceRequest/1357"), "invalid", "Bundle.entry[0].resource"),
    (_set(f"{ORDER}.resourceType", "Reference"), "invalid", "Bundle.entry[0].resource.resourceType"),
    (_set(f"{ORDER}.resourceType", "DomainResource"), "invalid", "Bundle.entry[0].resource.resourceType"),
])
def test_a_malformed_request_is_refused_naming_the_element(change, code, expression):
    request = example()
    change(request)

    error = refusal(request)

    assert error.status == 400
    assert [(i.code, i.expression) for i in error.issues] == [(code, expression)]
    assert all(i.diagnostics for i in error.issues)


@pytest.mark.parametrize("change, expression", [
    (_set(f"{ORDER}.subject", DELETE), "Bundle.entry[0].resource.subject"),
    (_set(f"{ORDER}.authoredOn", "15 Feb 2019"), "Bundle.entry[0].resource.authoredOn"),
    (_set(f"{ORDER}.priority", {"code": "stat"}), "Bundle.entry[0].resource.priority"),
    (_set(f"{ORDER}.flavour", "vanilla"), "Bundle.entry[0].resource.flavour"),
    (_set("context.draftOrders.type", DELETE), "Bundle.type"),
    (_set("context.draftOrders.entry.1", 7), "Bundle.entry[1]"),
    (_set(f"{ORDER}.code.coding", [7]), "Bundle.entry[0].resource.code.coding[0]"),
])
def test_an_invalid_service_request_is_refused_with_its_fhirpath(change, expression):
    request = example()
    change(request)

    error = refusal(request)

    assert error.status == 400
    assert [i.expression for i in error.issues] == [expression]
    assert error.issues[0].code in {"invalid", "required"}
    assert error.issues[0].diagnostics.startswith("context.draftOrders: ")


def test_a_request_that_is_not_an_object_is_refused():
    error = refusal([example()])

    assert (error.status, error.issues[0].code) == (400, "invalid")


def test_the_callers_arguments_are_checked():
    with pytest.raises(TypeError):
        call(example(), today=dt.datetime(2026, 3, 2, 9, 30))
    with pytest.raises(ValueError):
        call(example(), assertion_id="")
    with pytest.raises(ValueError):
        call(example(), questionnaire_canonical=" ")
