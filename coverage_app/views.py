from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coverage_app import roles, selectors, services
from coverage_app.evaluation import determine
from coverage_app.forms import STEP_FORMS, NotesForm, RequestForm, add_service_error
from coverage_app.lib import questionnaire, rules
from coverage_app.models import AccessLog, Review
from coverage_app.paging import CappedPaginator
from coverage_app.presenters import LABELS, answers_by_step, queue_rows

QUEUE_PAGE_SIZE = 25
REVIEWERS = (roles.NURSE, roles.DIRECTOR)


@login_required
def home(request: HttpRequest) -> HttpResponse:
    if roles.has_role(request.user, roles.DIRECTOR):
        return redirect("physician_queue")
    if roles.has_role(request.user, roles.NURSE):
        return redirect("queue")
    if request.user.is_staff:
        return redirect("admin:index")
    return redirect("policy_detail")


@login_required
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


@login_required
@roles.role_required(*REVIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    """Reviews soonest due first, filtered by status, "assigned to me", and member ID or case number."""
    status = request.GET.get("status", selectors.QUEUE_OPEN)
    if status not in dict(QUEUE_STATUS_CHOICES):
        status = selectors.QUEUE_OPEN
    mine = request.GET.get("mine") == "1"
    # Printable characters only: PostgreSQL refuses NUL, and nothing else belongs in an ID.
    search = "".join(ch for ch in request.GET.get("q", "")[:40] if ch.isprintable())
    reviews = selectors.review_queue(
        status=status, assigned_to=request.user if mine else None, search=search
    )
    page = CappedPaginator(
        reviews, QUEUE_PAGE_SIZE, request.GET.get("page"), values=selectors.QUEUE_COLUMNS
    ).get_page()
    params = request.GET.copy()
    params.pop("page", None)
    ctx = {
        "page": page,
        "rows": queue_rows(page.object_list, timezone.now()),
        "status": status,
        "status_choices": QUEUE_STATUS_CHOICES,
        "mine": mine,
        "search": search,
        "query_string": params.urlencode(),
        "is_nurse": roles.has_role(request.user, roles.NURSE),
    }
    return render(request, "coverage_app/queue.html", ctx)


# --- One review --------------------------------------------------------------------------------


def log_access(request: HttpRequest, review: Review, determination=None) -> None:
    kind = AccessLog.Kind.LETTER if determination else AccessLog.Kind.REVIEW
    services.access_record(
        user=request.user, review=review, determination=determination, kind=kind, path=request.path
    )


def review_or_404(review_id, selector=selectors.review_for_page) -> Review:
    try:
        return selector(review_id)
    except Review.DoesNotExist:
        raise Http404("No such review") from None


@login_required
@roles.role_required(*REVIEWERS)
def review_detail(request: HttpRequest, review_id) -> HttpResponse:
    """The review as it stands: answers, outcome, history, and what the user may do next."""
    review = review_or_404(review_id)
    log_access(request, review)
    ctx = {
        "review": review,
        "answers": answers_by_step(review),
        "events": selectors.review_events(review),
        "determinations": selectors.review_determinations(review),
        "is_director": roles.has_role(request.user, roles.DIRECTOR),
        "is_nurse": roles.has_role(request.user, roles.NURSE),
        "can_work": review.is_editable and review.assigned_to_id == request.user.pk,
        "steps": questionnaire.STEPS,
    }
    return render(request, "coverage_app/review_detail.html", ctx)


@login_required
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


@login_required
@roles.role_required(roles.NURSE)
def review_new(request: HttpRequest) -> HttpResponse:
    """Step 1 for a request that arrives now; saving it creates the review, assigned to the nurse."""
    if request.method == "POST":
        form = RequestForm(request.POST, answers={}, complete=True)
        if form.is_valid():
            review = services.review_start(user=request.user, **form.cleaned_data)
            messages.success(request, f"Review {review.case_number} created.")
            return redirect("review_step", review_id=review.public_id, step="transplant")
    else:
        form = RequestForm(answers={}, complete=True)
    ctx = {"form": form, "step": questionnaire.STEPS[0], "steps": questionnaire.STEPS, "review": None}
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


def _posted_revision(request: HttpRequest) -> int | None:
    value = request.POST.get("revision", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def _neighbour(step: str, offset: int) -> str:
    return questionnaire.STEP_SLUGS[questionnaire.STEP_SLUGS.index(step) + offset]


@login_required
@roles.role_required(roles.NURSE)
def review_step(request: HttpRequest, review_id, step: str) -> HttpResponse:
    """One questionnaire step: Back saves a draft and goes back; Save and continue checks it's complete."""
    if step not in STEP_FORMS:
        raise Http404("No such step")
    review = review_or_404(review_id, selectors.review_to_edit)
    if (blocked := _editable_or_redirect(request, review)) is not None:
        return blocked
    log_access(request, review)
    answers = review.answers()
    if step == "indication" and not (
        questionnaire.is_answered(answers["service"])
        and questionnaire.is_answered(answers["had_transplant"])
    ):
        first = "request" if not questionnaire.is_answered(answers["service"]) else "transplant"
        messages.info(request, "The indication questions depend on the service and the transplant.")
        return redirect("review_step", review_id=review.public_id, step=first)

    form_class = STEP_FORMS[step]
    revision = review.revision
    if request.method == "POST":
        going_back = request.POST.get("action") == "back"
        form = form_class(request.POST, instance=review, answers=answers, complete=not going_back)
        revision = _posted_revision(request)
        if form.is_valid():
            data = {name: form.cleaned_data[name] for name in form.fields}
            try:
                cleared = services.review_save_answers(
                    review=review, user=request.user, answers=data, expected_revision=revision
                )
            except services.EditConflict as e:
                form.add_error(None, str(e))
                revision = Review.objects.values_list("revision", flat=True).get(pk=review.pk)
            else:
                if cleared:
                    names = ", ".join(LABELS[f].lower() for f in cleared)
                    messages.info(request, f"These answers no longer apply and were cleared: {names}.")
                target = _neighbour(step, -1 if going_back else 1)
                if target == "summary":
                    return redirect("review_summary", review_id=review.public_id)
                return redirect("review_step", review_id=review.public_id, step=target)
    else:
        form = form_class(instance=review, answers=answers)
    ctx = {
        "form": form,
        "revision": revision,
        "review": review,
        "step": next(s for s in questionnaire.STEPS if s.slug == step),
        "steps": questionnaire.STEPS,
    }
    return render(request, "coverage_app/review_step.html", ctx)


@login_required
@roles.role_required(roles.NURSE)
def review_summary(request: HttpRequest, review_id) -> HttpResponse:
    """Every answer, the determination criterion by criterion, notes, and the nurse's decision."""
    review = review_or_404(review_id)
    if (blocked := _editable_or_redirect(request, review)) is not None:
        return blocked
    log_access(request, review)
    missing = questionnaire.missing(review.answers())
    result, problem = None, None
    if not missing:
        try:
            result = determine(questionnaire.to_case(review.answers()))
        except rules.InvalidCase as e:
            problem = e.message
    criterion_ids = [c.id for c in result.determination.criteria] if result else []
    form = NotesForm(
        request.POST or None,
        criterion_ids=criterion_ids,
        notes=review.criterion_notes,
        overall=review.overall_note,
        nurse_may_approve=result is None or result.determination.nurse_may_approve,
        initial={"referral_reason": review.referral_reason},
    )
    revision = review.revision
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action")
        revision = _posted_revision(request)
        notes = {
            "criterion_notes": form.criterion_notes(),
            "overall_note": form.cleaned_data["overall_note"],
            "expected_revision": revision,
        }
        try:
            if action == "approve":
                services.review_approve(review=review, user=request.user, **notes)
                messages.success(request, f"Review {review.case_number} approved: the criteria are met.")
                return redirect("queue")
            if action == "refer":
                services.review_refer_to_physician(
                    review=review, user=request.user, referral_reason=form.cleaned_data["referral_reason"], **notes
                )
                messages.success(
                    request, f"Review {review.case_number} sent to physician review."
                )
                return redirect("queue")
            services.review_save_notes(review=review, user=request.user, **notes)
            messages.success(request, "Notes saved.")
            return redirect("review_summary", review_id=review.public_id)
        except services.EditConflict as e:
            form.add_error(None, str(e))
            revision = Review.objects.values_list("revision", flat=True).get(pk=review.pk)
        except services.ReviewStateError as e:
            add_service_error(form, e)
    ctx = {
        "revision": revision,
        "review": review,
        "answers": answers_by_step(review),
        "missing": [(f, LABELS[f], questionnaire.STEP_OF_FIELD[f]) for f in missing],
        "result": result,
        "problem": problem,
        "form": form,
        "criteria_rows": [(c, form.note_field(c.id)) for c in result.determination.criteria]
        if result
        else [],
        "step": questionnaire.STEPS[-1],
        "steps": questionnaire.STEPS,
    }
    return render(request, "coverage_app/review_summary.html", ctx)



@login_required
def bench_floor(request: HttpRequest) -> HttpResponse:
    """The framework's floor for `make bench`: a logged-in user, a trivial template, nothing else."""
    return render(request, "bench_floor.html", {"name": request.user.get_username()})
