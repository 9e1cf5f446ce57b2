"""The open queue's first page reads only open reviews, however many finished ones are due before them."""

import datetime as dt

import pytest
from django.db import connection
from django.utils import timezone

from coverage_app import selectors
from coverage_app.models import OPEN, Review


def bulk(n: int, status: str, due_from: dt.datetime, prefix: str, **fields) -> None:
    Review.objects.bulk_create(
        Review(case_number=f"{prefix}-{i:05d}", status=status, received_at=due_from,
               due_at=due_from + dt.timedelta(minutes=i), **fields)
        for i in range(n)
    )


def test_open_means_every_status_but_the_finished_ones(db):
    now = timezone.now()
    for n, status in enumerate(Review.Status.values):
        bulk(1, status, now, f"S{n}")
    open_statuses = set(Review.objects.filter(OPEN).values_list("status", flat=True))
    assert open_statuses == set(Review.Status.values) - set(Review.FINISHED_STATUSES)


def rows_read(queryset) -> int:
    """Rows PostgreSQL's plan read for the queue's id scan: those returned plus those filtered out."""
    sql, params = queryset.values("pk")[:26].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN (ANALYZE, FORMAT JSON) " + sql, params)
        plan = cursor.fetchone()[0]
    plan = plan[0]["Plan"] if isinstance(plan, list) else plan

    def walk(node):
        here = node.get("Actual Rows", 0) + node.get("Rows Removed by Filter", 0) if "Scan" in node["Node Type"] else 0
        return here + sum(walk(child) for child in node.get("Plans", []))

    return walk(plan)


@pytest.mark.skipif(connection.vendor != "postgresql", reason="reads PostgreSQL's query plans")
def test_the_open_queue_skips_finished_reviews_in_the_index(nurse):
    long_ago = timezone.now() - dt.timedelta(days=400)
    bulk(3000, Review.Status.APPROVED, long_ago, "OLD", assigned_to=nurse)
    bulk(40, Review.Status.IN_REVIEW, timezone.now(), "NEW", assigned_to=nurse)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE coverage_app_review")
    assert rows_read(selectors.review_queue()) < 100
    assert rows_read(selectors.review_queue(assigned_to=nurse)) < 100
    assert rows_read(selectors.review_queue(status=selectors.QUEUE_ALL)) < 100  # sanity: the plain order
