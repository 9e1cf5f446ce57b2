"""Electronic prior authorization (Da Vinci PAS): a submitted Claim becomes a review in the
nurse queue, its answers marked as the provider's attestation, approved at once when they meet
every criterion (PlanSettings.automatic_approval); and what the plan answers about it, as an X12
306 review action. The API never denies: only a physician does, in the app."""

from dataclasses import dataclass

from django.db import IntegrityError
from django.utils import timezone

from coverage_app import services
from coverage_app.fhir.pas import SubmittedClaim
from coverage_app.lib import questions
from coverage_app.models import ApiClient, Determination, PlanSettings, Review

CERTIFIED, NOT_CERTIFIED, PENDED = "A1", "A3", "A4"

class ClaimOfAnotherClient(Exception):
    """A Claim identifier another client submitted: its answer is that client's alone."""


@dataclass(frozen=True)
class ClaimAnswer:
    review: Review
    review_action: str  # CERTIFIED, NOT_CERTIFIED or PENDED
    pre_auth_ref: str | None = None
    reasons: tuple[str, ...] = ()


def claim_answer(review: Review) -> ClaimAnswer:
    """Where a submitted request stands: pended until a determination, then the one in force."""
    issued = (
        Determination.objects.filter(review=review, superseded_by__isnull=True).order_by("-decided_at").first()
    )
    if issued is None:
        return ClaimAnswer(review, PENDED)
    if issued.outcome == Determination.Outcome.APPROVED:
        return ClaimAnswer(review, CERTIFIED, issued.reference_number)
    # CMS-0057-F: a denial says why, specifically: the criteria not met, then the physician's reasons.
    reasons = [*issued.criteria_snapshot.get("reasons", []), *filter(None, [issued.clinical_reasons.strip()])]
    return ClaimAnswer(review, NOT_CERTIFIED, issued.reference_number, tuple(reasons or ["See the letter."]))


def claim_submit(*, client: ApiClient, bundle: dict, claim: SubmittedClaim, answers: dict) -> tuple[ClaimAnswer, bool]:
    """The review for `claim` (a new one, or the one an earlier submission of the same Claim
    identifier made) and its answer; True when it was made now."""
    try:
        review = _create(client, bundle, claim, answers)
    except IntegrityError:
        # The Claim identifier is unique in the database: a resubmission (or two at once) finds the
        # review the first made. Trying the insert first spares every new claim a lookup.
        existing = Review.objects.filter(claim_identifier=claim.identifier).first()
        if existing is None:
            raise
        if existing.api_client_id != client.pk:
            raise ClaimOfAnotherClient(claim.identifier) from None
        return claim_answer(existing), False
    # Only complete answers can be approved at once; the rest wait for a nurse (A4).
    if not questions.missing(review.answers()) and PlanSettings.objects.values_list("automatic_approval", flat=True).first():
        approval = services.review_approve_automatically(review=review)
        if approval is not None:
            return ClaimAnswer(review, CERTIFIED, approval.reference_number), True
    return ClaimAnswer(review, PENDED), True


def _create(client: ApiClient, bundle: dict, claim: SubmittedClaim, answers: dict) -> Review:
    fields = claim.request_answers()
    # Only the questions the table asks given the other answers: the rest would be cleared anyway.
    clinical = questions.without_inapplicable({**fields, **answers})
    clinical = {name: value for name, value in clinical.items() if name in answers}
    review = services.review_create(
        received_at=timezone.now(),
        urgency=fields.pop("urgency"),
        line_of_business=fields.pop("line_of_business"),
        status=Review.Status.RECEIVED,
        claim_identifier=claim.identifier,
        claim_bundle=bundle,
        api_client=client,
        answers_attested_by_provider=True,
        created_how={"via": "FHIR PAS Claim/$submit", "client": client.name, "claim": claim.identifier},
        **fields,
        **clinical,
    )
    return review
