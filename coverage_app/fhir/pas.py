"""HL7 Da Vinci Prior Authorization Support (PAS 2.x, FHIR R4): the Claim/$submit Bundle read into
the request step's answers, and the ClaimResponse Bundle written back. Pure: no database.

`parse_submit(bundle)` checks the PAS Request Bundle against the FHIR R4 (R4B models) structure
first, then against the rules this plan needs, and answers either a `SubmittedClaim` or a
`FhirError` naming every element at fault by its FHIRPath in Bundle terms
("Bundle.entry[0].resource.item[0].servicedDate"). `claim_response_bundle(...)` writes the PAS
Response Bundle: the ClaimResponse first, then the resources it refers to, echoed with the same
fullUrl as the request (PAS specification, "Prior Authorization Response").

How the request is read (the guide leaves some of it open; these are this plan's choices):

- The Claim is the first Claim entry of the Bundle (PAS puts it first: invariant ClaimFirst).
- Service: the single item's productOrService coding with CPT 38242 (DLI) or 38243 (HPC boost),
  system CPT (http://www.ama-assn.org/go/cpt) or HCPCS (the guide: "HCPCS Level 1 codes are the
  CPT codes so either code system could be used", and its own examples use the HCPCS system).
- Date of service: item.servicedDate, else item.servicedPeriod.start (its date, as written).
- Urgency: "urgent" when Claim.priority is `stat` (http://terminology.hl7.org/CodeSystem/processpriority;
  `urgent` is taken too) or when the PAS levelOfServiceCode extension (X12 UM06, code system
  https://codesystem.x12.org/005010/1338) is U (urgent) or 03 (emergency); else "standard". The
  guide's own example sends priority `normal` with level of service U: either one makes it urgent.
- Request type: "pre_service" (use = preauthorization; anything else is refused).
- Line of business: "medicare_advantage" when the Coverage's type has a Source of Payment
  Typology code (https://nahdo.org/sopt, or its OID urn:oid:2.16.840.1.113883.3.221.5; the
  binding US Core Coverage uses) for Medicare managed care: 11, 111 (HMO), 112 (PPO), 113 (POS)
  or 119 (other); every other coverage is "commercial".
- Member ID: the focal Coverage's identifier typed MB (v2-0203; PAS 2.2 makes this memberid slice
  1..1), else Coverage.subscriberId, else the Patient's identifier typed MB.
- Member address: the Patient's first address that is not `old` (home preferred); absent parts are
  "" (PAS does not require an address; the review asks for it before its letters), present ones are
  checked: a state among lib/us_states, a ZIP of 5 digits or ZIP+4 (ZIP+4 written 12345-6789).
- Requesting provider: Claim.provider: an Organization (its name), a Practitioner or a
  PractitionerRole's Practitioner ("Given Family, suffix"). Its NPI is required and checked.
- Servicing facility: Claim.facility (a Location, or an Organization), else item.locationReference,
  else a careTeam member with role FA (facility) or 77 (service location) of X12 code list 98. Its
  name and NPI (the Location's own, else its managingOrganization's) are optional: "" when absent.
- Diagnoses: every Claim.diagnosis must carry an ICD-10-CM coding; each is a billable code.
- The QuestionnaireResponse: the first Claim.supportingInfo of category additionalInformation
  (PASTempCodes) whose valueReference is a QuestionnaireResponse, or a Bundle holding one (the DTR
  QuestionnaireResponse Bundle the guide intends); returned as the resource's dict and its FHIRPath.
- References resolve within the Bundle: by fullUrl, by a relative "Type/id" against the
  referencing entry's base, or by resource type and id.

The response (PAS 2.2): ClaimResponse.outcome is "complete" for A1, A3 and A4 alike. The guide
restricts outcome to complete | error | partial (FHIR-51436: `queued` is not allowed) and its pended
example (A4) says complete: whether an item is certified, denied or pended is its reviewAction
code, never the outcome. A denial's reasons go in ClaimResponse.processNote (the guide's "Reason for
Denial": the text an X12 MSG segment carried), each referred to by item.noteNumber.
"""

from __future__ import annotations

import copy
import datetime as dt
import json
import math
import re
import uuid
from dataclasses import dataclass, field

import pydantic
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.resource import Resource

from coverage_app.fhir.outcome import FhirError, Issue, from_validation_error
from coverage_app.lib import icd10
from coverage_app.lib.deadlines import LineOfBusiness, RequestType, Urgency
from coverage_app.lib.npi import npi_problem
from coverage_app.lib.questions import QUESTIONS
from coverage_app.lib.questions import STEPS as QUESTION_STEPS
from coverage_app.lib.us_states import US_STATES
from coverage_app.lib.vocabulary import CPT_CODES, CPT_DESCRIPTIONS, Service

PAS = "http://hl7.org/fhir/us/davinci-pas"
PAS_EXT = f"{PAS}/StructureDefinition/extension-"
PAS_TEMP_CODES = f"{PAS}/CodeSystem/PASTempCodes"
RESPONSE_BUNDLE_PROFILE = f"{PAS}/StructureDefinition/profile-pas-response-bundle"
CLAIM_RESPONSE_PROFILE = f"{PAS}/StructureDefinition/profile-claimresponse"

CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
ICD10CM = "http://hl7.org/fhir/sid/icd-10-cm"
NPI = "http://hl7.org/fhir/sid/us-npi"
V2_0203 = "http://terminology.hl7.org/CodeSystem/v2-0203"
PROCESS_PRIORITY = "http://terminology.hl7.org/CodeSystem/processpriority"
ADJUDICATION = "http://terminology.hl7.org/CodeSystem/adjudication"
X12_306 = "https://codesystem.x12.org/005010/306"  # review action (HCR01)
X12_1338 = "https://codesystem.x12.org/005010/1338"  # level of service (UM06)
X12_98 = "https://codesystem.x12.org/005010/98"  # entity identifier (NM101)
SOPT = ("https://nahdo.org/sopt", "urn:oid:2.16.840.1.113883.3.221.5")

SERVICE_BY_CPT = {code: service.value for service, code in CPT_CODES.items()}
URGENT_PRIORITIES = {"stat", "urgent"}
URGENT_LEVELS_OF_SERVICE = {"U", "03"}  # X12 1338: urgent, emergency
MEDICARE_ADVANTAGE_SOPT = {"11", "111", "112", "113", "119"}  # Medicare (managed care)
FACILITY_ROLES = {"FA", "77"}  # X12 98: facility, service location
REVIEW_ACTIONS = {"A1": "Certified in total", "A3": "Not Certified", "A4": "Pending"}  # the guide's displays
SERVICE_NAMES = {
    Service.DLI.value: "donor lymphocyte infusion (DLI, CPT 38242)",
    Service.HPC_BOOST.value: "hematopoietic progenitor cell boost (HPC boost, CPT 38243)",
}

_MAX_LENGTH = {q.name: q.max_length for q in QUESTIONS if q.max_length}
_STATES = {code for code, _ in US_STATES}
_FULL_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ZIP = re.compile(r"(\d{5})(?:-?(\d{4}))?")
_FHIR_ID = re.compile(r"[A-Za-z0-9\-.]{1,64}")
_RELATIVE = re.compile(r"([A-Z][A-Za-z]+)/([A-Za-z0-9\-.]{1,64})(?:/_history/[A-Za-z0-9\-.]{1,64})?")
_UNITS = (1, 10)


@dataclass(frozen=True)
class SubmittedClaim:
    """A PAS Claim as this plan reads it: the request step's answers (named as in lib/questions.py),
    the provider's QuestionnaireResponse, and what the response has to echo."""

    identifier: str  # "system|value" of Claim.identifier[0]
    service: str  # Service: "dli" | "hpc_boost"
    cpt: str  # "38242" | "38243"
    planned_date_of_service: dt.date
    urgency: str  # Urgency: "standard" | "urgent"
    request_type: str  # RequestType: "pre_service"
    line_of_business: str  # LineOfBusiness: "commercial" | "medicare_advantage"
    member_name: str
    member_id: str
    member_date_of_birth: dt.date
    member_address_line1: str
    member_address_line2: str
    member_city: str
    member_state: str  # two letters, upper case
    member_zip: str  # 12345 or 12345-6789
    requesting_provider: str
    provider_npi: str
    units_requested: int
    servicing_facility: str  # "" when the Claim names none
    servicing_npi: str  # "" when the facility has none
    diagnosis_codes: list[str]  # ICD-10-CM, written with the dot (C92.02), in the Claim's order
    questionnaire_response: dict | None
    questionnaire_response_path: str  # e.g. "Bundle.entry[5].resource"; "" when there is none
    # What the response echoes (PAS: "the same fullUrl and resource identifiers").
    claim_full_url: str
    claim_id: str  # "" when the Claim has no id
    claim_path: str  # FHIRPath of the Claim in the Bundle: "Bundle.entry[0].resource"
    claim_identifier: dict = field(repr=False)  # Claim.identifier[0] as sent: {"system", "value"}
    claim_type: dict = field(repr=False)  # Claim.type
    item_sequence: int  # Claim.item[0].sequence, echoed as ClaimResponse.item.itemSequence
    bundle_identifier: dict | None = field(repr=False)  # the request Bundle's identifier
    patient_reference: str  # the Patient entry's fullUrl
    patient: dict = field(repr=False)
    insurer_reference: str  # the insurer Organization entry's fullUrl; "" without Claim.insurer
    insurer: dict | None = field(repr=False)
    requestor_reference: str  # Claim.provider's entry's fullUrl
    requestor: dict = field(repr=False)
    # The Practitioner behind a PractitionerRole provider (or the provider itself when it is a
    # Practitioner): the response item's authorized provider. "" and None for an Organization.
    requestor_practitioner_reference: str
    requestor_practitioner: dict | None = field(repr=False)

    def request_answers(self) -> dict:
        """The request step's answers, keyed by question name (lib/questions.py)."""
        answers = {name: getattr(self, name) for name in REQUEST_ANSWERS}
        answers["diagnosis_codes"] = list(self.diagnosis_codes)
        return answers


# The request step's questions (lib/questions.py): a SubmittedClaim has an attribute for each.
REQUEST_ANSWERS = next(step.fields for step in QUESTION_STEPS if step.slug == "request")


# --- reading -------------------------------------------------------------------------------------


def _a(kind: str) -> str:
    return f"{'an' if kind[:1] in 'AEIOU' else 'a'} {kind}"


class _Reader:
    """The Bundle's entries, references resolved among them, and the issues found so far."""

    def __init__(self, bundle: dict):
        self.entries: list[dict] = [e if isinstance(e, dict) else {} for e in bundle.get("entry") or []]
        self.issues: list[Issue] = []

    def issue(self, code: str, diagnostics: str, expression: str) -> None:
        self.issues.append(Issue(code, diagnostics, expression))

    def resource(self, index: int) -> dict:
        return self.entries[index].get("resource") or {}

    def find(self, reference: str, source: int) -> int | None:
        """The index of the entry `reference` (written in entry `source`) points to."""
        by_url = {e.get("fullUrl"): i for i, e in enumerate(self.entries) if e.get("fullUrl")}
        if reference in by_url:
            return by_url[reference]
        match = _RELATIVE.fullmatch(reference)
        if not match:
            return None
        kind, rid = match.groups()
        base = self.entries[source].get("fullUrl") or ""
        base_match = re.fullmatch(r"(https?://.+/)[A-Z][A-Za-z]+/[A-Za-z0-9\-.]{1,64}", base)
        if base_match and f"{base_match.group(1)}{kind}/{rid}" in by_url:
            return by_url[f"{base_match.group(1)}{kind}/{rid}"]
        for i, e in enumerate(self.entries):
            r = e.get("resource") or {}
            if r.get("resourceType") == kind and r.get("id") == rid:
                return i
        return None

    def follow(
        self, ref: dict | None, path: str, source: int, kinds: tuple[str, ...] | None = None, required: bool = False
    ) -> int | None:
        """The entry the Reference `ref` (at FHIRPath `path`, in entry `source`) points to, when it
        is one of `kinds` (any, when None); else None, with an issue saying why. A missing `ref` is
        an issue only when `required`."""
        if not ref:
            if required:
                self.issue("required", "This reference is required.", path)
            return None
        reference = ref.get("reference")
        if not reference:
            self.issue(
                "not-supported",
                "This reference has no `reference`: it must point to an entry of this Bundle.",
                path,
            )
            return None
        found = self.find(reference, source)
        if found is None:
            self.issue(
                "not-found",
                f"The reference {reference!r} matches no entry of this Bundle (by fullUrl, or by "
                "resource type and id).",
                f"{path}.reference",
            )
            return None
        kind = self.resource(found).get("resourceType")
        if kinds and kind not in kinds:
            self.issue(
                "invalid",
                f"The reference {reference!r} is to {_a(kind)}; it must be to {' or '.join(map(_a, kinds))}.",
                f"{path}.reference",
            )
            return None
        return found

    def text(self, name: str, value: str, path: str) -> str:
        """`value` for answer `name`, with an issue when it is longer than the question takes."""
        value = (value or "").strip()
        limit = _MAX_LENGTH.get(name)
        if limit and len(value) > limit:
            self.issue("value", f"This is {len(value)} characters long; at most {limit} are taken.", path)
        return value


def _read_claim_bundle(bundle: dict) -> tuple["_Reader", int]:
    """A PAS Request (or Inquiry) Bundle checked as FHIR R4 and as a collection of entries with
    fullUrls, and the index of its Claim; raises FhirError when the structure fails."""
    if not isinstance(bundle, dict):
        raise FhirError.one("structure", "The body must be a JSON object: a FHIR Bundle (the PAS Request Bundle).")
    if bundle.get("resourceType") != "Bundle":
        got = bundle.get("resourceType")
        raise FhirError.one(
            "invalid",
            f"The body must be a Bundle (the PAS Request Bundle), not {got!r}." if got
            else "The body has no resourceType: it must be a Bundle (the PAS Request Bundle).",
            "Bundle",
        )
    no_type = [
        Issue("required", "This entry's resource has no resourceType.", f"Bundle.entry[{i}].resource.resourceType")
        for i, e in enumerate(bundle.get("entry") or [])
        if isinstance(e, dict) and isinstance(e.get("resource"), dict) and "resourceType" not in e["resource"]
    ]
    if no_type:
        raise FhirError(no_type)
    try:
        Bundle.model_validate(bundle)
    except pydantic.ValidationError as error:
        raise from_validation_error("Bundle", error) from None
    except (KeyError, TypeError):
        # fhir.resources answers an unknown resourceType with a KeyError (one that is not text,
        # with a TypeError), not a validation error: only then is the Bundle walked to name each.
        unknown = [
            Issue("invalid", f"{kind!r} is not a FHIR R4 resource type.", f"{path}.resourceType")
            for path, kind in _resource_types(bundle, "Bundle") if not _is_resource_type(kind)
        ]
        if not unknown:
            raise
        raise FhirError(unknown) from None

    r = _Reader(bundle)
    # JSON writes NUL as \u0000: one pass in C spares the walk for the Bundles that hold none.
    if "\\u0000" in json.dumps(bundle):
        for path in _nul_paths(bundle, "Bundle"):
            r.issue("invalid", "This text holds a NUL character, which cannot be stored.", path)
    if bundle.get("type") != "collection":
        r.issue("invalid", f"A PAS Request Bundle is of type collection, not {bundle.get('type')!r}.", "Bundle.type")
    for i, entry in enumerate(r.entries):
        if not entry.get("fullUrl"):
            r.issue("required", "Every entry of a PAS Request Bundle has a fullUrl.", f"Bundle.entry[{i}].fullUrl")

    c = next((i for i in range(len(r.entries)) if r.resource(i).get("resourceType") == "Claim"), None)
    if c is None:
        r.issue("required", "The Bundle holds no Claim: a PAS Request Bundle starts with the Claim.", "Bundle.entry")
        raise FhirError(r.issues)
    return r, c


def inquiry_identifier(bundle: dict) -> str:
    """The Claim identifier ("system|value") a PAS Inquiry Bundle ($inquire) asks about: the
    identifier its Claim was submitted with."""
    r, c = _read_claim_bundle(bundle)
    identifier, _ = _claim_identifier(r, r.resource(c), f"Bundle.entry[{c}].resource")
    if r.issues:
        raise FhirError(r.issues)
    return identifier


def parse_submit(bundle: dict) -> SubmittedClaim:
    """The PAS Request Bundle of a Claim/$submit read into a `SubmittedClaim`. Raises `FhirError`
    (400) with one issue per element at fault: first the FHIR structure (the R4B Bundle model),
    then, if that holds, every independent rule of this plan that fails."""
    r, c = _read_claim_bundle(bundle)
    claim = r.resource(c)
    cp = f"Bundle.entry[{c}].resource"

    identifier, claim_identifier = _claim_identifier(r, claim, cp)
    if claim.get("use") != "preauthorization":
        r.issue(
            "not-supported",
            f"This server reviews prior authorization requests only (use preauthorization), not {claim.get('use')!r}.",
            f"{cp}.use",
        )
    item_sequence, cpt, planned, units, item_facility = _item(r, claim, cp)
    urgency = _urgency(claim)
    diagnoses = _diagnoses(r, claim, cp)

    p = r.follow(claim.get("patient"), f"{cp}.patient", c, ("Patient",), required=True)
    patient_fields = _patient(r, p) if p is not None else {}

    coverage_index = _focal_insurance(claim)
    cov = r.follow(
        (claim.get("insurance") or [{}])[coverage_index].get("coverage"),
        f"{cp}.insurance[{coverage_index}].coverage", c, ("Coverage",), required=True,
    )
    line_of_business = _line_of_business(r.resource(cov)) if cov is not None else LineOfBusiness.COMMERCIAL.value
    member_id = _member_id(r, cov, p)

    ins = r.follow(claim.get("insurer"), f"{cp}.insurer", c, ("Organization",))
    prov = r.follow(
        claim.get("provider"), f"{cp}.provider", c, ("Organization", "Practitioner", "PractitionerRole"), required=True
    )
    requesting_provider, provider_npi, practitioner = _requestor(r, prov) if prov is not None else ("", "", None)
    servicing_facility, servicing_npi = _facility(r, claim, cp, c, item_facility)
    qr, qr_path = _questionnaire_response(r, claim, cp, c)

    if r.issues:
        raise FhirError(r.issues)
    return SubmittedClaim(
        identifier=identifier,
        service=SERVICE_BY_CPT[cpt],
        cpt=cpt,
        planned_date_of_service=planned,
        urgency=urgency,
        request_type=RequestType.PRE_SERVICE.value,
        line_of_business=line_of_business,
        member_id=member_id,
        requesting_provider=requesting_provider,
        provider_npi=provider_npi,
        units_requested=units,
        servicing_facility=servicing_facility,
        servicing_npi=servicing_npi,
        diagnosis_codes=diagnoses,
        questionnaire_response=copy.deepcopy(qr),
        questionnaire_response_path=qr_path,
        claim_full_url=r.entries[c]["fullUrl"],
        claim_id=claim.get("id") or "",
        claim_path=cp,
        claim_identifier=copy.deepcopy(claim_identifier),
        claim_type=copy.deepcopy(claim["type"]),
        item_sequence=item_sequence,
        bundle_identifier=copy.deepcopy(bundle.get("identifier")),
        patient_reference=r.entries[p]["fullUrl"],
        patient=copy.deepcopy(r.resource(p)),
        insurer_reference=r.entries[ins]["fullUrl"] if ins is not None else "",
        insurer=copy.deepcopy(r.resource(ins)) if ins is not None else None,
        requestor_reference=r.entries[prov]["fullUrl"],
        requestor=copy.deepcopy(r.resource(prov)),
        requestor_practitioner_reference=r.entries[practitioner]["fullUrl"] if practitioner is not None else "",
        requestor_practitioner=copy.deepcopy(r.resource(practitioner)) if practitioner is not None else None,
        **patient_fields,
    )


def _resource_types(value, path: str):
    """(FHIRPath, resourceType) of every resource in `value` (entries, contained, nested Bundles)."""
    if isinstance(value, dict):
        if "resourceType" in value and path != "Bundle":
            yield path, value["resourceType"]
        for key, v in value.items():
            yield from _resource_types(v, f"{path}.{key}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _resource_types(v, f"{path}[{i}]")


def _is_resource_type(kind) -> bool:
    if not isinstance(kind, str):
        return False
    try:
        return issubclass(get_fhir_model_class(kind), Resource)
    except (KeyError, ValueError):
        return False


def _nul_paths(value, path: str):
    if isinstance(value, str):
        if "\x00" in value:
            yield path
    elif isinstance(value, dict):
        for key, v in value.items():
            yield from _nul_paths(v, f"{path}.{key}")
    elif isinstance(value, list):
        for i, v in enumerate(value):
            yield from _nul_paths(v, f"{path}[{i}]")


def _claim_identifier(r: _Reader, claim: dict, cp: str) -> tuple[str, dict]:
    identifiers = claim.get("identifier") or []
    if not identifiers:
        r.issue("required", "The Claim has no identifier: PAS needs one to match the response to it.", f"{cp}.identifier")
        return "", {}
    first = identifiers[0]
    system, value = first.get("system") or "", first.get("value") or ""
    if not system:
        r.issue("required", "The Claim's identifier has no system (PAS: urn:trnorg:<TRN03>).", f"{cp}.identifier[0].system")
    if not value:
        r.issue("required", "The Claim's identifier has no value.", f"{cp}.identifier[0].value")
    identifier = f"{system}|{value}"
    if len(identifier) > 300:
        r.issue("value", "The Claim's identifier (system|value) is longer than 300 characters.", f"{cp}.identifier[0]")
    return identifier, {"system": system, "value": value}


def _item(r: _Reader, claim: dict, cp: str) -> tuple[int, str, dt.date | None, int, tuple | None]:
    """The single item's sequence, CPT code, date of service, units, and its locationReference."""
    items = claim.get("item") or []
    if not items:
        r.issue("required", "The Claim has no item: it must ask for one service.", f"{cp}.item")
        return 1, "", None, 1, None
    if len(items) > 1:
        r.issue(
            "not-supported",
            f"The Claim asks for {len(items)} services; send one Claim per service (DLI or HPC boost).",
            f"{cp}.item",
        )
        return 1, "", None, 1, None
    item, ip = items[0], f"{cp}.item[0]"

    codings = (item.get("productOrService") or {}).get("coding") or []
    cpt = next(
        (k.get("code") for k in codings if k.get("system") in (CPT, HCPCS) and k.get("code") in SERVICE_BY_CPT), ""
    )
    if not cpt:
        j = next((j for j, k in enumerate(codings) if k.get("system") in (CPT, HCPCS)), 0)
        asked = next((f"{k.get('code')}" for k in codings[j:j + 1]), "")
        r.issue(
            "not-supported",
            "Policy 0261 covers CPT 38242 (donor lymphocyte infusion) and 38243 (HPC boost)"
            + (f"; this item asks for {asked}." if asked else "; this item names no CPT code."),
            f"{ip}.productOrService.coding[{j}].code" if codings else f"{ip}.productOrService",
        )

    planned = None
    if item.get("servicedDate"):
        planned = _full_date(r, item["servicedDate"], f"{ip}.servicedDate", "The date of service")
    elif (item.get("servicedPeriod") or {}).get("start"):
        planned = _full_date(r, item["servicedPeriod"]["start"], f"{ip}.servicedPeriod.start", "The date of service")
    else:
        r.issue("required", "The item has no date of service (servicedDate).", f"{ip}.servicedDate")

    units = 1
    value = (item.get("quantity") or {}).get("value")
    if value is not None:
        if not math.isfinite(value) or value != int(value) or not _UNITS[0] <= value <= _UNITS[1]:
            r.issue("value", f"The number of infusions is a whole number from {_UNITS[0]} to {_UNITS[1]}.", f"{ip}.quantity.value")
        else:
            units = int(value)

    location = (item["locationReference"], f"{ip}.locationReference") if item.get("locationReference") else None
    return int(item.get("sequence") or 1), cpt, planned, units, location


def _full_date(r: _Reader, value: str, path: str, what: str) -> dt.date | None:
    if not _FULL_DATE.match(value or ""):
        r.issue("value", f"{what} must be a full date (YYYY-MM-DD).", path)
        return None
    return dt.date.fromisoformat(value[:10])


def _urgency(claim: dict) -> str:
    priorities = {k.get("code") for k in (claim.get("priority") or {}).get("coding") or []}
    levels = {
        k.get("code")
        for e in claim.get("extension") or []
        if e.get("url") == f"{PAS_EXT}levelOfServiceCode"
        for k in (e.get("valueCodeableConcept") or {}).get("coding") or []
        if k.get("system") == X12_1338
    }
    urgent = priorities & URGENT_PRIORITIES or levels & URGENT_LEVELS_OF_SERVICE
    return (Urgency.URGENT if urgent else Urgency.STANDARD).value


def _diagnoses(r: _Reader, claim: dict, cp: str) -> list[str]:
    diagnoses = claim.get("diagnosis") or []
    if not diagnoses:
        r.issue("required", "The Claim has no diagnosis: send the ICD-10-CM codes the service is for.", f"{cp}.diagnosis")
        return []
    codes: list[str] = []
    for i, diagnosis in enumerate(diagnoses):
        dp = f"{cp}.diagnosis[{i}]"
        if "diagnosisCodeableConcept" not in diagnosis:
            r.issue("not-supported", "A diagnosis is sent as a code (diagnosisCodeableConcept), as PAS requires.", dp)
            continue
        codings = diagnosis["diagnosisCodeableConcept"].get("coding") or []
        icd = [(j, k) for j, k in enumerate(codings) if k.get("system") == ICD10CM]
        if not icd:
            r.issue(
                "not-supported",
                f"This diagnosis has no ICD-10-CM code (system {ICD10CM}).",
                f"{dp}.diagnosisCodeableConcept",
            )
        for j, coding in icd:
            typed = coding.get("code") or ""
            code = icd10.normalise(typed)
            problem = icd10.code_problem(code, typed) if typed else "The ICD-10-CM coding has no code."
            if problem:
                r.issue("value", problem, f"{dp}.diagnosisCodeableConcept.coding[{j}].code")
            elif code not in codes:
                codes.append(code)
    return codes


def _patient(r: _Reader, p: int) -> dict:
    patient, pp = r.resource(p), f"Bundle.entry[{p}].resource"
    fields: dict = {}

    names = patient.get("name") or []
    name = next((n for n in names if n.get("use") == "official"), names[0] if names else None)
    if name is None or not _person_name(name):
        r.issue("required", "The patient has no name.", f"{pp}.name")
        fields["member_name"] = ""
    else:
        fields["member_name"] = r.text("member_name", _person_name(name), f"{pp}.name[{names.index(name)}]")

    fields["member_date_of_birth"] = None
    if not patient.get("birthDate"):
        r.issue("required", "The patient has no birth date.", f"{pp}.birthDate")
    else:
        fields["member_date_of_birth"] = _full_date(r, patient["birthDate"], f"{pp}.birthDate", "The birth date")

    addresses = patient.get("address") or []
    current = [(a, x) for a, x in enumerate(addresses) if x.get("use") != "old"]
    a, address = next(((a, x) for a, x in current if x.get("use") == "home"), current[0] if current else (0, {}))
    ap = f"{pp}.address[{a}]"
    lines = [line for line in address.get("line") or [] if line and line.strip()]
    fields["member_address_line1"] = r.text("member_address_line1", lines[0] if lines else "", f"{ap}.line[0]")
    fields["member_address_line2"] = r.text("member_address_line2", ", ".join(lines[1:]), f"{ap}.line[1]")
    fields["member_city"] = r.text("member_city", address.get("city") or "", f"{ap}.city")
    state = (address.get("state") or "").strip().upper()
    if state and state not in _STATES:
        r.issue("value", f"{address['state']!r} is not a US state's two-letter postal code (e.g. IL).", f"{ap}.state")
    fields["member_state"] = state
    zip_code = (address.get("postalCode") or "").strip()
    match = _ZIP.fullmatch(zip_code)
    if zip_code and not match:
        r.issue("value", f"{zip_code!r} is not a ZIP code: 5 digits, or ZIP+4 (60690-0261).", f"{ap}.postalCode")
    fields["member_zip"] = "-".join(g for g in match.groups() if g) if match else ""
    return fields


def _person_name(name: dict) -> str:
    """ "Given Family, suffix" (the text when the name has no parts)."""
    parts = " ".join(p.strip() for p in [*(name.get("given") or []), name.get("family") or ""] if p and p.strip())
    suffix = ", ".join(s.strip() for s in name.get("suffix") or [] if s and s.strip())
    if not parts:
        return (name.get("text") or "").strip()
    return f"{parts}, {suffix}" if suffix else parts


def _focal_insurance(claim: dict) -> int:
    insurance = claim.get("insurance") or []
    return next((i for i, x in enumerate(insurance) if x.get("focal")), 0)


def _line_of_business(coverage: dict) -> str:
    codings = (coverage.get("type") or {}).get("coding") or []
    medicare_advantage = any(k.get("system") in SOPT and k.get("code") in MEDICARE_ADVANTAGE_SOPT for k in codings)
    return (LineOfBusiness.MEDICARE_ADVANTAGE if medicare_advantage else LineOfBusiness.COMMERCIAL).value


def _typed_mb(identifiers: list[dict]) -> tuple[int, str] | None:
    for j, identifier in enumerate(identifiers):
        codings = (identifier.get("type") or {}).get("coding") or []
        if any(k.get("code") == "MB" and k.get("system") in (V2_0203, None) for k in codings) and identifier.get("value"):
            return j, identifier["value"]
    return None


def _member_id(r: _Reader, cov: int | None, p: int | None) -> str:
    """The focal Coverage's identifier typed MB, else its subscriberId, else the Patient's MB."""
    if cov is not None:
        coverage, covp = r.resource(cov), f"Bundle.entry[{cov}].resource"
        if found := _typed_mb(coverage.get("identifier") or []):
            return r.text("member_id", found[1], f"{covp}.identifier[{found[0]}].value")
        if (coverage.get("subscriberId") or "").strip():
            return r.text("member_id", coverage["subscriberId"], f"{covp}.subscriberId")
    if p is not None and (found := _typed_mb(r.resource(p).get("identifier") or [])):
        return r.text("member_id", found[1], f"Bundle.entry[{p}].resource.identifier[{found[0]}].value")
    if cov is not None:  # else its reference is reported already
        r.issue(
            "required",
            "No member ID: send it as the Coverage's identifier of type MB (or its subscriberId).",
            f"Bundle.entry[{cov}].resource.identifier",
        )
    return ""


def _npi(r: _Reader, index: int, required: bool, whose: str) -> str:
    resource, path = r.resource(index), f"Bundle.entry[{index}].resource"
    for j, identifier in enumerate(resource.get("identifier") or []):
        if identifier.get("system") == NPI:
            value = (identifier.get("value") or "").strip()
            if problem := npi_problem(value):
                r.issue("value", problem, f"{path}.identifier[{j}].value")
                return ""
            return value
    if required:
        r.issue("required", f"The {whose} has no NPI (an identifier with system {NPI}).", f"{path}.identifier")
    return ""


def _requestor(r: _Reader, prov: int) -> tuple[str, str, int | None]:
    """The requesting provider's name and NPI, and the Practitioner entry behind it (if any)."""
    resource, path = r.resource(prov), f"Bundle.entry[{prov}].resource"
    kind = resource["resourceType"]
    if kind == "Organization":
        if not (resource.get("name") or "").strip():
            r.issue("required", "The requesting organization has no name.", f"{path}.name")
        name = r.text("requesting_provider", resource.get("name") or "", f"{path}.name")
        return name, _npi(r, prov, True, "requesting provider"), None
    practitioner = prov
    if kind == "PractitionerRole":
        practitioner = r.follow(resource.get("practitioner"), f"{path}.practitioner", prov, ("Practitioner",))
        if practitioner is None:
            if not resource.get("practitioner"):
                r.issue("required", "The PractitionerRole names no practitioner.", f"{path}.practitioner")
            return "", "", None
    person, pp = r.resource(practitioner), f"Bundle.entry[{practitioner}].resource"
    names = person.get("name") or []
    if not names or not _person_name(names[0]):
        r.issue("required", "The requesting practitioner has no name.", f"{pp}.name")
        name = ""
    else:
        name = r.text("requesting_provider", _person_name(names[0]), f"{pp}.name[0]")
    # The Practitioner's NPI; a PractitionerRole's own when only the role carries one.
    holder = prov if kind == "PractitionerRole" and _has_npi(resource) and not _has_npi(person) else practitioner
    return name, _npi(r, holder, True, "requesting practitioner"), practitioner


def _has_npi(resource: dict) -> bool:
    return any(i.get("system") == NPI for i in resource.get("identifier") or [])


def _facility(r: _Reader, claim: dict, cp: str, c: int, item_location: tuple | None) -> tuple[str, str]:
    """The servicing facility's name and NPI: Claim.facility, else the item's locationReference,
    else a careTeam member whose role is facility; ("", "") when the Claim names none."""
    found = None
    if claim.get("facility"):
        found = r.follow(claim["facility"], f"{cp}.facility", c, ("Location", "Organization"))
    elif item_location:
        found = r.follow(item_location[0], item_location[1], c, ("Location", "Organization"))
    else:
        for t, member in enumerate(claim.get("careTeam") or []):
            roles = {k.get("code") for k in (member.get("role") or {}).get("coding") or [] if k.get("system") == X12_98}
            if roles & FACILITY_ROLES:
                found = r.follow(member.get("provider"), f"{cp}.careTeam[{t}].provider", c, ("Organization",))
                break
    if found is None:
        return "", ""
    resource, path = r.resource(found), f"Bundle.entry[{found}].resource"
    name = (resource.get("name") or "").strip()
    npi = _npi(r, found, False, "servicing facility")
    if resource["resourceType"] == "Location" and resource.get("managingOrganization"):
        org = r.follow(resource["managingOrganization"], f"{path}.managingOrganization", found, ("Organization",))
        if org is not None:
            if not name:
                name, path = (r.resource(org).get("name") or "").strip(), f"Bundle.entry[{org}].resource"
            if not npi and not _has_npi(resource):
                npi = _npi(r, org, False, "servicing facility")
    return r.text("servicing_facility", name, f"{path}.name"), npi


def _questionnaire_response(r: _Reader, claim: dict, cp: str, c: int) -> tuple[dict | None, str]:
    """The first additionalInformation QuestionnaireResponse (or one inside a Bundle so sent), and
    its FHIRPath; every supportingInfo reference must resolve, whatever it is."""
    qr, qr_path = None, ""
    for s, info in enumerate(claim.get("supportingInfo") or []):
        if not info.get("valueReference"):
            continue
        found = r.follow(info["valueReference"], f"{cp}.supportingInfo[{s}].valueReference", c)
        additional = any(
            k.get("system") == PAS_TEMP_CODES and k.get("code") == "additionalInformation"
            for k in (info.get("category") or {}).get("coding") or []
        )
        if found is None or qr is not None or not additional:
            continue
        resource, path = r.resource(found), f"Bundle.entry[{found}].resource"
        if resource["resourceType"] == "QuestionnaireResponse":
            qr, qr_path = resource, path
        elif resource["resourceType"] == "Bundle":
            for e, inner in enumerate(resource.get("entry") or []):
                if (inner.get("resource") or {}).get("resourceType") == "QuestionnaireResponse":
                    qr, qr_path = inner["resource"], f"{path}.entry[{e}].resource"
                    break
    return qr, qr_path


# --- writing -------------------------------------------------------------------------------------


def claim_response_bundle(
    claim: SubmittedClaim,
    *,
    review_action: str,
    pre_auth_ref: str | None,
    reasons: list[str],
    created: dt.datetime,
    response_id: str,
    insurer_name: str,
) -> dict:
    """The PAS Response Bundle for `claim`: a collection whose first entry is the ClaimResponse,
    followed by the Patient, the insurer and the requestor (and the requestor's Practitioner), echoed
    with the request's fullUrls.

    review_action: X12 306 code: A1 (certified in total), A3 (not certified) or A4 (pended).
    pre_auth_ref: the authorization number, as ClaimResponse.preAuthRef and the item's review
    number, when given. reasons: in words; each is a processNote (required for A3: CMS-0057-F wants
    a specific reason for a denial). created: timezone-aware. response_id: the ClaimResponse's id
    (a FHIR id; a UUID makes its fullUrl urn:uuid:<id>). insurer_name: the plan's name, on the
    insurer Organization (the request's, echoed, or a new one when the Claim named none)."""
    if review_action not in REVIEW_ACTIONS:
        raise ValueError(f"review_action must be one of {', '.join(REVIEW_ACTIONS)}, not {review_action!r}.")
    if created.tzinfo is None or created.utcoffset() is None:
        raise ValueError("created must be timezone-aware (a FHIR dateTime with a time has a zone).")
    if not _FHIR_ID.fullmatch(response_id or ""):
        raise ValueError(f"response_id must be a FHIR id (letters, digits, '-', '.', 1 to 64), not {response_id!r}.")
    if not (insurer_name or "").strip():
        raise ValueError("insurer_name is required.")
    reasons = [reason.strip() for reason in reasons or [] if reason and reason.strip()]
    if review_action == "A3" and not reasons:
        raise ValueError("A denial (A3) needs its reasons: the criteria not met, in words.")
    if pre_auth_ref is not None and not pre_auth_ref.strip():
        raise ValueError("pre_auth_ref, when given, is not blank.")

    timestamp = created.isoformat(timespec="seconds")
    response_url = _full_url(response_id)
    insurer_url, insurer = _insurer(claim, insurer_name, response_id)
    practitioner_url = claim.requestor_practitioner_reference or claim.requestor_reference

    item_extensions = [
        {
            "url": f"{PAS_EXT}itemRequestedServiceDate",
            "valueDateTime": claim.planned_date_of_service.isoformat(),
        },
        {
            "url": f"{PAS_EXT}itemAuthorizedProvider",
            "extension": [
                {"url": "provider", "valueReference": {"reference": practitioner_url}},
                {
                    "url": f"{PAS_EXT}authorizedProviderType",
                    "valueCodeableConcept": {"coding": [{"system": X12_98, "code": "SJ", "display": "Service Provider"}]},
                },
            ],
        },
    ]
    if review_action == "A1":
        item_extensions += [
            {"url": f"{PAS_EXT}itemPreAuthIssueDate", "valueDate": created.date().isoformat()},
            {
                "url": f"{PAS_EXT}itemAuthorizedDetail",
                "extension": [
                    {
                        "url": "productOrServiceCode",
                        "valueCodeableConcept": {
                            "coding": [{"system": CPT, "code": claim.cpt, "display": CPT_DESCRIPTIONS[claim.cpt]}]
                        },
                    },
                    {"url": "quantity", "valueQuantity": {"value": claim.units_requested}},
                ],
            },
        ]
    review = [
        {
            "url": f"{PAS_EXT}reviewActionCode",
            "valueCodeableConcept": {
                "coding": [{"system": X12_306, "code": review_action, "display": REVIEW_ACTIONS[review_action]}]
            },
        }
    ]
    if pre_auth_ref:
        review.append({"url": "number", "valueString": pre_auth_ref.strip()})

    item: dict = {
        "extension": item_extensions,
        "itemSequence": claim.item_sequence,
        "adjudication": [
            {
                "extension": [{"url": f"{PAS_EXT}reviewAction", "extension": review}],
                "category": {"coding": [{"system": ADJUDICATION, "code": "submitted"}]},
            }
        ],
    }
    if reasons:
        item["noteNumber"] = list(range(1, len(reasons) + 1))

    claim_response: dict = {
        "resourceType": "ClaimResponse",
        "id": response_id,
        "meta": {"profile": [CLAIM_RESPONSE_PROFILE]},
        "identifier": [copy.deepcopy(claim.claim_identifier)],
        "status": "active",
        "type": copy.deepcopy(claim.claim_type),
        "use": "preauthorization",
        "patient": {"reference": claim.patient_reference},
        "created": timestamp,
        "insurer": {"reference": insurer_url},
        "requestor": {"reference": claim.requestor_reference},
        "request": {"type": "Claim", "identifier": copy.deepcopy(claim.claim_identifier)},
        "outcome": "complete",
        "disposition": _disposition(claim, review_action, pre_auth_ref, reasons),
        **({"preAuthRef": pre_auth_ref.strip()} if pre_auth_ref else {}),
        "item": [item],
    }
    if reasons:
        claim_response["processNote"] = [
            {"number": n, "type": "display", "text": reason} for n, reason in enumerate(reasons, start=1)
        ]

    entries = [(response_url, claim_response), (claim.patient_reference, claim.patient), (insurer_url, insurer),
               (claim.requestor_reference, claim.requestor)]
    if claim.requestor_practitioner is not None:
        entries.append((claim.requestor_practitioner_reference, claim.requestor_practitioner))
    seen: set[str] = set()
    bundle_entries = []
    for url, resource in entries:
        if url not in seen:
            seen.add(url)
            bundle_entries.append({"fullUrl": url, "resource": copy.deepcopy(resource)})
    return {
        "resourceType": "Bundle",
        "meta": {"profile": [RESPONSE_BUNDLE_PROFILE]},
        "identifier": copy.deepcopy(claim.bundle_identifier) or {"system": "urn:ietf:rfc:3986", "value": response_url},
        "type": "collection",
        "timestamp": timestamp,
        "entry": bundle_entries,
    }


def _full_url(response_id: str) -> str:
    try:
        return f"urn:uuid:{uuid.UUID(response_id)}"
    except ValueError:
        return f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'ClaimResponse/{response_id}')}"


def _insurer(claim: SubmittedClaim, insurer_name: str, response_id: str) -> tuple[str, dict]:
    if claim.insurer is not None:
        insurer = copy.deepcopy(claim.insurer)
        insurer["name"] = insurer_name.strip()
        return claim.insurer_reference, insurer
    url = f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, f'Organization/insurer/{response_id}')}"
    return url, {
        "resourceType": "Organization",
        "active": True,
        "type": [{"coding": [{"system": X12_98, "code": "PR", "display": "Payer"}]}],
        "name": insurer_name.strip(),
    }


def _disposition(claim: SubmittedClaim, review_action: str, pre_auth_ref: str | None, reasons: list[str]) -> str:
    service = SERVICE_NAMES[claim.service]
    if review_action == "A1":
        units = f"{claim.units_requested} infusion{'s' if claim.units_requested != 1 else ''}"
        number = f" Authorization number {pre_auth_ref.strip()}." if pre_auth_ref else ""
        return (
            f"Certified: the {service}, {units} planned for {claim.planned_date_of_service.isoformat()}, "
            f"meets Medical Coverage Policy 0261.{number}"
        )
    if review_action == "A3":
        return f"Not certified: the {service} does not meet Medical Coverage Policy 0261: {'; '.join(reasons)}."
    return (
        f"Pended: the request for the {service} is under review under Medical Coverage Policy 0261; "
        "the decision will follow."
    )
