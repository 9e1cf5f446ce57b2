"""Appeals of adverse determinations: logging one, accepting a late one for good cause, and the
appeals queue."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from coverage_app import evaluation, roles, selectors, services
from coverage_app.forms import (
    STEP_FORMS,
    AppealDecisionForm,
    AppealForm,
    DocumentForm,
    ExternalReviewForm,
    GoodCauseForm,
    OutsideDecisionForm,
    add_service_error,
)
from coverage_app.lib import appeals, questions, rules
from coverage_app.presenters import answers_by_step
from coverage_app.models import AccessLog, Appeal
from coverage_app.view_helpers import QUEUE_PAGE_SIZE, determination_or_404

APPEAL_READERS = (roles.APPEALS_COORDINATOR, roles.NURSE, roles.DIRECTOR)


def _appeal_or_404(appeal_id) -> Appeal:
    try:
        return selectors.appeal_for_page(appeal_id)
    except Appeal.DoesNotExist:
        raise Http404("No such appeal") from None


@roles.role_required(*services.APPEAL_INTAKE_ROLES)
def appeal_new(request: HttpRequest, determination_id) -> HttpResponse:
    determination = determination_or_404(determination_id)
    review = determination.review
    services.access_record(user=request.user, review=review, kind=AccessLog.Kind.APPEAL, path=request.path)
    form = AppealForm(request.POST or None, initial={"received_at": timezone.localtime().replace(second=0, microsecond=0)})
    if request.method == "POST" and form.is_valid():
        try:
            appeal = services.appeal_log(determination=determination, user=request.user, **form.cleaned_data)
        except services.ReviewStateError as e:
            add_service_error(form, e)
        else:
            flag = " It is late: an appeals coordinator decides whether there is good cause." if appeal.late else ""
            messages.success(request, f"Appeal {appeal.reference_number} recorded.{flag}")
            return redirect("appeal_detail", appeal_id=appeal.public_id)
    letter_date = timezone.localtime(determination.decided_at).date()
    ctx = {
        "form": form,
        "determination": determination,
        "review": review,
        "filing_deadline": appeals.filing_deadline(letter_date, review.line_of_business),
    }
    return render(request, "coverage_app/appeal_new.html", ctx)


def _detail(request: HttpRequest, appeal: Appeal, good_cause_form=None) -> HttpResponse:
    is_coordinator = roles.has_role(request.user, roles.APPEALS_COORDINATOR)
    now = timezone.localtime().replace(second=0, microsecond=0)
    ctx = {
        "appeal": appeal,
        "review": appeal.review,
        "filing_deadline": appeals.filing_deadline(
            timezone.localtime(appeal.determination.decided_at).date(), appeal.review.line_of_business
        ),
        "good_cause_form": good_cause_form or (GoodCauseForm() if is_coordinator else None),
        "is_coordinator": is_coordinator,
        "is_director": roles.has_role(request.user, roles.DIRECTOR),
        "outside_form": OutsideDecisionForm(initial={"decided_at": now}),
        "external_form": ExternalReviewForm(initial={"requested_at": now}),
        "overdue": appeal.due_at < timezone.now() and appeal.status in Appeal.OPEN_STATUSES,
        "notices": selectors.review_notices(appeal.review),
        "documents": selectors.appeal_documents(appeal),
        "can_attach": appeal.status in Appeal.OPEN_STATUSES
        and any(roles.has_role(request.user, role) for role in services.APPEAL_INTAKE_ROLES),
    }
    return render(request, "coverage_app/appeal_detail.html", ctx)


@roles.role_required(*APPEAL_READERS)
def appeal_detail(request: HttpRequest, appeal_id) -> HttpResponse:
    appeal = _appeal_or_404(appeal_id)
    services.access_record(user=request.user, review=appeal.review, kind=AccessLog.Kind.APPEAL, path=request.path)
    return _detail(request, appeal)


@roles.role_required(roles.APPEALS_COORDINATOR)
@require_POST
def appeal_accept_late(request: HttpRequest, appeal_id) -> HttpResponse:
    appeal = _appeal_or_404(appeal_id)
    form = GoodCauseForm(request.POST)
    if form.is_valid():
        try:
            services.appeal_accept_late(appeal=appeal, user=request.user, good_cause=form.cleaned_data["good_cause"])
        except services.ReviewStateError as e:
            add_service_error(form, e)
        else:
            messages.success(request, f"Late appeal {appeal.reference_number} accepted for good cause.")
            return redirect("appeal_detail", appeal_id=appeal.public_id)
    return _detail(request, appeal, good_cause_form=form)


@roles.role_required(*APPEAL_READERS)
def appeals_queue(request: HttpRequest) -> HttpResponse:
    """Open appeals, soonest due first, overdue ones marked."""
    page = Paginator(selectors.open_appeals(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    # Printable characters only: nothing else belongs in a reference number.
    reference = "".join(ch for ch in request.GET.get("reference", "")[:20] if ch.isprintable()).strip().upper()
    ctx = {
        "page": page,
        "now": timezone.now(),
        "reference": reference,
        "found": selectors.determination_by_reference(reference) if reference else None,
        "can_log": any(roles.has_role(request.user, role) for role in services.APPEAL_INTAKE_ROLES),
    }
    return render(request, "coverage_app/appeals_queue.html", ctx)


APPEAL_STEPS = ("transplant", "indication")


@roles.role_required(roles.DIRECTOR)
def appeal_decide(request: HttpRequest, appeal_id) -> HttpResponse:
    """The physician's appeal screen: the first decision and the appeal side by side, the rules run
    again on the appeal's answers, and a fresh decision."""
    appeal = _appeal_or_404(appeal_id)
    if appeal.status != Appeal.Status.PENDING:
        messages.info(request, f"Appeal {appeal.reference_number} is {appeal.get_status_display().lower()}.")
        return redirect("appeal_detail", appeal_id=appeal.public_id)
    services.access_record(user=request.user, review=appeal.review, kind=AccessLog.Kind.APPEAL, path=request.path)
    answers = evaluation.appeal_answers(appeal)
    step = request.POST.get("step") if request.method == "POST" else None
    decision = AppealDecisionForm(request.POST if request.method == "POST" and not step else None)
    steps = {
        s: STEP_FORMS[s](request.POST if step == s else None, answers=answers, complete=False, prefix=s)
        for s in APPEAL_STEPS
    }
    if step in steps and steps[step].is_valid():
        try:
            cleared = services.appeal_save_answers(appeal=appeal, user=request.user, answers=steps[step].cleaned_data)
        except services.ReviewStateError as e:
            add_service_error(steps[step], e)
        else:
            note = f" These no longer apply and were cleared: {', '.join(cleared)}." if cleared else ""
            messages.success(request, f"The appeal's answers are saved; the rules were run again.{note}")
            return redirect("appeal_decide", appeal_id=appeal.public_id)
    if not step and request.method == "POST" and decision.is_valid():
        try:
            appeal = services.appeal_decide(appeal=appeal, user=request.user, **decision.cleaned_data)
        except services.ReviewStateError as e:
            add_service_error(decision, e)
        else:
            messages.success(request, f"Appeal {appeal.reference_number}: {appeal.get_status_display().lower()}.")
            return redirect("appeal_detail", appeal_id=appeal.public_id)
    try:
        rerun, problem = evaluation.judge_appeal(appeal), None
    except rules.InvalidCase as e:
        rerun, problem = None, e.message
    ctx = {
        "appeal": appeal,
        "review": appeal.review,
        "first": appeal.determination.criteria_snapshot,
        "rerun": rerun,
        "problem": problem,
        "changed": [(questions.BY_NAME[n].name_in_text, v) for n, v in appeal.answers.items() if n in questions.BY_NAME],
        "decision": decision,
        "form": decision,
        "steps": steps,
        "answers": answers_by_step(appeal.review),
        "documents": selectors.review_documents(appeal.review),
        "notices": selectors.review_notices(appeal.review),
        "physician_problem": services.physician_problem(request.user),
    }
    return render(request, "coverage_app/appeal_decide.html", ctx)


@roles.role_required(roles.APPEALS_COORDINATOR)
@require_POST
def appeal_outside(request: HttpRequest, appeal_id, which: str) -> HttpResponse:
    """An appeals coordinator records an external review request, or an outside reviewer's decision
    (`which`: "external-request", "external-decision" or "ire-decision")."""
    appeal = _appeal_or_404(appeal_id)
    form_class = ExternalReviewForm if which == "external-request" else OutsideDecisionForm
    form = form_class(request.POST)
    if form.is_valid():
        try:
            if which == "external-request":
                services.external_review_request(appeal=appeal, user=request.user, **form.cleaned_data)
            elif which == "external-decision":
                services.external_review_record(appeal=appeal, user=request.user, **form.cleaned_data)
            elif which == "ire-decision":
                services.appeal_record_ire(appeal=appeal, user=request.user, **form.cleaned_data)
            else:
                raise Http404("No such step")
        except services.ReviewStateError as e:
            add_service_error(form, e)
        else:
            messages.success(request, "Recorded.")
            return redirect("appeal_detail", appeal_id=appeal.public_id)
    messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect("appeal_detail", appeal_id=appeal.public_id)


@roles.role_required(*services.APPEAL_INTAKE_ROLES)
@require_POST
def appeal_document_upload(request: HttpRequest, appeal_id) -> HttpResponse:
    appeal = _appeal_or_404(appeal_id)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("appeal_detail", appeal_id=appeal.public_id)
    try:
        document = services.appeal_document_add(
            appeal=appeal, user=request.user, upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except services.ReviewStateError as e:
        messages.error(request, f"The document was not kept: {e}")
    else:
        messages.success(request, f"{document.original_name} attached to the appeal.")
    return redirect("appeal_detail", appeal_id=appeal.public_id)
