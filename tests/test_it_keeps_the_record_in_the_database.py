"""PostgreSQL itself keeps the record (migration 0015), whatever code or person writes to it: a
finished review keeps its answers and is never deleted, its status only follows its determination
in force; events and the access log are only added to; the policy keeps its number; none of the
record's tables can be truncated."""

import pytest
from django.db import DatabaseError, connection, transaction

from coverage_app import services
from coverage_app.models import (
    AccessLog,
    CoveragePolicy,
    Determination,
    Letter,
    Review,
    ReviewEvent,
)

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


def refused(attempt, match="cannot be changed"):
    with pytest.raises(DatabaseError, match=match), transaction.atomic():
        attempt()


def test_it_refuses_to_change_the_answers_or_status_of_a_finished_review(approved):
    review = Review.objects.filter(pk=approved.review_id)
    refused(lambda: review.update(indication="other"))
    refused(lambda: review.update(member_id="M99999999"))
    refused(lambda: review.update(assigned_to=None))
    refused(lambda: review.update(status=Review.Status.PENDING_PHYSICIAN_REVIEW))
    refused(lambda: review.update(status=Review.Status.ADVERSE_DETERMINATION))  # no such determination
    assert review.get().status == Review.Status.APPROVED


def test_it_refuses_to_delete_a_finished_review(upheld):
    refused(lambda: Review.objects.filter(pk=upheld.review_id)._raw_delete("default"), "cannot be deleted")
    assert Review.objects.filter(pk=upheld.review_id).exists()


def test_a_correction_still_moves_the_status_with_its_new_determination(director_with_credentials, upheld):
    services.determination_correct(
        determination=upheld, user=director_with_credentials, outcome="approved",
        reason="Records show an allogeneic graft.", rationale="DLI-1 is met on the corrected records.",
    )
    assert Review.objects.get(pk=upheld.review_id).status == Review.Status.APPROVED


def test_an_open_review_is_still_saved_as_usual(nurse, nurse_review):
    Review.objects.filter(pk=nurse_review.pk).update(member_name="Changed", status=Review.Status.RECEIVED)
    assert Review.objects.get(pk=nurse_review.pk).member_name == "Changed"


def test_events_and_the_access_log_are_only_added_to(nurse, upheld):
    services.access_record(user=nurse, review=upheld.review, kind="review", path="/x")
    for model in (ReviewEvent, AccessLog):
        rows = model.objects.filter(review=upheld.review_id)
        assert rows.exists()
        refused(lambda rows=rows: rows.update(actor=nurse) if model is ReviewEvent else rows.update(user=nurse),
                "never changed or deleted")
        refused(lambda rows=rows: rows._raw_delete("default"), "never changed or deleted")


def test_a_policy_keeps_its_number(db):
    refused(lambda: CoveragePolicy.objects.filter(number="0261").update(number="0262"), "number cannot be changed")
    CoveragePolicy.objects.filter(number="0261").update(title="A new title")  # its other fields may change


@pytest.mark.parametrize("model", [Review, Determination, Letter, ReviewEvent, AccessLog])
def test_it_refuses_to_truncate_the_record(nurse, upheld, model):
    services.access_record(user=nurse, review=upheld.review, kind="review", path="/x")
    table = model._meta.db_table

    def truncate():
        with connection.cursor() as cursor:
            # Only the test database allows TRUNCATE (tests/conftest.py); as any other database:
            cursor.execute("SET LOCAL coverage_app.allow_truncate = 'off'")
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # the test's own inserts, checked now
            cursor.execute(f"TRUNCATE {table} CASCADE")

    refused(truncate, "cannot be truncated")
    assert model.objects.exists()
