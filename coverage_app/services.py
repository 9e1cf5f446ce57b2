"""Writes. Every change to a review goes through a function here, in one transaction, and leaves a
ReviewEvent saying who did it and when."""

import contextlib
import datetime as dt
import hashlib
import secrets
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone

from coverage_app import evaluation, roles, workflow
from coverage_app.evaluation import judge, snapshot
from coverage_app.letters import render_letter, wording_in_effect
from coverage_app.lib import appeals, clocks, decisions, letter_text, questions, rules, uploads
from coverage_app.lib.usdates import long_date, short_datetime
from coverage_app.models import AccessLog, ApiClient, Appeal, Determination, Document, Letter, MemberDemographics, Notice, Review, ReviewEvent
from coverage_app.notices import render_notice
from coverage_app.workflow import ReviewStateError

CASE_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


@contextlib.contextmanager
def _rules():
    """lib.decisions' refusals, as the services' own error."""
    try:
        yield
    except decisions.NotAllowed as e:
        raise ReviewStateError(str(e), field=e.field) from None


class EditConflict(ReviewStateError):
    """The review changed after the page was opened: saving would overwrite someone's work."""


def _check_revision(review: Review, expected: int | None) -> None:
    """Refuse a save made from a page showing another revision of the review. A page that posts
    no revision (None) is refused too: skipping the check would silently overwrite."""
    if expected == review.revision:
        return
    last = ReviewEvent.objects.filter(review=review).select_related("actor").order_by("-at", "-id").first()
    who = f" by {last.actor_name}" if last else ""
    when = f" at {timezone.localtime(last.at):%-I:%M %p}" if last else ""
    raise EditConflict(
        f"This review was changed{who}{when} after you opened this page, perhaps in another tab. "
        "Nothing you entered here was saved, and it is still on this page: check it against the "
        "saved answers, then save again to keep yours."
    )


def _save(review: Review, fields: list[str]) -> None:
    review.revision += 1
    review.save(update_fields=[*fields, "revision", "updated_at"])


def new_case_number(received_at) -> str:
    local = timezone.localtime(received_at)
    suffix = "".join(secrets.choice(CASE_NUMBER_ALPHABET) for _ in range(5))
    return f"UR-{local:%y%m%d}-{suffix}"


def _due(received_at, urgency: str, line_of_business: str, request_type: str = Review.RequestType.PRE_SERVICE):
    clock = clocks.Clock(
        line_of_business=line_of_business, urgency=urgency, request_type=request_type, received_at=received_at
    )
    return clocks.decision_due(clock, timezone.get_default_timezone())


def review_create(
    *,
    received_at,
    urgency: str,
    line_of_business: str,
    case_number: str | None = None,
    created_by=None,
    created_how: dict | None = None,
    **fields,
) -> Review:
    """A new request in the queue, its due time set from the deadline table. `created_by` (a
    nurse) or `created_how` (the app itself, e.g. a FHIR submission: the event's detail) records
    the creation on its history, in the same transaction."""
    for _attempt in range(5):
        review = Review(
            case_number=case_number or new_case_number(received_at),
            received_at=received_at,
            urgency=urgency,
            line_of_business=line_of_business,
            due_at=_due(received_at, urgency, line_of_business, fields.get("request_type", Review.RequestType.PRE_SERVICE)),
            **fields,
        )
        try:
            with transaction.atomic():
                review.save()
                if created_by is not None or created_how is not None:
                    ReviewEvent.objects.create(
                        review=review, actor=created_by, action=ReviewEvent.Action.CREATED, detail=created_how or {}
                    )
            return review
        except IntegrityError:
            # A given number, or a FHIR Claim already submitted, is the caller's to handle.
            if case_number or fields.get("claim_identifier"):
                raise
    raise IntegrityError("could not find a free case number")


def _locked(review: Review) -> Review:
    return Review.objects.select_for_update().get(pk=review.pk)


def _event(review: Review, user, move: workflow.Move, **detail) -> None:
    ReviewEvent.objects.create(review=review, actor=user, action=move.event, detail=detail)


def _locked_for_edit(review: Review, user, action: str, expected_revision: int | None) -> Review:
    """The review, locked, once `user` may do `action` to it from a page that showed
    `expected_revision`.

    The revision is checked before the status: of two nurses (or tabs) finishing the same review
    at once, the one who waited for the lock is told the review changed under her.
    """
    move = workflow.MOVES[action]
    move.check_role(user)
    review = _locked(review)
    if review.assigned_to_id != user.pk:
        raise PermissionDenied("This review is assigned to another reviewer.")
    _check_revision(review, expected_revision)
    move.check_status(review)
    return review


@transaction.atomic
def review_start(*, user, **request_answers) -> Review:
    """A nurse enters a new request received now; it is hers to review."""
    workflow.MOVES[workflow.ASSIGN].check_role(user)
    return review_create(
        received_at=timezone.now(),
        created_by=user,
        assigned_to=user,
        status=Review.Status.IN_REVIEW,
        **request_answers,
    )


@transaction.atomic
def review_assign(*, review: Review, user) -> Review:
    """A nurse takes an unassigned review."""
    move = workflow.MOVES[workflow.ASSIGN]
    move.check_role(user)
    review = _locked(review)
    if review.assigned_to_id is not None:
        if review.assigned_to_id == user.pk:
            return review
        raise ReviewStateError(
            f"Review {review.case_number} was already taken by {review.assigned_to}."
        )
    move.check_status(review)
    review.assigned_to = user
    review.status = move.target
    _save(review, ["assigned_to", "status"])
    _event(review, user, move)
    return review


@transaction.atomic
def review_save_answers(*, review: Review, user, answers: dict, expected_revision: int | None) -> list[str]:
    """Save a step's answers as a draft, and clear answers that no longer apply.

    Returns the fields that were cleared, so the reviewer can be told. Raises EditConflict when
    the review changed since the page showed `expected_revision`.
    """
    review = _locked_for_edit(review, user, workflow.SAVE_ANSWERS, expected_revision)
    before = review.answers()
    merged = questions.without_inapplicable({**before, **answers})
    changed = [f for f, v in merged.items() if v != before[f]]
    for field in changed:
        setattr(review, field, merged[field])
    update_fields = list(changed)
    if {"urgency", "line_of_business", "request_type"} & set(changed):
        review.due_at = _clock_step(lambda: clocks.decision_due(review.clock(), _tz()))
        update_fields.append("due_at")
    cleared = questions.cleared_fields(before, merged)
    if changed:
        _save(review, update_fields)
        _event(review, user, workflow.MOVES[workflow.SAVE_ANSWERS], changed=changed, cleared=cleared)
    return cleared


@transaction.atomic
def review_save_notes(
    *, review: Review, user, criterion_notes: dict, overall_note: str, expected_revision: int | None
) -> None:
    review = _locked_for_edit(review, user, workflow.SAVE_NOTES, expected_revision)
    notes = {code: text for code, text in criterion_notes.items() if text}
    if notes == review.criterion_notes and overall_note == review.overall_note:
        return
    review.criterion_notes = notes
    review.overall_note = overall_note
    _save(review, ["criterion_notes", "overall_note"])
    _event(review, user, workflow.MOVES[workflow.SAVE_NOTES])


@transaction.atomic
def review_finish(
    *,
    review: Review,
    user,
    action: str,
    criterion_notes: dict,
    overall_note: str,
    expected_revision: int | None,
    referral_reason: str = "",
) -> Review:
    """A nurse finishes a review: `workflow.APPROVE` when it meets the criteria (the approval is
    issued at once), or `workflow.REFER` to a medical director: when it does not (a nurse never
    denies), when the rules say a physician must judge it, or when the nurse says why it needs one.
    """
    if action not in (workflow.APPROVE, workflow.REFER):
        raise ReviewStateError("Approve the request or send it to physician review.")
    move = workflow.MOVES[action]
    review = _locked_for_edit(review, user, action, expected_revision)
    if questions.missing(review.answers()):
        raise ReviewStateError("Answer every question before finishing the review.")
    # Judged here, on the saved answers: never on what the page showed.
    try:
        result = judge(review)
    except rules.InvalidCase as e:
        raise ReviewStateError(f"This request cannot be judged yet: {e}.") from None
    judged = result.determination
    if action == workflow.APPROVE and not judged.criteria_met:
        raise ReviewStateError(
            "The criteria are not met, so a nurse cannot approve; send it to physician review."
        )
    if action == workflow.APPROVE and judged.physician_review:
        raise ReviewStateError(
            "A nurse cannot approve this request; send it to physician review. "
            + " ".join(judged.physician_review)
        )
    if action == workflow.REFER:
        with _rules():
            decisions.require_referral_reason(judged.nurse_may_approve, referral_reason)
        review.referral_reason = referral_reason.strip()
    review.criterion_notes = {code: text for code, text in criterion_notes.items() if text}
    review.overall_note = overall_note
    review.status = move.target
    review.policy_version = result.version
    review.nurse_determination = snapshot(result)
    review.submitted_at = timezone.now()
    review.submitted_by = user
    _save(
        review,
        [
            "criterion_notes",
            "overall_note",
            "referral_reason",
            "status",
            "policy_version",
            "nurse_determination",
            "submitted_at",
            "submitted_by",
        ],
    )
    _event(review, user, move, outcome=judged.outcome.value)
    if action == workflow.APPROVE:
        _issue(review, user, result, outcome=Determination.Outcome.APPROVED, role=roles.NURSE)
    return review


# --- Issuing determinations -------------------------------------------------------------------


def new_reference_number(decided_at, prefix: str = "D") -> str:
    """A determination's (D...) or a notice's (N...) number: the day issued and six random letters."""
    local = timezone.localtime(decided_at)
    suffix = "".join(secrets.choice(CASE_NUMBER_ALPHABET) for _ in range(6))
    return f"{prefix}{local:%y%m%d}-{suffix}"


def credentials(user) -> decisions.Credentials | None:
    """The user's qualifications from their reviewer profile, or None without one."""
    profile = getattr(user, "reviewer_profile", None)
    return profile.credentials() if profile else None


def physician_problem(user) -> str | None:
    """Why `user` may not issue a physician's determination, or None: for pages to warn early."""
    return decisions.physician_problem(credentials(user))


def _issue(
    review: Review,
    user,
    result,
    *,
    outcome: str,
    role: str,
    rationale: str = "",
    peer_to_peer: str = "",
    basis: str = Determination.Basis.MEDICAL_NECESSITY,
    clinical_reasons: str = "",
    supersedes: Determination | None = None,
    correction_reason: str = "",
) -> Determination:
    """Write the determination, as `result` (evaluation.judge) judged the review, then its
    letter, rendered once. Call inside a transaction."""
    decided_at = timezone.now()
    printed = credentials(user)
    determination = Determination(
        reference_number=new_reference_number(decided_at),
        review=review,
        outcome=outcome,
        decided_at=decided_at,
        decided_by=user,
        decider_name=AUTOMATIC_DECIDER if user is None else (user.get_full_name() or user.get_username()),
        decider_credentials=printed.printed if printed else "",
        decider_role=role,
        rationale=rationale,
        basis=basis,
        clinical_reasons=clinical_reasons,
        peer_to_peer=peer_to_peer,
        policy_version=result.version,
        criteria_snapshot=snapshot(result),
        wording_snapshot=wording_in_effect(timezone.localdate(decided_at)),
        supersedes=supersedes,
        correction_reason=correction_reason,
    )
    determination.save(force_insert=True)
    # Rendered after the determination is written and in the same transaction: a letter that
    # fails to render takes the determination (and the review's new status) back with it.
    html, pdf = render_letter(determination, review, superseded=supersedes)
    Letter.objects.create(
        determination=determination, html=html, pdf=pdf, sha256=hashlib.sha256(pdf).hexdigest()
    )
    return determination


# How an automatic approval names its decider, on the letter and in the record.
AUTOMATIC_DECIDER = "Policy 0261's criteria, met on the requesting provider's attested answers"
AUTOMATIC_ROLE = "Automatic approval"


@transaction.atomic
def review_approve_automatically(*, review: Review) -> Determination | None:
    """Approve at once a request sent over FHIR whose attested answers meet every criterion and
    need no physician, with its letter; None (the review waits for a nurse) otherwise. Never an
    adverse determination: only a physician makes one."""
    review = _locked(review)
    if review.status != Review.Status.RECEIVED or questions.missing(review.answers()):
        return None
    try:
        result = judge(review)
    except rules.InvalidCase:
        return None
    if not result.determination.criteria_met or result.determination.physician_review:
        return None
    review.status = Review.Status.APPROVED
    review.policy_version = result.version
    review.nurse_determination = snapshot(result)
    review.submitted_at = timezone.now()
    _save(review, ["status", "policy_version", "nurse_determination", "submitted_at"])
    ReviewEvent.objects.create(
        review=review, actor=None, action=ReviewEvent.Action.APPROVED,
        detail={"automatic": True, "outcome": result.determination.outcome.value},
    )
    return _issue(review, None, result, outcome=Determination.Outcome.APPROVED, role=AUTOMATIC_ROLE)


def _require_physician_for(action: str, user) -> workflow.Move:
    """A medical director's decisions are a physician's: an MD or DO with a license on file."""
    move = workflow.MOVES[action]
    move.check_role(user)
    with _rules():
        decisions.require_physician(credentials(user))
    return move


def _require_rationale(rationale: str) -> str:
    rationale = rationale.strip()
    if not rationale:
        raise ReviewStateError("A written rationale is required.", field="rationale")
    return rationale


OUTCOME_OF = {
    workflow.UPHOLD: Determination.Outcome.ADVERSE,
    workflow.OVERTURN: Determination.Outcome.APPROVED,
    workflow.CORRECT_TO_ADVERSE: Determination.Outcome.ADVERSE,
    workflow.CORRECT_TO_APPROVED: Determination.Outcome.APPROVED,
}


@transaction.atomic
def director_decide(
    *, review: Review, user, decision: str, rationale: str, peer_to_peer: str, clinical_reasons: str = ""
) -> Determination:
    """A medical director upholds (adverse determination) or overturns (approval) a referred case:
    `decision` is workflow.UPHOLD or workflow.OVERTURN.

    An adverse determination gives specific reasons: the criteria not met and/or the physician's
    clinical reasons. The physician is not the person who referred the case.
    """
    if decision not in (workflow.UPHOLD, workflow.OVERTURN):
        raise ReviewStateError("Choose whether to uphold or overturn.", field="decision")
    move = _require_physician_for(decision, user)
    rationale = _require_rationale(rationale)
    if peer_to_peer not in Determination.PeerToPeer.values or not peer_to_peer:
        raise ReviewStateError(
            "Record whether a peer-to-peer conversation was offered or held.", field="peer_to_peer"
        )
    review = _locked(review)
    move.check_status(review)
    with _rules():
        decisions.require_other_reviewer(review.submitted_by_id, user.pk)
    outcome = OUTCOME_OF[decision]
    result = judge(review)
    clinical_reasons = clinical_reasons.strip() if outcome == Determination.Outcome.ADVERSE else ""
    if outcome == Determination.Outcome.ADVERSE:
        with _rules():
            decisions.require_adverse_reasons(result.determination.reasons, clinical_reasons)
    review.status = move.target
    _save(review, ["status"])
    _event(review, user, move)
    return _issue(
        review,
        user,
        result,
        outcome=outcome,
        role=roles.DIRECTOR,
        rationale=rationale,
        peer_to_peer=peer_to_peer,
        clinical_reasons=clinical_reasons,
    )


@transaction.atomic
def determination_correct(
    *,
    determination: Determination,
    user,
    outcome: str,
    rationale: str,
    reason: str,
    basis: str = Determination.Basis.MEDICAL_NECESSITY,
    clinical_reasons: str = "",
) -> Determination:
    """A medical director issues a correction: a new determination and letter that supersede one.

    A correction to an adverse determination on medical necessity carries specific reasons, as any
    adverse determination does; a Medicare Advantage approval is withdrawn only administratively.
    """
    if outcome not in Determination.Outcome.values:
        raise ReviewStateError("Choose the corrected decision.", field="outcome")
    adverse = outcome == Determination.Outcome.ADVERSE
    move = _require_physician_for(workflow.CORRECT_TO_ADVERSE if adverse else workflow.CORRECT_TO_APPROVED, user)
    rationale = _require_rationale(rationale)
    reason = reason.strip()
    if not reason:
        raise ReviewStateError("Say why the determination is being corrected.", field="reason")
    if basis not in Determination.Basis.values:
        raise ReviewStateError("Choose what the correction rests on.", field="basis")
    old = Determination.objects.select_for_update().get(pk=determination.pk)
    if Determination.objects.filter(supersedes=old).exists():
        raise ReviewStateError(f"{old.reference_number} has already been corrected.")
    review = _locked(old.review)
    move.check_status(review)
    result = judge(review)
    on_medical_necessity = adverse and basis == decisions.MEDICAL_NECESSITY
    clinical_reasons = clinical_reasons.strip() if on_medical_necessity else ""
    with _rules():
        decisions.require_allowed_correction(
            line_of_business=review.line_of_business, old_outcome=old.outcome, new_outcome=outcome, basis=basis
        )
        if on_medical_necessity:
            decisions.require_adverse_reasons(result.determination.reasons, clinical_reasons)
    # The new determination first: the database lets a finished review's status change only to
    # follow its determination in force (migration 0015).
    new = _issue(
        review,
        user,
        result,
        outcome=outcome,
        role=roles.DIRECTOR,
        rationale=rationale,
        peer_to_peer=old.peer_to_peer,
        basis=basis,
        clinical_reasons=clinical_reasons,
        supersedes=old,
        correction_reason=reason,
    )
    review.status = move.target
    _save(review, ["status"])
    _event(review, user, move, supersedes=old.reference_number)
    return new


def access_record(
    *, user, review: Review, kind: str, path: str, determination=None, notice=None, document=None
) -> None:
    """Log a look at a review, a letter, a notice or a document: protected health information
    leaves a trace."""
    AccessLog.objects.create(
        user=user, review=review, determination=determination, notice=notice, document=document,
        kind=kind, path=path[:300],
    )


# --- The decision clock: information requests and extensions (lib/clocks.py) -----------------------


def _tz():
    return timezone.get_default_timezone()


def _when(moment) -> str:
    """A moment as notices print it: "January 13, 2027, at 7:12 AM EST"."""
    local = timezone.localtime(moment)
    return f"{long_date(local.date())}, at {short_datetime(local).rsplit(', ', 1)[1]} {local.tzname()}"


def _set_clock(review: Review, clock: clocks.Clock) -> list[str]:
    """Copy `clock` onto the review and recompute its due time; the fields changed."""
    fields = [
        "information_requested_at", "information_respond_by", "information_received_at",
        "extended_at", "extension_reason",
    ]
    for field in fields:
        setattr(review, field, getattr(clock, field))
    review.due_at = clocks.decision_due(clock, _tz())
    return [*fields, "due_at"]


def _issue_notice(review: Review, user, kind: str, content: dict, issued_at) -> Notice:
    notice = Notice(
        reference_number=new_reference_number(issued_at, prefix="N"),
        review=review,
        kind=kind,
        issued_at=issued_at,
        issued_by=user,
        issuer_name=user.get_full_name() or user.get_username(),
        content={"received": _when(review.received_at), **content},
        wording_snapshot=wording_in_effect(timezone.localdate(issued_at)),
    )
    notice.html, pdf = render_notice(notice, review)
    notice.pdf = pdf
    notice.sha256 = hashlib.sha256(pdf).hexdigest()
    notice.save(force_insert=True)
    return notice


def _clock_step(step):
    """lib.clocks' refusals, as the services' own error."""
    try:
        return step()
    except clocks.ClockError as e:
        raise ReviewStateError(str(e), field=e.field) from None


# What a nurse may ask for: the records each criterion rests on (lib/letter_text.WHAT_COULD_CHANGE).
def information_choices(service: str) -> list[tuple[str, str]]:
    prefix = "DLI" if service == rules.Service.DLI else "HPC"
    return [(code, text) for code, text in letter_text.WHAT_COULD_CHANGE.items() if code.startswith(prefix)]


@transaction.atomic
def information_request(
    *, review: Review, user, needed: list[str], detail: str, expected_revision: int | None
) -> Notice:
    """A nurse asks the requesting provider for what is missing: the review waits, its clock paused
    or running as its line of business says, and a request-for-information notice is issued."""
    move = workflow.MOVES[workflow.REQUEST_INFORMATION]
    review = _locked_for_edit(review, user, workflow.REQUEST_INFORMATION, expected_revision)
    if questions.missing(review.answers()):
        # The answers come from the request as sent; what a nurse asks for is the records behind
        # them, so that a physician can decide on the record if they never come.
        raise ReviewStateError(
            "Answer every question from the request as it came, then ask for the records that support it.",
            field="needed",
        )
    allowed = dict(information_choices(review.service))
    detail = detail.strip()
    if not needed and not detail:
        raise ReviewStateError("Say what information is needed: tick a record or describe it.", field="needed")
    if unknown := [code for code in needed if code not in allowed]:
        raise ReviewStateError(f"Not something this request can ask for: {', '.join(unknown)}.", field="needed")
    now = timezone.now()
    rule = _clock_step(lambda: clocks.rule_for(review.line_of_business, review.urgency, review.request_type))
    clock = _clock_step(lambda: clocks.request_information(review.clock(), now, _tz()))
    review.status = move.target
    changed = _set_clock(review, clock)
    _save(review, ["status", *changed])
    _event(review, user, move, respond_by=clock.information_respond_by.isoformat(), needed=needed)
    # Why each record is needed: the criterion it bears on, in the words of the version in force.
    criteria = {c.code: c.statement for c in judge(review).version.criteria.all()}
    content = {
        "needed": [f"{allowed[code]} Why: criterion {code} of the policy, “{criteria[code]}”" for code in needed],
        "detail": detail,
        "respond_by": _when(clock.information_respond_by),
        "decide_by": _when(review.due_at),
        "timing": letter_text.information_timing(
            rule.information, respond_by=_when(clock.information_respond_by), decide_by=_when(review.due_at),
            source=rule.source,
        ),
    }
    return _issue_notice(review, user, Notice.Kind.INFORMATION_REQUEST, content, now)


@transaction.atomic
def information_received(*, review: Review, user, note: str, expected_revision: int | None) -> Review:
    """The information came: the clock resumes and the review is the nurse's again."""
    move = workflow.MOVES[workflow.RECEIVE_INFORMATION]
    review = _locked_for_edit(review, user, workflow.RECEIVE_INFORMATION, expected_revision)
    clock = _clock_step(lambda: clocks.receive_information(review.clock(), timezone.now()))
    review.status = move.target
    changed = _set_clock(review, clock)
    _save(review, ["status", *changed])
    _event(review, user, move, note=note.strip(), due_at=review.due_at.isoformat())
    return review


def information_lapse(*, now=None) -> list[Review]:
    """Reviews whose information did not come in time go to physician review (a nurse never
    denies). Each in its own transaction; returns those moved."""
    now = now or timezone.now()
    move = workflow.MOVES[workflow.INFORMATION_LAPSED]
    moved = []
    for pk in Review.objects.filter(
        status=Review.Status.WAITING_FOR_INFORMATION, information_respond_by__lte=now
    ).values_list("pk", flat=True):
        with transaction.atomic():
            review = Review.objects.select_for_update().get(pk=pk)
            if review.status not in move.sources or not clocks.information_lapsed(review.clock(), now):
                continue
            # Judged as a referral is, so the physician sees the criteria as the record stands.
            result = judge(review)
            review.status = move.target
            review.due_at = clocks.decision_due(review.clock(), _tz())
            review.policy_version = result.version
            review.nurse_determination = snapshot(result)
            review.submitted_at = now
            _save(review, ["status", "due_at", "policy_version", "nurse_determination", "submitted_at"])
            ReviewEvent.objects.create(
                review=review, actor=None, action=move.event,
                detail={"respond_by": review.information_respond_by.isoformat()},
            )
            moved.append(review)
    return moved


def extension_reasons(review: Review) -> list[tuple[str, str]]:
    """The reasons this review's rule allows for an extension, worded for the nurse."""
    try:
        rule = clocks.rule_for(review.line_of_business, review.urgency, review.request_type)
    except clocks.ClockError:
        return []
    return [(reason.value, EXTENSION_REASON_LABELS[reason]) for reason in rule.extension_reasons]


EXTENSION_REASON_LABELS = {
    clocks.ExtensionReason.BEYOND_PLAN_CONTROL: "Matters beyond the plan's control (say what)",
    clocks.ExtensionReason.MEMBER_REQUESTED: "The member asked for more time",
    clocks.ExtensionReason.PLAN_JUSTIFIED: "More information is needed and the delay is in the member's interest (say how)",
}


@transaction.atomic
def review_extend(*, review: Review, user, reason: str, justification: str, expected_revision: int | None) -> Notice:
    """A nurse takes the review's one extension, as its rule allows, and the extension notice is issued."""
    move = workflow.MOVES[workflow.EXTEND]
    review = _locked_for_edit(review, user, workflow.EXTEND, expected_revision)
    justification = justification.strip()
    if reason == clocks.ExtensionReason.BEYOND_PLAN_CONTROL and not justification:
        raise ReviewStateError("Say what matters beyond the plan's control need the extra time.", field="justification")
    now = timezone.now()
    rule = _clock_step(lambda: clocks.rule_for(review.line_of_business, review.urgency, review.request_type))
    clock = _clock_step(lambda: clocks.extend(review.clock(), now, reason, justification, _tz()))
    changed = _set_clock(review, clock)
    _save(review, changed)
    _event(review, user, move, reason=reason, justification=justification, due_at=review.due_at.isoformat())
    content = {
        "reason": reason,
        "reason_text": letter_text.extension_reason(reason, justification),
        "decide_by": _when(review.due_at),
        "source": rule.source,
    }
    return _issue_notice(review, user, Notice.Kind.EXTENSION, content, now)


# --- Documents ----------------------------------------------------------------------------------------


@transaction.atomic
def document_add(*, review: Review, user, upload, description: str = "") -> Document:
    """Keep a document that arrived for a review (checked by its content, stored through Django's
    storage API) and note it on the review's timeline."""
    move = workflow.MOVES[workflow.ADD_DOCUMENT]
    move.check_role(user)
    review = _locked(review)
    if review.assigned_to_id != user.pk:
        raise PermissionDenied("This review is assigned to another reviewer.")
    move.check_status(review)
    return _keep_document(review, user, upload, description)


def _keep_document(review: Review, user, upload, description: str, appeal: Appeal | None = None) -> Document:
    upload.seek(0)
    head = upload.read(16)
    try:
        kind = uploads.content_type(head, upload.size)
    except uploads.Refused as e:
        raise ReviewStateError(str(e), field="file") from None
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    document = Document(
        review=review,
        original_name=(upload.name or "document")[-200:],
        content_type=kind,
        size=upload.size,
        sha256=digest.hexdigest(),
        description=description.strip()[:200],
        uploaded_by=user,
        appeal=appeal,
    )
    document.file.save("upload", upload, save=False)
    document.save(force_insert=True)
    ReviewEvent.objects.create(
        review=review, actor=user, action=ReviewEvent.Action.DOCUMENT_ADDED,
        detail={"document": str(document.public_id), "name": document.original_name,
                **({"appeal": appeal.reference_number} if appeal else {})},
    )
    return document


@transaction.atomic
def appeal_document_add(*, appeal: Appeal, user, upload, description: str = "") -> Document:
    """Keep a document sent with an appeal, while the appeal is open."""
    if not any(roles.has_role(user, role) for role in APPEAL_INTAKE_ROLES):
        raise PermissionDenied("Only an appeals coordinator or a nurse reviewer attaches an appeal's documents.")
    appeal = _appeal_locked(appeal, *Appeal.OPEN_STATUSES)
    return _keep_document(appeal.review, user, upload, description, appeal=appeal)


# --- Appeals (lib/appeals.py) -------------------------------------------------------------------------

APPEAL_INTAKE_ROLES = (roles.APPEALS_COORDINATOR, roles.NURSE)


@contextlib.contextmanager
def _appeal_step_context():
    """lib.appeals' refusals, as the services' own error."""
    try:
        yield
    except appeals.AppealError as e:
        raise ReviewStateError(str(e), field=e.field) from None



@transaction.atomic
def appeal_log(
    *,
    determination: Determination,
    user,
    requester: str,
    received_at,
    channel: str,
    representative_name: str = "",
    appointment_on_file: bool = False,
    member_asks_expedited: bool = False,
    physician_says_urgent: bool = False,
    new_information: str = "",
) -> Appeal:
    """An appeals coordinator or a nurse records an appeal of an adverse determination in force.
    A late one is recorded and flagged, waiting for a coordinator to accept it for good cause."""
    if not any(roles.has_role(user, role) for role in APPEAL_INTAKE_ROLES):
        raise PermissionDenied("Only an appeals coordinator or a nurse reviewer logs an appeal.")
    determination = Determination.objects.select_for_update().select_related("review").get(pk=determination.pk)
    review = determination.review
    if not determination.is_adverse or Determination.objects.filter(supersedes=determination).exists():
        raise ReviewStateError(f"{determination.reference_number} is not an adverse determination in force.")
    if determination.appeals.exists():
        raise ReviewStateError(f"An appeal of {determination.reference_number} is already recorded.")
    if requester == Appeal.Requester.REPRESENTATIVE:
        if not representative_name.strip():
            raise ReviewStateError("Name the representative.", field="representative_name")
        if not appointment_on_file:
            raise ReviewStateError(
                "A representative acts for the member once the appointment form is on file: get it first.",
                field="appointment_on_file",
            )
    else:
        representative_name, appointment_on_file = "", False
    if received_at > timezone.now():
        raise ReviewStateError("The appeal cannot be received in the future.", field="received_at")
    # Forms give minutes: an appeal logged in the minute of the decision is not before it.
    if received_at < determination.decided_at.replace(second=0, microsecond=0):
        raise ReviewStateError("The appeal cannot be received before the decision it appeals.", field="received_at")
    with _appeal_step_context():
        expedited = appeals.is_expedited(review.request_type, member_asks_expedited, physician_says_urgent)
    letter_date = timezone.localtime(determination.decided_at).date()
    late = appeals.is_late(timezone.localtime(received_at).date(), letter_date, review.line_of_business)
    appeal = Appeal.objects.create(
        reference_number=new_reference_number(received_at, prefix="A"),
        review=review,
        determination=determination,
        status=Appeal.Status.LATE if late else Appeal.Status.PENDING,
        requester=requester,
        representative_name=representative_name.strip(),
        appointment_on_file=appointment_on_file,
        received_at=received_at,
        channel=channel,
        member_asks_expedited=member_asks_expedited,
        physician_says_urgent=physician_says_urgent,
        expedited=expedited,
        new_information=new_information.strip(),
        late=late,
        due_at=appeals.due_at(received_at, review.line_of_business, review.request_type, expedited, _tz()),
        logged_by=user,
    )
    ReviewEvent.objects.create(
        review=review, actor=user, action=ReviewEvent.Action.APPEAL_LOGGED,
        detail={"appeal": appeal.reference_number, "late": late, "expedited": expedited},
    )
    return appeal


@transaction.atomic
def appeal_accept_late(*, appeal: Appeal, user, good_cause: str) -> Appeal:
    """An appeals coordinator accepts a late appeal for good cause, with the reason."""
    if not roles.has_role(user, roles.APPEALS_COORDINATOR):
        raise PermissionDenied("Only an appeals coordinator accepts a late appeal.")
    appeal = Appeal.objects.select_for_update().get(pk=appeal.pk)
    if appeal.status != Appeal.Status.LATE:
        raise ReviewStateError(f"Appeal {appeal.reference_number} is not waiting for good cause.")
    good_cause = good_cause.strip()
    if not good_cause:
        raise ReviewStateError("Say what the good cause is.", field="good_cause")
    appeal.status = Appeal.Status.PENDING
    appeal.good_cause = good_cause
    appeal.good_cause_accepted_by = user
    appeal.save(update_fields=["status", "good_cause", "good_cause_accepted_by"])
    ReviewEvent.objects.create(
        review_id=appeal.review_id, actor=user, action=ReviewEvent.Action.APPEAL_LATE_ACCEPTED,
        detail={"appeal": appeal.reference_number, "good_cause": good_cause},
    )
    return appeal


def _appeal_locked(appeal: Appeal, *statuses) -> Appeal:
    appeal = Appeal.objects.select_for_update().select_related("review", "determination").get(pk=appeal.pk)
    if statuses and appeal.status not in statuses:
        raise ReviewStateError(f"Appeal {appeal.reference_number} is {appeal.get_status_display().lower()}.")
    return appeal


def _appeal_event(appeal: Appeal, user, action: str, **detail) -> None:
    ReviewEvent.objects.create(
        review_id=appeal.review_id, actor=user, action=action, detail={"appeal": appeal.reference_number, **detail}
    )


@transaction.atomic
def appeal_save_answers(*, appeal: Appeal, user, answers: dict) -> list[str]:
    """A physician corrects answers for the appeal from the new information (the review's own stay as
    they were judged). Returns the answers cleared because they no longer apply."""
    _require_physician_for(workflow.UPHOLD, user)
    appeal = _appeal_locked(appeal, Appeal.Status.PENDING)
    before = evaluation.appeal_answers(appeal)
    merged = questions.without_inapplicable({**before, **answers})
    original = appeal.review.answers()
    appeal.answers = {
        name: _as_json(value) for name, value in merged.items() if value != original.get(name)
    }
    appeal.save(update_fields=["answers"])
    _appeal_event(appeal, user, ReviewEvent.Action.APPEAL_ANSWERS, changed=sorted(appeal.answers))
    return questions.cleared_fields(before, merged)


def _as_json(value):
    """An answer as JSON keeps it: dates as ISO text, decimals as text."""
    if isinstance(value, (dt.date, Decimal)):
        return str(value)
    return value


def _approval_on_appeal(appeal: Appeal, user, result, reason: str, role: str) -> Determination:
    """An approval that supersedes the adverse determination appealed, with its letter; the review
    follows it (migration 0015's trigger lets its status change only that way)."""
    approval = _issue(
        appeal.review, user, result, outcome=Determination.Outcome.APPROVED, role=role,
        rationale=appeal.rationale or reason, supersedes=appeal.determination, correction_reason=reason,
    )
    review = _locked(appeal.review)
    review.status = Review.Status.APPROVED
    _save(review, ["status"])
    return approval


@transaction.atomic
def appeal_decide(
    *, appeal: Appeal, user, outcome: str, rationale: str, consultant_name: str, consultant_specialty: str,
    clinical_reasons: str = "",
) -> Appeal:
    """A physician who took no part in the first decision decides the appeal afresh: `outcome` is
    "overturned" (an approval and its letter are issued) or "upheld" (an appeal decision letter;
    for Medicare Advantage the case goes to the Independent Review Entity, and a notice says so)."""
    if outcome not in (Appeal.Status.OVERTURNED, Appeal.Status.UPHELD):
        raise ReviewStateError("Choose whether to overturn or uphold.", field="outcome")
    _require_physician_for(workflow.UPHOLD, user)
    rationale = _require_rationale(rationale)
    appeal = _appeal_locked(appeal, Appeal.Status.PENDING)
    profile = getattr(user, "reviewer_profile", None)
    with _rules():
        decisions.require_appeal_decider(
            decider_id=user.pk, original_decider_id=appeal.determination.decided_by_id,
            decider_reports_to_id=profile.reports_to_id if profile else None,
        )
        decisions.require_consultation(
            consultant_name=consultant_name, consultant_specialty=consultant_specialty,
            specialties=Appeal.Specialty.values, original_decider_name=appeal.determination.decider_name,
        )
    try:
        result = evaluation.judge_appeal(appeal)
    except rules.InvalidCase as e:
        raise ReviewStateError(f"The appeal's answers cannot be judged: {e}.") from None
    clinical_reasons = clinical_reasons.strip() if outcome == Appeal.Status.UPHELD else ""
    if outcome == Appeal.Status.UPHELD:
        with _rules():
            decisions.require_adverse_reasons(result.determination.reasons, clinical_reasons)
    now = timezone.now()
    printed = credentials(user)
    appeal.decided_at, appeal.decided_by = now, user
    appeal.decider_name = user.get_full_name() or user.get_username()
    appeal.decider_credentials = printed.printed if printed else ""
    appeal.rationale, appeal.clinical_reasons = rationale, clinical_reasons
    appeal.consultant_name, appeal.consultant_specialty = consultant_name.strip(), consultant_specialty
    appeal.decision_snapshot = snapshot(result)
    fields = ["decided_at", "decided_by", "decider_name", "decider_credentials", "rationale", "clinical_reasons",
              "consultant_name", "consultant_specialty", "decision_snapshot", "status"]
    if outcome == Appeal.Status.OVERTURNED:
        appeal.status = Appeal.Status.OVERTURNED
        appeal.approval = _approval_on_appeal(
            appeal, user, result, f"We overturned our decision on your appeal {appeal.reference_number}.", roles.DIRECTOR
        )
        appeal.save(update_fields=[*fields, "approval"])
        _appeal_event(appeal, user, ReviewEvent.Action.APPEAL_OVERTURNED, approval=appeal.approval.reference_number)
        return appeal
    medicare = appeal.review.line_of_business == Review.LineOfBusiness.MEDICARE_ADVANTAGE
    if medicare:
        appeal.status, appeal.ire_forwarded_at = Appeal.Status.FORWARDED, now
        appeal.save(update_fields=[*fields, "ire_forwarded_at"])
        _appeal_event(appeal, user, ReviewEvent.Action.APPEAL_UPHELD)
        _appeal_event(appeal, user, ReviewEvent.Action.IRE_FORWARDED)
    else:
        appeal.status = Appeal.Status.UPHELD
        appeal.save(update_fields=fields)
        _appeal_event(appeal, user, ReviewEvent.Action.APPEAL_UPHELD)
    kind = Notice.Kind.IRE_FORWARDED if medicare else Notice.Kind.APPEAL_DECISION
    _issue_notice(appeal.review, user, kind, appeal_letter_content(appeal, result), now)
    return appeal


def appeal_letter_content(appeal: Appeal, result) -> dict:
    """What an upheld appeal's letter prints, fixed when it is issued."""
    not_met = [c for c in snapshot(result)["criteria"] if not c["met"]]
    return {
        "appeal": appeal.reference_number,
        "appeal_received": _when(appeal.received_at),
        "appealed": appeal.determination.reference_number,
        "reasons": [*result.determination.reasons, *letter_text.paragraphs(appeal.clinical_reasons)],
        "not_met": not_met,
        "policy": f"Medical Coverage Policy {result.version.policy.number}, “{result.version.policy.title}”, "
        f"in the version effective {long_date(result.version.effective_date)}",
        "rationale": letter_text.paragraphs(appeal.rationale),
        "decider": f"{appeal.decider_name}{', ' + appeal.decider_credentials if appeal.decider_credentials else ''}",
        "consultant": f"{appeal.consultant_name}, {appeal.get_consultant_specialty_display()}",
        "ire_forwarded": _when(appeal.ire_forwarded_at) if appeal.ire_forwarded_at else "",
    }


@transaction.atomic
def appeal_record_ire(*, appeal: Appeal, user, outcome: str, decided_at) -> Appeal:
    """An appeals coordinator records the Independent Review Entity's decision; a reversal is put
    into effect at once with an approval and its letter (42 CFR 422.618(b))."""
    if not roles.has_role(user, roles.APPEALS_COORDINATOR):
        raise PermissionDenied("Only an appeals coordinator records an outside reviewer's decision.")
    appeal = _appeal_locked(appeal, Appeal.Status.FORWARDED)
    return _record_outside(appeal, user, outcome, decided_at, "ire", "the Independent Review Entity")


@transaction.atomic
def external_review_request(*, appeal: Appeal, user, requested_at, expedited: bool, iro_name: str) -> Appeal:
    """An appeals coordinator records a member's request for external review of an upheld appeal
    (commercial plans): within 4 months; decided within 45 days, or 72 hours when expedited."""
    if not roles.has_role(user, roles.APPEALS_COORDINATOR):
        raise PermissionDenied("Only an appeals coordinator records an external review.")
    appeal = _appeal_locked(appeal, Appeal.Status.UPHELD)
    if appeal.external_requested_at:
        raise ReviewStateError("An external review of this appeal is already recorded.")
    if not iro_name.strip():
        raise ReviewStateError("Name the independent review organization assigned.", field="iro_name")
    if requested_at > timezone.now() or requested_at < appeal.decided_at:
        raise ReviewStateError("The request must come after the appeal decision, and not in the future.", field="requested_at")
    with _appeal_step_context():
        appeal.external_due_at = appeals.external_review_due(requested_at, appeal.decided_at, expedited, _tz())
    appeal.external_requested_at, appeal.external_expedited, appeal.iro_name = requested_at, expedited, iro_name.strip()
    appeal.save(update_fields=["external_requested_at", "external_expedited", "iro_name", "external_due_at"])
    _appeal_event(appeal, user, ReviewEvent.Action.EXTERNAL_REQUESTED, iro=appeal.iro_name, expedited=expedited)
    return appeal


@transaction.atomic
def external_review_record(*, appeal: Appeal, user, outcome: str, decided_at) -> Appeal:
    """An appeals coordinator records the IRO's decision; a reversal binds the plan, and the
    approval and its letter are issued at once (29 CFR 2590.715-2719(d))."""
    if not roles.has_role(user, roles.APPEALS_COORDINATOR):
        raise PermissionDenied("Only an appeals coordinator records an outside reviewer's decision.")
    appeal = _appeal_locked(appeal, Appeal.Status.UPHELD)
    if not appeal.external_requested_at:
        raise ReviewStateError("Record the request for external review first.")
    return _record_outside(appeal, user, outcome, decided_at, "external", f"the independent review organization ({appeal.iro_name})")


def _record_outside(appeal: Appeal, user, outcome: str, decided_at, prefix: str, who: str) -> Appeal:
    if getattr(appeal, f"{prefix}_outcome"):
        raise ReviewStateError(f"The decision of {who} is already recorded.")
    if outcome not in (Appeal.Outside.UPHELD, Appeal.Outside.REVERSED):
        raise ReviewStateError("Choose the decision.", field="outcome")
    if decided_at > timezone.now():
        raise ReviewStateError("The decision cannot be in the future.", field="decided_at")
    setattr(appeal, f"{prefix}_outcome", outcome)
    setattr(appeal, f"{prefix}_decided_at", decided_at)
    fields = [f"{prefix}_outcome", f"{prefix}_decided_at"]
    if outcome == Appeal.Outside.REVERSED:
        appeal.approval = _approval_on_appeal(
            appeal, user, evaluation.judge_appeal(appeal),
            f"On review of your appeal {appeal.reference_number}, {who} reversed our decision.", roles.APPEALS_COORDINATOR,
        )
        fields.append("approval")
    appeal.save(update_fields=fields)
    action = ReviewEvent.Action.IRE_DECIDED if prefix == "ire" else ReviewEvent.Action.EXTERNAL_DECIDED
    _appeal_event(appeal, user, action, outcome=outcome)
    return appeal


# --- The FHIR API's clients --------------------------------------------------------------------


def token_sha256(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def api_client_create(*, name: str) -> tuple[ApiClient, str]:
    """A new client and its bearer token, returned once: only its hash is kept. A token of 256
    random bits needs no slow hash: it cannot be guessed, only stolen."""
    name = " ".join(name.split())
    if not name:
        raise ReviewStateError("Give the client a name.", field="name")
    if ApiClient.objects.filter(name=name).exists():
        raise ReviewStateError(f"There is already a client named {name!r}.", field="name")
    token = secrets.token_urlsafe(32)
    client = ApiClient.objects.create(name=name, token_sha256=token_sha256(token))
    return client, token


def api_client_for_token(token: str) -> ApiClient | None:
    """The active client holding `token`, or None."""
    if not token:
        return None
    return ApiClient.objects.filter(token_sha256=token_sha256(token), revoked_at__isnull=True).first()


@transaction.atomic
def api_client_revoke(*, client: ApiClient) -> ApiClient:
    if client.revoked_at is None:
        client.revoked_at = timezone.now()
        client.save(update_fields=["revoked_at"])
    return client


def api_call_record(*, client: ApiClient, path: str, review: Review | None = None) -> None:
    """Every call to the FHIR API, under the client's name (and the review it touched)."""
    AccessLog.objects.create(api_client=client, review=review, kind=AccessLog.Kind.API, path=path[:300])


# --- Self-reported demographics (the health-equity report only) -------------------------------


@transaction.atomic
def demographics_record(*, review: Review, user, race_ethnicity: list, spoken_language: str,
                        written_language: str, sex: str) -> MemberDemographics:
    """Record what the member said when asked, replacing what was recorded before. Only the nurse
    the review is assigned to records them; nobody reads them back but the report, in aggregate."""
    workflow.MOVES[workflow.ASSIGN].check_role(user)
    if review.assigned_to_id != user.pk:
        raise PermissionDenied("This review is assigned to another reviewer.")
    row, _created = MemberDemographics.objects.update_or_create(
        review=review,
        defaults={
            "race_ethnicity": list(race_ethnicity), "spoken_language": spoken_language,
            "written_language": written_language, "sex": sex,
            "recorded_at": timezone.now(), "recorded_by": user,
        },
    )
    return row
