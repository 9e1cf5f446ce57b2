"""The nurse's pages: the work queue, the questionnaire's steps and the summary. Every page needs a
login (LoginRequiredMiddleware); each view names the roles it serves."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coverage_app import evaluation, roles, selectors, services, workflow
from coverage_app.forms import STEP_FORMS, DemographicsForm, NotesForm, RequestForm, add_service_error
from coverage_app.lib import clocks, questions, rules
from coverage_app.models import MemberDemographics, Review
from coverage_app.paging import CappedPaginator
from coverage_app.presenters import answers_by_step, queue_rows
from coverage_app.view_helpers import QUEUE_PAGE_SIZE, REVIEWERS, log_access, posted_revision, review_or_404


def home(request: HttpRequest) -> HttpResponse:
    if roles.has_role(request.user, roles.DIRECTOR):
        return redirect("physician_queue")
    if roles.has_role(request.user, roles.NURSE):
        return redirect("queue")
    if roles.has_role(request.user, roles.APPEALS_COORDINATOR):
        return redirect("appeals_queue")
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("policy_detail")


def policy_detail(request: HttpRequest) -> HttpResponse:
    """Policy 0261 as reviewers apply it today: criteria in the policy's words, and its history."""
    policy = selectors.policy_with_history()
    if policy is None:
        raise Http404("Policy 0261 has not been loaded")
    today = timezone.localdate()
    try:
        version = selectors.policy_version_in_effect(today)
    except selectors.NoVersionInEffect:
        version = None
    ctx = {
        "policy": policy,
        "version": version,
        "today": today,
        "review_overdue": policy.next_review_date < today,
    }
    return render(request, "coverage_app/policy_detail.html", ctx)


# --- The work queue ----------------------------------------------------------------------------

QUEUE_STATUS_CHOICES = [
    (selectors.QUEUE_OPEN, "All open"),
    *Review.Status.choices,
    (selectors.QUEUE_ALL, "All"),
]


@roles.role_required(*REVIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    """Reviews soonest due first, filtered by status, "assigned to me", and member ID or case number."""
    # Printable characters only: nothing else belongs in an ID.
    search = "".join(ch for ch in request.GET.get("q", "")[:40] if ch.isprintable())
    status = request.GET.get("status", selectors.QUEUE_OPEN)
    if status not in dict(QUEUE_STATUS_CHOICES):
        status = selectors.QUEUE_OPEN
    # A search by case number or member ID looks in every status, unless one status was chosen.
    if search.strip() and status == selectors.QUEUE_OPEN:
        status = selectors.QUEUE_ALL
    mine = request.GET.get("mine") == "1"
    reviews = selectors.review_queue(
        status=status, assigned_to=request.user if mine else None, search=search
    )
    page = CappedPaginator(
        reviews, QUEUE_PAGE_SIZE, request.GET.get("page"), values=selectors.QUEUE_COLUMNS
    ).get_page()
    params = request.GET.copy()
    params.pop("page", None)
    # An empty search result says which filter hid the reviews it would have found.
    hidden = (
        selectors.review_queue(status=selectors.QUEUE_ALL, search=search).count()
        if search.strip() and not page.object_list and (mine or status != selectors.QUEUE_ALL)
        else 0
    )
    ctx = {
        "page": page,
        "rows": queue_rows(page.object_list, timezone.now()),
        "status": status,
        "status_choices": QUEUE_STATUS_CHOICES,
        "mine": mine,
        "search": search,
        "query_string": params.urlencode(),
        "hidden": hidden,
        "status_label": dict(QUEUE_STATUS_CHOICES)[status],
        "is_nurse": roles.has_role(request.user, roles.NURSE),
    }
    return render(request, "coverage_app/queue.html", ctx)


# --- One review --------------------------------------------------------------------------------


@roles.role_required(*REVIEWERS)
def review_detail(request: HttpRequest, review_id) -> HttpResponse:
    """The review as it stands: answers, outcome, history, and what the user may do next."""
    review = review_or_404(review_id)
    log_access(request, review)
    now = timezone.now()
    ctx = {
        "review": review,
        "answers": answers_by_step(review),
        "events": selectors.review_events(review),
        "determinations": selectors.review_determinations(review),
        "is_director": roles.has_role(request.user, roles.DIRECTOR),
        "is_nurse": roles.has_role(request.user, roles.NURSE),
        "can_work": review.is_editable and review.assigned_to_id == request.user.pk,
        "continue_step": _where_work_continues(review),
        "can_handle_clock": roles.has_role(request.user, roles.NURSE)
        and review.assigned_to_id == request.user.pk
        and review.status in workflow.OPEN_FOR_NURSE,
        "clock_paused": clocks.is_paused(review.clock(), now),
        "information_overdue": clocks.information_lapsed(review.clock(), now),
        "notices": selectors.review_notices(review),
        "appeals": selectors.review_appeals(review),
        "documents": selectors.review_documents(review),
        "steps": questions.STEPS,
    }
    return render(request, "coverage_app/review_detail.html", ctx)


def _where_work_continues(review: Review) -> str:
    """The step of the first required question not yet answered, or the summary."""
    missing = questions.missing(review.answers())
    return questions.STEP_OF_FIELD[missing[0]] if missing else "summary"


@roles.role_required(roles.NURSE)
@require_POST
def review_assign(request: HttpRequest, review_id) -> HttpResponse:
    review = review_or_404(review_id, selectors.review_to_edit)
    try:
        services.review_assign(review=review, user=request.user)
    except services.ReviewStateError as e:
        messages.error(request, str(e))
        return redirect("review_detail", review_id=review.public_id)
    messages.success(request, f"Review {review.case_number} is assigned to you.")
    return redirect("review_step", review_id=review.public_id, step="request")


@roles.role_required(roles.NURSE)
def review_new(request: HttpRequest) -> HttpResponse:
    """Step 1 for a request that arrives now; saving it creates the review, assigned to the nurse."""
    form = RequestForm(request.POST or None, answers={})
    if request.method == "POST" and form.is_valid():
        review = services.review_start(user=request.user, **form.cleaned_data)
        messages.success(request, f"Review {review.case_number} created.")
        if request.POST.get("action") == TO_QUEUE:
            return redirect("queue")
        return redirect("review_step", review_id=review.public_id, step="transplant")
    ctx = {"form": form, "step": questions.STEPS[0], "steps": questions.STEPS, "review": None, "complete_steps": ()}
    return render(request, "coverage_app/review_step.html", ctx)


def _editable_or_redirect(request: HttpRequest, review: Review) -> HttpResponse | None:
    if not review.is_editable:
        messages.info(
            request,
            f"Review {review.case_number} is {review.get_status_display().lower()}; "
            "it can no longer be changed.",
        )
        return redirect("review_detail", review_id=review.public_id)
    if review.assigned_to_id != request.user.pk:
        messages.warning(
            request,
            "Assign this review to yourself to work on it."
            if review.assigned_to_id is None
            else f"This review is assigned to {review.assigned_to}.",
        )
        return redirect("review_detail", review_id=review.public_id)
    return None


# The button on every step that saves what was typed (a draft) and goes back to the queue.
TO_QUEUE = "queue"


def _neighbour(step: str, offset: int) -> str:
    return questions.STEP_SLUGS[questions.STEP_SLUGS.index(step) + offset]


def _current_revision(review: Review) -> int:
    return Review.objects.values_list("revision", flat=True).get(pk=review.pk)


def _step_form(step: str, review: Review, data=None, complete: bool = True):
    received_on = {"received_on": timezone.localdate(review.received_at)} if step == "request" else {}
    return STEP_FORMS[step](data, answers=review.answers(), complete=complete, **received_on)


@roles.role_required(roles.NURSE)
def review_step(request: HttpRequest, review_id, step: str) -> HttpResponse:
    """One questionnaire step: Back saves a draft and goes back; Save and continue checks it's complete."""
    if step not in STEP_FORMS:
        raise Http404("No such step")
    review = review_or_404(review_id, selectors.review_to_edit)
    if (blocked := _editable_or_redirect(request, review)) is not None:
        return blocked
    log_access(request, review)
    if first := next(iter(questions.unanswered_before(step, review.answers())), None):
        messages.info(request, f"This step's questions depend on \u201c{questions.BY_NAME[first].name_in_text}\u201d: answer it first.")
        return redirect("review_step", review_id=review.public_id, step=questions.STEP_OF_FIELD[first])

    revision = review.revision
    if request.method == "POST":
        action = request.POST.get("action")
        goto = request.POST.get("goto")
        if goto not in questions.STEP_SLUGS:
            goto = None
        # Only "Save and continue" asks for every answer; leaving any other way keeps a draft.
        form = _step_form(step, review, request.POST, complete=action not in ("back", TO_QUEUE) and goto is None)
        revision = posted_revision(request)
        if form.is_valid():
            try:
                cleared = services.review_save_answers(
                    review=review, user=request.user, answers=form.cleaned_data, expected_revision=revision
                )
            except services.EditConflict as e:
                form.add_error(None, str(e))
                revision = _current_revision(review)
            else:
                if cleared:
                    names = ", ".join(questions.BY_NAME[f].name_in_text.lower() for f in cleared)
                    messages.info(request, f"These answers no longer apply and were cleared: {names}.")
                if action == TO_QUEUE and goto is None:
                    messages.success(request, f"Review {review.case_number} saved as a draft.")
                    return redirect("queue")
                target = goto or _neighbour(step, -1 if action == "back" else 1)
                if target == "summary":
                    return redirect("review_summary", review_id=review.public_id)
                return redirect("review_step", review_id=review.public_id, step=target)
    else:
        form = _step_form(step, review)
    ctx = {
        "form": form,
        "revision": revision,
        "review": review,
        "step": questions.STEPS[questions.STEP_SLUGS.index(step)],
        "steps": questions.STEPS,
        "complete_steps": questions.complete_steps(review.answers()),
    }
    return render(request, "coverage_app/review_step.html", ctx)


FINISHED_MESSAGES = {
    workflow.APPROVE: "Review {case} approved: the criteria are met. Approval {reference} is issued; "
    "its letter is below.",
    workflow.REFER: "Review {case} sent to physician review.",
}


@roles.role_required(roles.NURSE)
def review_summary(request: HttpRequest, review_id) -> HttpResponse:
    """Every answer, the determination criterion by criterion, notes, and the nurse's decision."""
    review = review_or_404(review_id)
    if (blocked := _editable_or_redirect(request, review)) is not None:
        return blocked
    log_access(request, review)
    form = NotesForm(
        request.POST or None,
        criterion_ids=evaluation.criteria_shown(review),
        notes=review.criterion_notes,
        overall=review.overall_note,
        initial={"referral_reason": review.referral_reason},
    )
    revision = review.revision
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        revision = posted_revision(request)
        notes = {
            "criterion_notes": form.criterion_notes(),
            "overall_note": form.cleaned_data["overall_note"],
            "expected_revision": revision,
        }
        try:
            if action in FINISHED_MESSAGES:
                services.review_finish(
                    review=review, user=request.user, action=action,
                    referral_reason=form.cleaned_data["referral_reason"], **notes,
                )
                # The nurse lands on the review she finished, with its determination and letter.
                issued = review.determinations.order_by("-decided_at").first()
                messages.success(request, FINISHED_MESSAGES[action].format(
                    case=review.case_number, reference=issued.reference_number if issued else ""))
                return redirect("review_detail", review_id=review.public_id)
            services.review_save_notes(review=review, user=request.user, **notes)
            if action == TO_QUEUE:
                messages.success(request, f"Notes on review {review.case_number} saved.")
                return redirect("queue")
            messages.success(request, "Notes saved.")
            return redirect("review_summary", review_id=review.public_id)
        except services.EditConflict as e:
            form.add_error(None, str(e))
            revision = _current_revision(review)
        except services.ReviewStateError as e:
            add_service_error(form, e)
    missing = questions.missing(review.answers())
    result, problem = None, None
    if not missing:
        try:
            result = evaluation.judge(review)
        except rules.InvalidCase as e:
            problem = e.message
    if result and not result.determination.nurse_may_approve:
        form.reason_is_optional()
    ctx = {
        "revision": revision,
        "review": review,
        "answers": answers_by_step(review),
        "missing": [(f, questions.BY_NAME[f].name_in_text, questions.STEP_OF_FIELD[f]) for f in missing],
        "result": result,
        "problem": problem,
        "form": form,
        "criteria_rows": [(c, form.note_field(c.id)) for c in result.determination.criteria] if result else [],
        "step": questions.STEPS[-1],
        "steps": questions.STEPS,
        "complete_steps": questions.complete_steps(review.answers()),
    }
    return render(request, "coverage_app/review_summary.html", ctx)


def bench_floor(request: HttpRequest) -> HttpResponse:
    """The framework's floor for `make bench`: a logged-in user, a trivial template, nothing else."""
    return render(request, "bench_floor.html", {"name": request.user.get_username()})


@roles.role_required(roles.NURSE)
def review_demographics(request: HttpRequest, review_id) -> HttpResponse:
    """The member's self-reported race and ethnicity, languages and sex, for the health-equity
    report. Written, never shown back: reviewers' pages do not show them (only policy staff see
    them, in aggregate), so the form always opens empty and saving replaces what was recorded."""
    review = review_or_404(review_id)
    if review.assigned_to_id != request.user.pk:
        return _editable_or_redirect(request, review) or redirect("review_detail", review_id=review.public_id)
    form = DemographicsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.demographics_record(review=review, user=request.user, **form.cleaned_data)
        messages.success(request, "The member's answers were recorded. They are not shown on any review page.")
        return redirect("review_detail", review_id=review.public_id)
    recorded = MemberDemographics.objects.filter(review=review).values("recorded_at", "recorded_by__first_name",
                                                                       "recorded_by__last_name").first()
    return render(request, "coverage_app/demographics.html", {"form": form, "review": review, "recorded": recorded})
