"""What the app's view modules share: finding a review or determination, logging a look at one,
and reading the revision a page posted."""

import csv

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse

from coverage_app import roles, selectors, services
from coverage_app.models import AccessLog, Determination, Review

QUEUE_PAGE_SIZE = 25
REVIEWERS = (roles.NURSE, roles.DIRECTOR)
LETTER_READERS = (roles.NURSE, roles.DIRECTOR, roles.POLICY_STAFF, roles.APPEALS_COORDINATOR)


def log_access(request: HttpRequest, review: Review, determination: Determination | None = None) -> None:
    kind = AccessLog.Kind.LETTER if determination else AccessLog.Kind.REVIEW
    services.access_record(
        user=request.user, review=review, determination=determination, kind=kind, path=request.path
    )


def review_or_404(review_id, selector=selectors.review_for_page) -> Review:
    try:
        return selector(review_id)
    except Review.DoesNotExist:
        raise Http404("No such review") from None


def determination_or_404(determination_id) -> Determination:
    try:
        return selectors.determination_for_page(determination_id)
    except Determination.DoesNotExist:
        raise Http404("No such determination") from None


def posted_revision(request: HttpRequest) -> int | None:
    """The revision of the review the page showed, or None if the POST carries no valid one."""
    value = request.POST.get("revision", "")
    return int(value) if value.isascii() and value.isdigit() and len(value) < 10 else None


def back_from_letter(user, review: Review, reference: str) -> tuple[str, str]:
    """Where the letter page's back link goes: the review for those who work it, else the appeals
    queue looking up the letter's reference, else the start page."""
    if any(roles.has_role(user, role) for role in REVIEWERS):
        return reverse("review_detail", kwargs={"review_id": review.public_id}), "Back to review"
    if roles.has_role(user, roles.APPEALS_COORDINATOR):
        return f"{reverse('appeals_queue')}?reference={reference}", "Back to appeals"
    return reverse("home"), "Back"


def render_issued(request: HttpRequest, *, title: str, reference: str, html: str, pdf_url: str, review: Review) -> HttpResponse:
    """A letter or notice as issued, inside the app's page: its stored HTML, unchanged, in a frame
    (srcdoc), with the way back, the PDF and printing beside it."""
    back_url, back_label = back_from_letter(request.user, review, reference)
    ctx = {
        "title": title,
        "reference": reference,
        "html": html,
        "pdf_url": pdf_url,
        "review": review,
        "back_url": back_url,
        "back_label": back_label,
    }
    return render(request, "coverage_app/issued_view.html", ctx)


def csv_download(filename: str, rows) -> HttpResponse:
    """Rows as a CSV file the browser saves under `filename`."""
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    writer = csv.writer(response)
    for row in rows:
        writer.writerow(row)
    return response
