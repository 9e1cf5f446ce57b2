"""Writes. Every change to a review goes through a function here, in one transaction."""

import secrets

from django.db import IntegrityError, transaction
from django.utils import timezone

from coverage_app.lib import deadlines
from coverage_app.models import Review

CASE_NUMBER_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread


def new_case_number(received_at) -> str:
    local = timezone.localtime(received_at)
    suffix = "".join(secrets.choice(CASE_NUMBER_ALPHABET) for _ in range(5))
    return f"UR-{local:%y%m%d}-{suffix}"


def review_create(
    *, received_at, urgency: str, line_of_business: str, case_number: str | None = None, **fields
) -> Review:
    """A new request in the queue, its due time set from the deadline table."""
    due = deadlines.due_at(
        received_at, urgency, line_of_business, timezone.get_default_timezone()
    )
    for _attempt in range(5):
        review = Review(
            case_number=case_number or new_case_number(received_at),
            received_at=received_at,
            urgency=urgency,
            line_of_business=line_of_business,
            due_at=due,
            **fields,
        )
        try:
            with transaction.atomic():
                review.save()
            return review
        except IntegrityError:
            if case_number:  # a given number that is taken is the caller's problem
                raise
    raise IntegrityError("could not find a free case number")

