"""Versions of the policy and of the letter wording: which is in effect, which may still be edited,
and the services that copy them and record the annual review (the admin site calls these).

A version takes effect on its date. Once that date has come, or once any review or determination
used it, it can no longer be edited, only superseded by a new version copied from it.
"""

import datetime as dt

from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from coverage_app.models import (
    CoveragePolicy,
    Criterion,
    Determination,
    LetterWording,
    PolicyRevision,
    PolicyVersion,
)

SCHEDULED, IN_EFFECT, SUPERSEDED = "scheduled", "in effect", "superseded"


def in_effect_date_subquery(model, same: str, today: dt.date):
    """The effective date of the `model` row in effect `today` that shares the outer row's `same`
    (a policy version's policy, a letter wording's kind)."""
    return Subquery(
        model.objects.filter(**{same: OuterRef(same)}, effective_date__lte=today)
        .order_by()
        .values(same)
        .annotate(current=Max("effective_date"))
        .values("current")[:1]
    )


def version_status(effective_date: dt.date, current_date: dt.date | None, today: dt.date) -> str:
    if effective_date > today:
        return SCHEDULED
    return IN_EFFECT if effective_date == current_date else SUPERSEDED


def version_locked_reason(version: PolicyVersion) -> str | None:
    """Why a version can no longer be edited, or None while it can."""
    if version.pk is None:
        return None
    if version.effective_date <= timezone.localdate():
        return "it has taken effect"
    if version.reviews.exists():
        return "a review was judged against it"
    if Determination.objects.filter(policy_version=version).exists():
        return "a determination used it"
    return None


def wording_locked_reason(wording: LetterWording) -> str | None:
    if wording.pk is not None and wording.effective_date <= timezone.localdate():
        return "it has taken effect, and letters may have been printed with it"
    return None


def day_after_all(dates) -> dt.date:
    """The first day after today and after every date given: where a new draft version goes."""
    return max([timezone.localdate(), *dates]) + dt.timedelta(days=1)


@transaction.atomic
def policy_version_copy(version: PolicyVersion) -> PolicyVersion:
    """A new, editable version with the same words and criteria, effective on the first free day
    after today and after every existing version (policy staff then set the date they want)."""
    taken = PolicyVersion.objects.filter(policy=version.policy).values_list("effective_date", flat=True)
    new = PolicyVersion.objects.create(
        policy=version.policy,
        effective_date=day_after_all(taken),
        coverage_statements=list(version.coverage_statements),
        background=version.background,
    )
    # One by one rather than bulk_create, so each gets its row in the history.
    for c in version.criteria.order_by("position"):
        Criterion.objects.create(
            version=new,
            code=c.code,
            service=c.service,
            statement=c.statement,
            policy_words=c.policy_words,
            position=c.position,
        )
    return new


@transaction.atomic
def letter_wording_copy(wording: LetterWording) -> LetterWording:
    taken = LetterWording.objects.filter(kind=wording.kind).values_list("effective_date", flat=True)
    return LetterWording.objects.create(kind=wording.kind, effective_date=day_after_all(taken), text=wording.text)


@transaction.atomic
def policy_mark_reviewed(policy: CoveragePolicy, summary: str) -> PolicyRevision:
    """Record the annual review in the revision history and set the next review a year on."""
    today = timezone.localdate()
    revision = PolicyRevision.objects.create(
        policy=policy, revision_type="Annual Review", summary=summary.strip(), date=today
    )
    try:
        policy.next_review_date = today.replace(year=today.year + 1)
    except ValueError:  # February 29
        policy.next_review_date = today.replace(year=today.year + 1, day=28)
    policy.save(update_fields=["next_review_date"])
    return revision


def overdue_policies():
    return CoveragePolicy.objects.filter(next_review_date__lt=timezone.localdate()).order_by("number")
