"""Reads: the queries views and commands share."""

import datetime as dt

from django.db.models import Exists, Min, OuterRef, Prefetch, Q, QuerySet, Subquery

from coverage_app import roles
from coverage_app.lib.reports import RequestRow
from coverage_app.lib.usdates import long_date
from coverage_app.models import (
    OPEN,
    Appeal,
    CoveragePolicy,
    Criterion,
    Determination,
    Document,
    Notice,
    PolicyVersion,
    Review,
    ReviewEvent,
)

POLICY_NUMBER = "0261"


class NoVersionInEffect(LookupError):
    """No version of the policy was in effect on the date asked about."""


def policy_version_in_effect(
    on: dt.date, number: str = POLICY_NUMBER, *, with_criteria: bool = True
) -> PolicyVersion:
    """The version in effect on a date of service, with its criteria loaded in order (unless the
    caller only checks that there is one: that halves the queries of every request step saved).
    Only published versions count: a draft has no effective date."""
    published = PolicyVersion.objects.filter(policy__number=number, effective_date__isnull=False)
    versions = published.filter(effective_date__lte=on)
    if with_criteria:
        versions = versions.select_related("policy").prefetch_related(
            Prefetch("criteria", queryset=Criterion.objects.order_by("position"))
        )
    version = versions.order_by("-effective_date").first()
    if version is not None:
        return version
    earliest = published.order_by("effective_date").first()
    if earliest is None:
        raise NoVersionInEffect(f"policy {number} has no published versions")
    raise NoVersionInEffect(
        f"no version of policy {number} was in effect on {long_date(on)}; "
        f"the earliest took effect on {long_date(earliest.effective_date)}"
    )


def policy_with_history(number: str = POLICY_NUMBER) -> CoveragePolicy | None:
    """The policy, its revision history and its published versions (drafts are policy staff's own)."""
    published = PolicyVersion.objects.filter(effective_date__isnull=False).order_by("-effective_date")
    return (
        CoveragePolicy.objects.filter(number=number)
        .prefetch_related("revisions", Prefetch("versions", queryset=published))
        .first()
    )


QUEUE_OPEN = "open"
QUEUE_ALL = "all"


# What a queue row shows, read as plain values: model instances (and the assignee's whole user row)
# cost more to build than the page takes to render.
QUEUE_COLUMNS = (
    "public_id", "case_number", "member_name", "member_id", "service", "status", "urgency",
    "received_at", "due_at", "assigned_to__first_name", "assigned_to__last_name",
    "assigned_to__username", "information_respond_by",
)


def review_queue(*, status: str = QUEUE_OPEN, assigned_to=None, search: str = "") -> QuerySet:
    """The work queue, soonest due first (page it, then read QUEUE_COLUMNS). `search` matches a
    member ID or case number exactly."""
    reviews = Review.objects.order_by("due_at", "id")
    if status == QUEUE_OPEN:
        reviews = reviews.filter(OPEN)
    elif status != QUEUE_ALL:
        reviews = reviews.filter(status=status)
    if assigned_to is not None:
        reviews = reviews.filter(assigned_to=assigned_to)
    term = search.strip().upper()
    if term:
        reviews = reviews.filter(Q(member_id=term) | Q(case_number=term))
    return reviews


def review_for_page(public_id) -> Review:
    """One review with what its pages show, or Review.DoesNotExist."""
    return Review.objects.select_related(
        "assigned_to", "submitted_by", "policy_version__policy"
    ).get(public_id=public_id)


def review_to_edit(public_id) -> Review:
    """One review, alone, for the questionnaire's steps: they show nothing from related rows, and
    the joins that review_for_page makes would only slow them (bench/README.md)."""
    return Review.objects.get(public_id=public_id)


def review_events(review: Review) -> QuerySet:
    return ReviewEvent.objects.filter(review=review).select_related("actor").order_by("at", "id")


def physician_queue() -> QuerySet:
    """Reviews waiting for a medical director, soonest due first."""
    return (
        Review.objects.filter(status=Review.Status.PENDING_PHYSICIAN_REVIEW)
        .select_related("submitted_by")
        .order_by("due_at", "id")
    )


def review_determinations(review: Review) -> QuerySet:
    """Every determination of a review, newest first, superseded ones included."""
    return (
        Determination.objects.filter(review=review)
        .select_related("supersedes")
        .annotate(
            is_superseded=Exists(Determination.objects.filter(supersedes=OuterRef("pk"))),
            appealed=Exists(Appeal.objects.filter(determination=OuterRef("pk"))),
        )
        .order_by("-decided_at", "-id")
    )


def review_notices(review: Review) -> QuerySet:
    return Notice.objects.filter(review=review).defer("html", "pdf").order_by("issued_at", "id")


def review_documents(review: Review) -> QuerySet:
    return Document.objects.filter(review=review).select_related("uploaded_by").order_by("uploaded_at", "id")


def appeal_documents(appeal) -> QuerySet:
    return Document.objects.filter(appeal=appeal).select_related("uploaded_by").order_by("uploaded_at", "id")


def notice_for_page(public_id) -> Notice:
    return Notice.objects.select_related("review").get(public_id=public_id)


def document_for_page(public_id) -> Document:
    return Document.objects.select_related("review").get(public_id=public_id)


def review_appeals(review: Review) -> QuerySet:
    return Appeal.objects.filter(review=review).select_related("determination").order_by("received_at", "id")


def open_appeals() -> QuerySet:
    """Appeals not yet decided (late ones waiting for good cause included), soonest due first."""
    return (
        Appeal.objects.filter(status__in=(Appeal.Status.LATE, Appeal.Status.PENDING))
        .select_related("review", "determination")
        .order_by("due_at", "id")
    )


def determination_by_reference(reference: str) -> Determination | None:
    return Determination.objects.select_related("review").filter(reference_number=reference).first()


def appeal_for_page(public_id) -> Appeal:
    return Appeal.objects.select_related(
        "review", "determination", "logged_by", "good_cause_accepted_by"
    ).get(public_id=public_id)


def determination_for_page(public_id) -> Determination:
    return Determination.objects.select_related("review", "supersedes", "letter").get(public_id=public_id)


def report_rows(start, end) -> list:
    """One RequestRow per request received from `start` up to (not including) `end`: one query."""
    in_force = Determination.objects.filter(review=OuterRef("pk"), superseded_by__isnull=True).order_by("-decided_at")
    overturned = Determination.objects.filter(
        review=OuterRef("pk"), supersedes__isnull=True, outcome=Determination.Outcome.APPROVED,
        decider_role=roles.DIRECTOR,
    )
    rows = (
        Review.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(
            first_decided_at=Min("determinations__decided_at"),
            outcome=Subquery(in_force.values("outcome")[:1]),
            overturned=Exists(overturned),
            information_requested=Q(information_requested_at__isnull=False),
            extended=Q(extended_at__isnull=False),
            information_lapsed=Exists(
                ReviewEvent.objects.filter(review=OuterRef("pk"), action=ReviewEvent.Action.INFORMATION_NOT_RECEIVED)
            ),
            approved_on_appeal=Exists(Appeal.objects.filter(review=OuterRef("pk"), approval__isnull=False)),
        )
        .values_list(
            "service", "urgency", "line_of_business", "received_at", "due_at",
            "first_decided_at", "outcome", "overturned",
            "information_requested", "extended", "information_lapsed", "approved_on_appeal",
        )
    )
    return [RequestRow(*row) for row in rows]


def equity_requests(start, end) -> list:
    """One equity.Request per request received from `start` up to (not including) `end`, with the
    member's self-reported demographics (none recorded: not asked): one query, as report_rows.

    Per request: approved by the nurse (the first determination an approval not by a medical
    director: a nurse's, or an automatic one); sent to physician review (referred by the nurse, or
    information not received in time); adverse (the latest determination other than an appeal's
    approval is adverse, so a denial later overturned on appeal still counts); appealed; overturned
    on appeal (an appeal, or the IRE or external review after it, approved: report_rows'
    approved_on_appeal); hours from receipt to the first determination (None: not decided)."""
    from django.utils import timezone

    from coverage_app.lib import equity

    first = Determination.objects.filter(review=OuterRef("pk"), supersedes__isnull=True).order_by("decided_at", "id")
    before_appeal = Determination.objects.filter(review=OuterRef("pk"), approving_appeal__isnull=True).order_by(
        "-decided_at", "-id"
    )
    referred = (ReviewEvent.Action.REFERRED, ReviewEvent.Action.INFORMATION_NOT_RECEIVED)
    rows = (
        Review.objects.filter(received_at__gte=start, received_at__lt=end)
        .annotate(
            first_decided_at=Subquery(first.values("decided_at")[:1]),
            first_outcome=Subquery(first.values("outcome")[:1]),
            first_role=Subquery(first.values("decider_role")[:1]),
            outcome=Subquery(before_appeal.values("outcome")[:1]),
            referred=Exists(ReviewEvent.objects.filter(review=OuterRef("pk"), action__in=referred)),
            appealed=Exists(Appeal.objects.filter(review=OuterRef("pk"))),
            approved_on_appeal=Exists(Appeal.objects.filter(review=OuterRef("pk"), approval__isnull=False)),
        )
        .values(
            "line_of_business", "received_at", "member_date_of_birth", "first_decided_at", "first_outcome",
            "first_role", "outcome", "referred", "appealed", "approved_on_appeal",
            "demographics__race_ethnicity", "demographics__spoken_language", "demographics__written_language",
            "demographics__sex",
        )
        .order_by("id")
    )
    tz = timezone.get_current_timezone()
    requests = []
    for r in rows:
        received_on = r["received_at"].astimezone(tz).date()
        born = r["member_date_of_birth"]
        decided = r["first_decided_at"]
        requests.append(equity.Request(
            line_of_business=r["line_of_business"],
            race_ethnicity=tuple(r["demographics__race_ethnicity"] or ()),
            spoken_language=r["demographics__spoken_language"] or "",
            written_language=r["demographics__written_language"] or "",
            sex=r["demographics__sex"] or "",
            # No date of birth yet, or an impossible one: the "not recorded" group, not a guess.
            age_band=equity.age_band(born, received_on) if born and born <= received_on else "",
            nurse_approved=r["first_outcome"] == Determination.Outcome.APPROVED and r["first_role"] != roles.DIRECTOR,
            sent_to_physician=r["referred"],
            adverse=r["outcome"] == Determination.Outcome.ADVERSE,
            appealed=r["appealed"],
            overturned_on_appeal=r["approved_on_appeal"],
            hours_to_decision=None if decided is None else (decided - r["received_at"]).total_seconds() / 3600,
        ))
    return requests
