"""The clock between request and decision: information requests and extensions, with the notices
they issue; and the documents that arrive for a review."""

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from coverage_app import roles, selectors, services, workflow
from coverage_app.forms import (
    DocumentForm,
    ExtensionForm,
    InformationReceivedForm,
    InformationRequestForm,
    add_service_error,
)
from coverage_app.lib import clocks
from coverage_app.models import AccessLog, Document, Notice
from coverage_app.view_helpers import LETTER_READERS, REVIEWERS, posted_revision, render_issued, review_or_404


def _back(review) -> HttpResponse:
    return redirect("review_detail", review_id=review.public_id)


def _not_yours(request: HttpRequest, review) -> HttpResponse | None:
    """Back to the review, with why, when this nurse may not touch its clock (the services refuse
    the POST too)."""
    if review.assigned_to_id != request.user.pk:
        messages.warning(request, "Assign this review to yourself to work on it.")
        return _back(review)
    if review.status not in workflow.OPEN_FOR_NURSE:
        messages.info(request, f"Review {review.case_number} is {review.get_status_display().lower()}.")
        return _back(review)
    return None


@roles.role_required(roles.NURSE)
def information_request(request: HttpRequest, review_id) -> HttpResponse:
    review = review_or_404(review_id)
    if (blocked := _not_yours(request, review)) is not None:
        return blocked
    form = InformationRequestForm(request.POST or None, choices=services.information_choices(review.service))
    revision = review.revision
    if request.method == "POST" and form.is_valid():
        revision = posted_revision(request)
        try:
            notice = services.information_request(
                review=review, user=request.user, needed=form.cleaned_data["needed"],
                detail=form.cleaned_data["detail"], expected_revision=revision,
            )
        except services.ReviewStateError as e:
            add_service_error(form, e)
        else:
            messages.success(request, f"Request for information {notice.reference_number} issued; the review waits for it.")
            return _back(review)
    ctx = {"review": review, "form": form, "revision": revision, "rule": _rule(review), "preview": _preview(review)}
    return render(request, "coverage_app/information_request.html", ctx)


def _rule(review):
    try:
        return clocks.rule_for(review.line_of_business, review.urgency, review.request_type)
    except (clocks.ClockError, ValueError):
        return None


def _preview(review):
    """What asking now would do: the answer's due date and the decision's, or why it cannot be asked."""
    try:
        clock = clocks.request_information(review.clock(), timezone.now(), timezone.get_default_timezone())
    except clocks.ClockError as e:
        return {"refusal": str(e)}
    return {
        "respond_by": clock.information_respond_by,
        "decide_by": clocks.decision_due(clock, timezone.get_default_timezone()),
    }


@roles.role_required(roles.NURSE)
@require_POST
def information_received(request: HttpRequest, review_id) -> HttpResponse:
    review = review_or_404(review_id)
    form = InformationReceivedForm(request.POST)
    if not form.is_valid():
        messages.error(request, f"What arrived: {' '.join(form.errors['note'])} Nothing was saved.")
        return _back(review)
    try:
        services.information_received(
            review=review, user=request.user, note=form.cleaned_data["note"], expected_revision=posted_revision(request)
        )
    except services.ReviewStateError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, "Information received: the review's clock runs again.")
    return _back(review)


@roles.role_required(roles.NURSE)
def extend(request: HttpRequest, review_id) -> HttpResponse:
    review = review_or_404(review_id)
    if (blocked := _not_yours(request, review)) is not None:
        return blocked
    form = ExtensionForm(request.POST or None, choices=services.extension_reasons(review))
    revision = review.revision
    if request.method == "POST" and form.is_valid():
        revision = posted_revision(request)
        try:
            notice = services.review_extend(review=review, user=request.user, expected_revision=revision, **form.cleaned_data)
        except services.ReviewStateError as e:
            add_service_error(form, e)
        else:
            messages.success(request, f"Extension taken; notice {notice.reference_number} issued.")
            return _back(review)
    try:
        new_due, refusal = clocks.due_after_extension(review.clock(), timezone.get_default_timezone()), ""
    except clocks.ClockError as e:
        new_due, refusal = None, str(e)
    ctx = {"review": review, "form": form, "revision": revision, "rule": _rule(review), "new_due": new_due, "refusal": refusal}
    return render(request, "coverage_app/extend.html", ctx)


@roles.role_required(roles.NURSE)
@require_POST
def document_upload(request: HttpRequest, review_id) -> HttpResponse:
    review = review_or_404(review_id)
    form = DocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return _back(review)
    try:
        document = services.document_add(
            review=review, user=request.user, upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except services.ReviewStateError as e:
        messages.error(request, f"The document was not kept: {e}")
    else:
        messages.success(request, f"{document.original_name} attached.")
    return _back(review)


@roles.role_required(*REVIEWERS, roles.APPEALS_COORDINATOR)
@require_GET
def document_download(request: HttpRequest, document_id) -> HttpResponse:
    try:
        document = selectors.document_for_page(document_id)
    except Document.DoesNotExist:
        raise Http404("No such document") from None
    services.access_record(
        user=request.user, review=document.review, kind=AccessLog.Kind.DOCUMENT, path=request.path, document=document
    )
    with document.file.open("rb") as f:
        body = f.read()
    response = HttpResponse(body, content_type=document.content_type)
    response["Content-Disposition"] = f'attachment; filename="document-{document.public_id}{_suffix(document)}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


def _suffix(document) -> str:
    return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/tiff": ".tif"}.get(
        document.content_type, ""
    )


def _notice_or_404(notice_id) -> Notice:
    try:
        return selectors.notice_for_page(notice_id)
    except Notice.DoesNotExist:
        raise Http404("No such notice") from None


@roles.role_required(*LETTER_READERS)
@require_GET
def notice_html(request: HttpRequest, notice_id) -> HttpResponse:
    notice = _notice_or_404(notice_id)
    services.access_record(user=request.user, review=notice.review, kind=AccessLog.Kind.NOTICE, path=request.path, notice=notice)
    return render_issued(
        request,
        title=f"{notice.get_kind_display()} {notice.reference_number}",
        reference=notice.reference_number,
        html=notice.html,
        pdf_url=reverse("notice_pdf", kwargs={"notice_id": notice.public_id}),
        review=notice.review,
    )


@roles.role_required(*LETTER_READERS)
@require_GET
def notice_pdf(request: HttpRequest, notice_id) -> HttpResponse:
    notice = _notice_or_404(notice_id)
    services.access_record(user=request.user, review=notice.review, kind=AccessLog.Kind.NOTICE, path=request.path, notice=notice)
    response = HttpResponse(bytes(notice.pdf), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{notice.reference_number}.pdf"'
    response["X-Content-SHA256"] = notice.sha256
    return response
