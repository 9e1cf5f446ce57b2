"""The medical director's queue and decisions, and the letters of issued determinations."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from coverage_app import roles, selectors, services
from coverage_app.forms import CorrectionForm, DirectorDecisionForm, add_service_error
from coverage_app.models import Review
from coverage_app.presenters import answers_by_step
from coverage_app.view_helpers import (
    LETTER_READERS,
    QUEUE_PAGE_SIZE,
    determination_or_404,
    log_access,
    render_issued,
    review_or_404,
)


@roles.role_required(roles.DIRECTOR)
def physician_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.physician_queue(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "coverage_app/physician_queue.html", {"page": page})


@roles.role_required(roles.DIRECTOR)
def review_decide(request: HttpRequest, review_id) -> HttpResponse:
    """The whole review for the director, and the decision: uphold or overturn, with a rationale."""
    review = review_or_404(review_id)
    if review.status != Review.Status.PENDING_PHYSICIAN_REVIEW:
        messages.info(request, f"Review {review.case_number} is not waiting for a physician.")
        return redirect("review_detail", review_id=review.public_id)
    log_access(request, review)
    form = DirectorDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            determination = services.director_decide(review=review, user=request.user, **form.cleaned_data)
        except services.ReviewStateError as e:
            add_service_error(form, e)
        else:
            messages.success(
                request,
                f"Determination {determination.reference_number} issued: "
                f"{determination.get_outcome_display().lower()}. The letter is ready.",
            )
            return redirect("review_detail", review_id=review.public_id)
    ctx = {
        "review": review,
        "answers": answers_by_step(review),
        "form": form,
        "physician_problem": services.physician_problem(request.user),
        "referred_by_you": review.submitted_by_id == request.user.pk,
        "notices": selectors.review_notices(review),
        "documents": selectors.review_documents(review),
    }
    return render(request, "coverage_app/review_decide.html", ctx)


@roles.role_required(*LETTER_READERS)
@require_GET
def letter_html(request: HttpRequest, determination_id) -> HttpResponse:
    """The letter as issued, to read and print in the browser: the stored HTML, never re-rendered."""
    determination = determination_or_404(determination_id)
    log_access(request, determination.review, determination)
    return render_issued(
        request,
        title=f"Letter {determination.reference_number}",
        reference=determination.reference_number,
        html=determination.letter.html,
        pdf_url=reverse("letter_pdf", kwargs={"determination_id": determination.public_id}),
        review=determination.review,
    )


@roles.role_required(*LETTER_READERS)
@require_GET
def letter_pdf(request: HttpRequest, determination_id) -> HttpResponse:
    """The stored PDF bytes, the same on every download."""
    determination = determination_or_404(determination_id)
    log_access(request, determination.review, determination)
    letter = determination.letter
    response = HttpResponse(bytes(letter.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{determination.reference_number}.pdf"'
    response["X-Content-SHA256"] = letter.sha256
    return response


@roles.role_required(roles.DIRECTOR)
def determination_correct(request: HttpRequest, determination_id) -> HttpResponse:
    """A correction: a new determination and letter that supersede this one; both stay visible."""
    old = determination_or_404(determination_id)
    form = CorrectionForm(request.POST or None, initial={"outcome": old.outcome})
    if request.method == "POST" and form.is_valid():
        try:
            new = services.determination_correct(determination=old, user=request.user, **form.cleaned_data)
        except services.ReviewStateError as e:
            add_service_error(form, e)
        else:
            messages.success(
                request, f"Correction {new.reference_number} issued; it supersedes {old.reference_number}."
            )
            return redirect("review_detail", review_id=old.review.public_id)
    ctx = {"old": old, "form": form, "physician_problem": services.physician_problem(request.user)}
    return render(request, "coverage_app/determination_correct.html", ctx)
