"""The FHIR API (R4, JSON) for electronic prior authorization: CRD (CDS Hooks), DTR (the
policy's Questionnaire) and PAS (Claim/$submit and $inquire). No session, no CSRF: every call
but /fhir/metadata carries `Authorization: Bearer <token>` of an API client, and is logged under
its name. Every refusal is an OperationOutcome naming the element at fault; never a 500."""

import json
import uuid
from functools import wraps

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from coverage_app import prior_auth, services
from coverage_app.fhir import capability, crd, pas, questionnaire
from coverage_app.fhir.outcome import FHIR_JSON, FhirError, operation_outcome
from coverage_app.letters import plan_name
from coverage_app.models import Review


MAX_BODY_BYTES = 5 * 1024 * 1024


def fhir_json(resource: dict, status: int = 200, content_type: str = FHIR_JSON) -> HttpResponse:
    response = HttpResponse(json.dumps(resource, ensure_ascii=False), status=status, content_type=content_type)
    response["Cache-Control"] = "no-store"  # member data: never kept by a proxy
    return response


def refusal(error: FhirError) -> HttpResponse:
    response = fhir_json(operation_outcome(error.issues), status=error.status)
    if error.status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="fhir"'
    return response


def _bearer(request: HttpRequest) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def read_json(request: HttpRequest) -> dict:
    """The request's JSON object, at most 5 MB (413 beyond); read from the stream, so Django's
    smaller limit for form posts does not apply."""
    try:
        declared = int(request.headers.get("Content-Length") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise FhirError.one("too-costly", "The body is over 5 MB.", status=413)
    body = request.read(MAX_BODY_BYTES + 1)
    if len(body) > MAX_BODY_BYTES:
        raise FhirError.one("too-costly", "The body is over 5 MB.", status=413)
    try:
        data = json.loads(body.decode("utf-8"))
    except UnicodeDecodeError:
        raise FhirError.one("structure", "The body is not UTF-8 text.") from None
    except ValueError as e:
        raise FhirError.one("structure", f"The body is not JSON: {e}.") from None
    if not isinstance(data, dict):
        raise FhirError.one("structure", "The body must be a JSON object (a FHIR resource).")
    return data


def api(*methods: str, public: bool = False):
    """A FHIR API view: the methods it answers, the bearer token (unless `public`), the call
    logged under the client's name, and every FhirError answered as an OperationOutcome."""

    def decorator(view):
        @csrf_exempt
        @login_not_required
        @wraps(view)
        def wrapped(request: HttpRequest, *args, **kwargs) -> HttpResponse:
            try:
                if request.method not in methods:
                    raise FhirError.one("not-supported", f"{request.method} is not supported here; use {' or '.join(methods)}.", status=405)
                request.api_client = None
                if not public:
                    request.api_client = services.api_client_for_token(_bearer(request))
                    if request.api_client is None:
                        raise FhirError.one("login", "A valid bearer token is required (Authorization: Bearer <token>).", status=401)
                request.fhir_review = None  # the view sets it when the call touched a review
                response = view(request, *args, **kwargs)
            except FhirError as e:
                response = refusal(e)
            if getattr(request, "api_client", None) is not None:
                services.api_call_record(client=request.api_client, path=request.path, review=request.fhir_review)
            return response

        return wrapped

    return decorator


@api("GET", public=True)
def metadata(request: HttpRequest) -> HttpResponse:
    return fhir_json(capability.capability_statement(base_url(request)))


def base_url(request: HttpRequest) -> str:
    """The FHIR base as clients reach it (FHIR_BASE_URL when set: behind a proxy)."""
    return settings.FHIR_BASE_URL or request.build_absolute_uri("/fhir").rstrip("/")


def questionnaire_canonical(request: HttpRequest) -> str:
    return f"{base_url(request)}/Questionnaire/{questionnaire.QUESTIONNAIRE_ID}"


# --- CRD: CDS Hooks ----------------------------------------------------------------------------


@api("GET")
def cds_discovery(request: HttpRequest) -> HttpResponse:
    return fhir_json(crd.discovery(), content_type="application/json")


@api("POST")
def cds_service(request: HttpRequest, service_id: str) -> HttpResponse:
    if service_id != crd.SERVICE_ID:
        raise FhirError.one("not-found", f"No CDS service {service_id!r}; GET /cds-services lists them.", status=404)
    answer = crd.order_sign(
        read_json(request),
        questionnaire_canonical=questionnaire_canonical(request),
        today=timezone.localdate(),
        assertion_id=uuid.uuid4().hex,
    )
    return fhir_json(answer, content_type="application/json")


# --- DTR: the policy's Questionnaire -----------------------------------------------------------


@api("GET")
def questionnaire_read(request: HttpRequest, questionnaire_id: str) -> HttpResponse:
    if questionnaire_id != questionnaire.QUESTIONNAIRE_ID:
        raise FhirError.one("not-found", f"No Questionnaire/{questionnaire_id}; this server has Questionnaire/{questionnaire.QUESTIONNAIRE_ID}.", status=404)
    return fhir_json(questionnaire.questionnaire(questionnaire_canonical(request)))


@api("POST")
def questionnaire_package(request: HttpRequest) -> HttpResponse:
    return fhir_json(questionnaire.questionnaire_package(questionnaire_canonical(request), read_json(request)))


# --- PAS: Claim/$submit and Claim/$inquire ------------------------------------------------------


def _claim_response(request: HttpRequest, claim, answer: prior_auth.ClaimAnswer) -> HttpResponse:
    request.fhir_review = answer.review
    bundle = pas.claim_response_bundle(
        claim,
        review_action=answer.review_action,
        pre_auth_ref=answer.pre_auth_ref,
        reasons=list(answer.reasons),
        created=timezone.now(),
        response_id=str(answer.review.public_id),
        insurer_name=plan_name(),
    )
    return fhir_json(bundle)


@api("POST")
def claim_submit(request: HttpRequest) -> HttpResponse:
    bundle = read_json(request)
    claim = pas.parse_submit(bundle)
    answers = {}
    if claim.questionnaire_response is not None:
        answers = questionnaire.answers_from_response(
            claim.questionnaire_response, claim.questionnaire_response_path, canonical=questionnaire_canonical(request),
            validated=True,  # with its Bundle, by parse_submit
        )
    _check_service(claim, answers)
    try:
        answer, _created = prior_auth.claim_submit(client=request.api_client, bundle=bundle, claim=claim, answers=answers)
    except prior_auth.ClaimOfAnotherClient:
        raise FhirError.one("duplicate", "Another client has submitted a Claim with this identifier; use an identifier of your own.",
                            f"{claim.claim_path}.identifier[0]", status=409) from None
    return _claim_response(request, claim, answer)


def _check_service(claim, answers: dict) -> None:
    """The questionnaire's service must be the one the Claim asks for (its CPT code)."""
    if answers.get("service", claim.service) != claim.service:
        raise FhirError.one(
            "business-rule",
            f"The questionnaire answers \"service\" {answers['service']!r}, but the Claim's item is CPT {claim.cpt}.",
            f"{claim.questionnaire_response_path}.item",
        )
    answers.pop("service", None)


@api("POST")
def claim_inquire(request: HttpRequest) -> HttpResponse:
    identifier = pas.inquiry_identifier(read_json(request))
    review = Review.objects.filter(claim_identifier=identifier).first()
    # Only the client that submitted a claim may follow it up: a token never reads another's member.
    if review is None or review.api_client_id != request.api_client.pk:
        raise FhirError.one("not-found", f"No claim with identifier {identifier!r} was submitted by this client.",
                            "Bundle.entry[0].resource.identifier", status=404)
    return _claim_response(request, pas.parse_submit(review.claim_bundle), prior_auth.claim_answer(review))
