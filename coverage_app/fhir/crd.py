"""CRD (Da Vinci Coverage Requirements Discovery 2.x) over CDS Hooks 2.0: tells the EHR, when a
clinician signs an order for DLI (CPT 38242) or an HPC boost (CPT 38243), that policy 0261 needs
prior authorization and which questionnaire gathers the documentation. Pure: no database, no
network; the view passes today's date, the questionnaire's canonical and a fresh assertion id.

What the answer holds, per order for 38242/38243 (ServiceRequest.code.coding, system CPT):

* a systemAction of type "update" carrying the order as received plus one coverage-information
  extension (ext-coverage-information, CRD 2.2, input/fsh/extensions/CoverageInformation.fsh):
  coverage, covered=covered, pa-needed=auth-needed, doc-needed=clinical, doc-purpose=withpa,
  billingCode (the CPT code), reason (text), questionnaire, date, coverage-assertion-id.
  "covered" rather than "conditional": the guide's invariant crd-ci-q3 demands `info-needed`
  whenever anything is "conditional", and its codes (performer, location, timeframe, ...) are for
  facts the hook does not carry yet; what policy 0261 needs is clinical documentation, which is
  what doc-needed + questionnaire say (see StructureDefinition-ext-coverage-information-notes.md).
  doc-purpose obliges a reason (crd-ci-q8); a text-only reason satisfies crd-ci-q7.
* one card ("Instructions" response type: summary, detail, no links, no suggestions), because
  the project asks for one. The guide discourages repeating a systemAction's content in a card
  (cards.md resp-12, SHOULD NOT); the card carries the associated-resource extension (dev-25).

The extension's `coverage` is 1..1 and "if no coverage instance is available, the
coverage-information extension cannot be returned"; hooks.md (hook-13) answers "no Coverage
accessible" or "multiple Coverages accessible" with 400 and an OperationOutcome, and CDS Hooks
answers "prefetch missing and the service cannot query" with 412. So the Coverage comes from the
order's `insurance` (its first reference to a Coverage) or else from prefetch `coverage` (one
Coverage, or a searchset Bundle holding exactly one); otherwise FhirError.
"""

import copy
import datetime
import re
import uuid

import pydantic
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource

from coverage_app.fhir.outcome import FhirError, fhirpath, from_validation_error
from coverage_app.lib.vocabulary import CPT_CODES, CPT_DESCRIPTIONS, Service

SERVICE_ID = "policy-0261-order-sign"
HOOK = "order-sign"

CPT_SYSTEM = "http://www.ama-assn.org/go/cpt"
COVERAGE_INFORMATION = "http://hl7.org/fhir/us/davinci-crd/StructureDefinition/ext-coverage-information"
CARD_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/cdshooks-card-type"
ASSOCIATED_RESOURCE = "davinci-crd.associated-resource"
SOURCE_LABEL = "Policy 0261 coverage review"

# The assertion, in the guide's codes (CodeSystem coverage-information-codes, value sets in
# CoverageInformationValuesets.fsh).
COVERED = "covered"  # CRDCoveredInfo
PA_NEEDED = "auth-needed"  # CRDCoveragePaDetail
DOC_NEEDED = "clinical"  # CRDAdditionalDoc
DOC_PURPOSE = "withpa"  # CRDDocReason: the answers go with the prior authorization request

SERVICE_WORDS = {
    Service.DLI: "donor lymphocyte infusion",
    Service.HPC_BOOST: "an HPC boost",
}
SERVICE_BY_CPT = {code: service for service, code in CPT_CODES.items()}

# Required bindings the R4B models do not check (they accept any code string).
REQUEST_STATUS = {"draft", "active", "on-hold", "revoked", "completed", "entered-in-error", "unknown"}
REQUEST_INTENT = {"proposal", "plan", "directive", "order", "original-order", "reflex-order",
                  "filler-order", "instance-order", "option"}
BUNDLE_TYPE = {"document", "message", "transaction", "transaction-response", "batch", "batch-response",
               "history", "searchset", "collection"}

# The order of a resource's first elements in FHIR JSON, to place a new `extension` among them.
_BEFORE_EXTENSION = ("resourceType", "id", "meta", "implicitRules", "language", "text", "contained")
_ROOT_STEP = re.compile(r"\.root(?=[.\[]|$)")
_COVERAGE_REFERENCE = re.compile(r"(?:^|/)(Coverage/[A-Za-z0-9\-.]{1,64})(?:/_history/[A-Za-z0-9\-.]{1,64})?$")


def discovery() -> dict:
    """The CDS Hooks discovery document (GET /cds-services). The prefetch is the guide's
    `coverage` query; the service copes without it when the order names its insurance."""
    return {
        "services": [{
            "hook": HOOK,
            "id": SERVICE_ID,
            "title": "Policy 0261 prior authorization: DLI and HPC boost",
            "description": "When an order for donor lymphocyte infusion (CPT 38242) or an HPC boost "
            "(CPT 38243) is signed, records on the order (Da Vinci CRD coverage-information) that prior "
            "authorization is needed under Medical Coverage Policy 0261 and names the questionnaire to "
            "complete.",
            "prefetch": {"coverage": "Coverage?patient={{context.patientId}}&status=active"},
        }]
    }


def order_sign(request: dict, *, questionnaire_canonical: str, today: datetime.date, assertion_id: str) -> dict:
    """The CDS Hooks response to an order-sign request: {"cards": [...], "systemActions": [...]},
    one card and one "update" action per ServiceRequest for CPT 38242 or 38243, none otherwise.
    Raises FhirError (400, or 412 when no Coverage can be had) naming the element at fault.
    Does not change `request`."""
    if not isinstance(questionnaire_canonical, str) or not questionnaire_canonical.strip():
        raise ValueError("questionnaire_canonical must be a non-empty canonical URL")
    if not isinstance(assertion_id, str) or not assertion_id.strip():
        raise ValueError("assertion_id must be a non-empty string")
    if isinstance(today, datetime.datetime) or not isinstance(today, datetime.date):
        raise TypeError("today must be a datetime.date")

    bundle = _draft_orders(request)
    prefetch = request.get("prefetch")
    found = _orders_for_policy(bundle)
    if not found:
        return {"cards": [], "systemActions": []}

    coverages = [_coverage_for(order, index, prefetch) for index, order, _ in found]
    _one_coverage(coverages, found)

    cards, actions = [], []
    for (index, order, code), coverage in zip(found, coverages, strict=True):
        service = SERVICE_BY_CPT[code]
        extension = _coverage_information(coverage, code, service, questionnaire_canonical, today, assertion_id)
        actions.append({
            "type": "update",
            "description": f"Record on the order for {CPT_DESCRIPTIONS[code]} (CPT {code}) that policy 0261 "
            "needs prior authorization.",
            "resource": _annotated(order, extension, coverage),
        })
        cards.append(_card(request["hookInstance"], assertion_id, index, order, code, service, questionnaire_canonical))
    return {"cards": cards, "systemActions": actions}


# --- the request ---------------------------------------------------------------------------

def _draft_orders(request) -> dict:
    """The request's context.draftOrders, after checking the CDS Hooks envelope and the Bundle."""
    if not isinstance(request, dict):
        raise FhirError.one("invalid", "The CDS Hooks request must be a JSON object.")
    hook = request.get("hook")
    if hook is None:
        raise FhirError.one("required", "The request names no hook.", "hook")
    if hook != HOOK:
        raise FhirError.one("invalid", f"This service answers the order-sign hook, not {hook!r}.", "hook")
    instance = request.get("hookInstance")
    if instance is None:
        raise FhirError.one("required", "The request has no hookInstance.", "hookInstance")
    if not _is_uuid(instance):
        raise FhirError.one("invalid", "hookInstance must be a UUID.", "hookInstance")
    context = request.get("context")
    if context is None:
        raise FhirError.one("required", "The request has no context.", "context")
    if not isinstance(context, dict):
        raise FhirError.one("invalid", "context must be a JSON object.", "context")
    patient_id = context.get("patientId")
    if patient_id is None:
        raise FhirError.one("required", "The context has no patientId.", "context.patientId")
    if not isinstance(patient_id, str) or not patient_id.strip():
        raise FhirError.one("invalid", "context.patientId must be a FHIR id (a non-empty string).", "context.patientId")
    for name in ("userId", "encounterId"):
        if name in context and not isinstance(context[name], str):
            raise FhirError.one("invalid", f"context.{name} must be a string.", f"context.{name}")
    prefetch = request.get("prefetch")
    if prefetch is not None and not isinstance(prefetch, dict):
        raise FhirError.one("invalid", "prefetch must be a JSON object.", "prefetch")
    orders = context.get("draftOrders")
    if orders is None:
        raise FhirError.one("required", "The context has no draftOrders.", "context.draftOrders")
    if not isinstance(orders, dict) or orders.get("resourceType") != "Bundle":
        raise FhirError.one("invalid", "context.draftOrders must be a FHIR Bundle.", "context.draftOrders")
    _check_bundle(orders)
    return orders


def _check_bundle(bundle: dict) -> None:
    entries = bundle.get("entry", [])
    if isinstance(entries, list):
        for i, entry in enumerate(entries):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if resource is None:
                continue  # the model reports an entry that is not an object
            where = fhirpath("Bundle", ("entry", i, "resource"))
            if not isinstance(resource, dict):
                raise FhirError.one("invalid", "context.draftOrders: an entry's resource must be a JSON object.", where)
            kind = resource.get("resourceType")
            if not isinstance(kind, str) or not _is_fhir_type(kind):
                raise FhirError.one("invalid", f"context.draftOrders: {kind!r} is not a FHIR R4 resource type.",
                                    f"{where}.resourceType")
    try:
        Bundle.model_validate(bundle)
    except pydantic.ValidationError as e:
        error = from_validation_error("Bundle", e)
        for issue in error.issues:
            issue.diagnostics = f"context.draftOrders: {issue.diagnostics}"
            issue.expression = _ROOT_STEP.sub("", issue.expression)  # pydantic's RootModel step, no FHIR element
        raise error from None
    if bundle.get("type") not in BUNDLE_TYPE:
        raise FhirError.one("invalid", f"context.draftOrders: {bundle.get('type')!r} is not a Bundle type.", "Bundle.type")
    for i, entry in enumerate(bundle.get("entry") or []):
        resource = entry.get("resource") or {}
        if resource.get("resourceType") != "ServiceRequest":
            continue
        for element, codes in (("status", REQUEST_STATUS), ("intent", REQUEST_INTENT)):
            if resource.get(element) not in codes:
                raise FhirError.one(
                    "invalid",
                    f"context.draftOrders: {resource.get(element)!r} is not a ServiceRequest {element} code.",
                    fhirpath("Bundle", ("entry", i, "resource", element)),
                )


def _orders_for_policy(bundle: dict) -> list[tuple[int, dict, str]]:
    """(entry index, ServiceRequest, CPT code) for each order coded 38242 or 38243."""
    found = []
    for i, entry in enumerate(bundle.get("entry") or []):
        resource = entry.get("resource") or {}
        if resource.get("resourceType") != "ServiceRequest":
            continue  # DeviceRequest, MedicationRequest, ...: not this policy's services
        for coding in (resource.get("code") or {}).get("coding") or []:
            if coding.get("system") == CPT_SYSTEM and coding.get("code") in SERVICE_BY_CPT:
                found.append((i, resource, coding["code"]))
                break
    return found


# --- the Coverage --------------------------------------------------------------------------

def _coverage_for(order: dict, index: int, prefetch) -> dict:
    """A Reference to the Coverage the assertion is about: the order's first insurance that is a
    Coverage, else the one Coverage of prefetch `coverage`."""
    contained = {r.get("id"): r.get("resourceType") for r in order.get("contained") or [] if isinstance(r, dict)}
    for reference in order.get("insurance") or []:
        target = reference.get("reference") or ""
        if (_COVERAGE_REFERENCE.search(target)
                or (target.startswith("#") and contained.get(target[1:]) == "Coverage")
                or (not target and reference.get("type") == "Coverage" and reference.get("identifier"))):
            return copy.deepcopy(reference)
    insurance = fhirpath("Bundle", ("entry", index, "resource", "insurance"))
    if prefetch is None or "coverage" not in prefetch:
        raise FhirError.one(
            "required",
            "The order names no Coverage in insurance and the request carries no prefetch 'coverage'; "
            "this service cannot query the EHR, so it cannot say which coverage the assertion is about.",
            insurance,
            status=412,
        )
    return _prefetched_coverage(prefetch["coverage"])


def _prefetched_coverage(found) -> dict:
    where = "prefetch.coverage"
    if found is None:
        raise FhirError.one("not-found", "The EHR found no active Coverage for the patient.", where)
    if not isinstance(found, dict) or found.get("resourceType") not in ("Coverage", "Bundle"):
        raise FhirError.one("invalid", "prefetch.coverage must be a Coverage or a Bundle of Coverage.", where)
    if found["resourceType"] == "Coverage":
        candidates = [(found, None, where)]
    else:
        entries = found.get("entry") or []
        if not isinstance(entries, list):
            raise FhirError.one("invalid", "prefetch.coverage.entry must be a list.", f"{where}.entry")
        candidates = [
            (e["resource"], e.get("fullUrl"), fhirpath(where, ("entry", i, "resource")))
            for i, e in enumerate(entries)
            if isinstance(e, dict) and isinstance(e.get("resource"), dict) and e["resource"].get("resourceType") == "Coverage"
        ]
    if not candidates:
        raise FhirError.one("not-found", "The EHR found no active Coverage for the patient.", where)
    if len(candidates) > 1:
        raise FhirError.one("multiple-matches", "The EHR sent more than one Coverage; CRD expects only the primary one.", where)
    coverage, full_url, path = candidates[0]
    if isinstance(coverage.get("id"), str) and coverage["id"]:
        return {"reference": f"Coverage/{coverage['id']}"}
    if isinstance(full_url, str) and full_url:
        return {"reference": full_url}
    raise FhirError.one("required", "The Coverage has no id to refer to.", f"{path}.id")


def _one_coverage(coverages: list[dict], found: list) -> None:
    """Every assertion of one call is about one Coverage: they share the assertion id, which the
    guide allows only for one Coverage (cards.md resp-32), and a call has one primary Coverage
    (deviations.md dev-28); two are "multiple Coverages accessible" (hooks.md hook-13)."""
    first = _coverage_key(coverages[0])
    for coverage, (index, _, _) in zip(coverages[1:], found[1:]):
        if _coverage_key(coverage) != first:
            raise FhirError.one(
                "multiple-matches",
                "The orders name different Coverages; send one CRD call per primary Coverage.",
                fhirpath("Bundle", ("entry", index, "resource", "insurance")),
            )


def _coverage_key(reference: dict) -> str:
    match = _COVERAGE_REFERENCE.search(reference.get("reference") or "")
    return match.group(1) if match else repr(sorted(reference.items()))


# --- the answer ----------------------------------------------------------------------------

def _coverage_information(coverage: dict, code: str, service: Service, questionnaire: str,
                          today: datetime.date, assertion_id: str) -> dict:
    return {
        "url": COVERAGE_INFORMATION,
        "extension": [
            {"url": "coverage", "valueReference": coverage},
            {"url": "covered", "valueCode": COVERED},
            {"url": "pa-needed", "valueCode": PA_NEEDED},
            {"url": "doc-needed", "valueCode": DOC_NEEDED},
            {"url": "doc-purpose", "valueCode": DOC_PURPOSE},
            {"url": "billingCode", "valueCoding": {"system": CPT_SYSTEM, "code": code, "display": CPT_DESCRIPTIONS[code]}},
            {"url": "reason", "valueCodeableConcept": {
                "text": f"Medical Coverage Policy 0261 requires prior authorization for {SERVICE_WORDS[service]} "
                f"(CPT {code}); the questionnaire gathers the policy's criteria for the request."}},
            {"url": "questionnaire", "valueCanonical": questionnaire},
            {"url": "date", "valueDate": today.isoformat()},
            {"url": "coverage-assertion-id", "valueString": assertion_id},
        ],
    }


def _annotated(order: dict, extension: dict, coverage: dict) -> dict:
    """A copy of the order with the extension: only coverage-information changes (cards.md
    resp-37); an earlier coverage-information about the same Coverage is replaced."""
    resource = copy.deepcopy(order)
    key = _coverage_key(coverage)
    kept = [
        e for e in resource.get("extension") or []
        if not (e.get("url") == COVERAGE_INFORMATION and any(
            s.get("url") == "coverage" and isinstance(s.get("valueReference"), dict)
            and _coverage_key(s["valueReference"]) == key
            for s in e.get("extension") or []))
    ]
    if "extension" in resource:
        resource["extension"] = [*kept, extension]
        return resource
    placed = {k: v for k, v in resource.items() if k in _BEFORE_EXTENSION}
    placed["extension"] = [extension]
    placed.update((k, v) for k, v in resource.items() if k not in _BEFORE_EXTENSION)
    return placed


def _card(hook_instance: str, assertion_id: str, index: int, order: dict, code: str, service: Service,
          questionnaire: str) -> dict:
    card = {
        "uuid": str(uuid.uuid5(uuid.NAMESPACE_URL, f"urn:{SERVICE_ID}:{hook_instance}:{assertion_id}:{index}")),
        "summary": f"Prior authorization is needed for {SERVICE_WORDS[service]} (CPT {code}) under policy 0261; "
        "complete the policy's questionnaire.",
        "detail": f"The order for {CPT_DESCRIPTIONS[code]} (CPT {code}) needs prior authorization under Medical "
        f"Coverage Policy 0261. Complete questionnaire {questionnaire} so that the clinical documentation goes "
        "with the authorization request.",
        "indicator": "info",
        "source": {
            "label": SOURCE_LABEL,
            "topic": {"system": CARD_TYPE_SYSTEM, "code": "coverage-info", "display": "Coverage Information"},
        },
    }
    if isinstance(order.get("id"), str) and order["id"]:
        card["extension"] = {ASSOCIATED_RESOURCE: [{"reference": f"ServiceRequest/{order['id']}"}]}
    return card


def _is_uuid(value) -> bool:
    if not isinstance(value, str):
        return False
    try:
        uuid.UUID(value.removeprefix("urn:uuid:"))
    except ValueError:
        return False
    return True


def _is_fhir_type(name: str) -> bool:
    """A concrete R4 resource type (not a data type, not Resource or DomainResource)."""
    if name in ("Resource", "DomainResource"):
        return False
    try:
        model = get_fhir_model_class(name)
    except (KeyError, ValueError):
        return False
    return issubclass(model, Resource)
