"""CappedPaginator: the right rows on every page, in two queries, without counting every review."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage_app import selectors
from coverage_app.models import Review
from coverage_app.paging import CappedPaginator


@pytest.fixture
def reviews(db):
    """Review n (0..N-1) is due n hours from now, so the queue lists them in order of n."""

    def make(n: int):
        now = timezone.now()
        Review.objects.bulk_create(
            Review(case_number=f"UR-{i:04d}", received_at=now, due_at=now + dt.timedelta(hours=i))
            for i in range(n)
        )
        return selectors.review_queue(status=selectors.QUEUE_ALL)

    return make


def page_of(queryset, requested, per_page=10):
    paginator = CappedPaginator(queryset, per_page, requested, values=("case_number",))
    page = paginator.get_page()
    return page, [row["case_number"] for row in page.object_list]


@pytest.mark.parametrize(
    "total, requested, number, first, size, has_next, capped",
    [
        (0, "1", 1, None, 0, False, False),
        (7, "1", 1, 0, 7, False, False),
        (10, "1", 1, 0, 10, False, False),
        (11, "1", 1, 0, 10, True, True),  # only "more than 10" is known
        (20, "2", 2, 10, 10, False, False),
        (45, "3", 3, 20, 10, True, True),
        (45, "4", 4, 30, 10, True, True),
        (45, "5", 5, 40, 5, False, False),
        (45, "9", 5, 40, 5, False, False),  # past the end: the last page, as Django's get_page does
        (45, "99999999999999999999", 5, 40, 5, False, False),  # beyond PostgreSQL's bigint
        (45, "x", 1, 0, 10, True, True),
        (45, "-2", 1, 0, 10, True, True),
    ],
)
def test_it_gives_each_page_its_rows(reviews, total, requested, number, first, size, has_next, capped):
    page, rows = page_of(reviews(total), requested)
    assert page.number == number
    assert rows == [f"UR-{i:04d}" for i in range(first, first + size)] if size else rows == []
    assert page.has_next() == has_next
    assert page.paginator.is_capped == capped


def test_it_counts_exactly_on_the_last_page(reviews):
    page, _rows = page_of(reviews(45), "5")
    assert page.paginator.count == 45
    assert page.paginator.num_pages == 5


def test_it_reads_a_deep_page_in_one_query(reviews, django_assert_num_queries):
    queryset = reviews(130)
    with django_assert_num_queries(1):
        page, rows = page_of(queryset, "11")
    assert rows == [f"UR-{i:04d}" for i in range(100, 110)]
    assert page.has_next() and page.paginator.is_capped


def test_it_gives_objects_without_values(reviews):
    paginator = CappedPaginator(reviews(12), 10, "2")
    page = paginator.get_page()
    assert [r.case_number for r in page.object_list] == ["UR-0010", "UR-0011"]


@pytest.mark.parametrize(
    "requested, number, first",
    [
        ("99999999999999999999", 2, "UR-0025"),  # past PostgreSQL's bigint as an OFFSET: the last page
        ("1" * 30, 2, "UR-0025"),
        ("-99999999999999999999", 1, "UR-0000"),  # not a page: the first
    ],
)
def test_any_page_number_answers_with_a_page(client, nurse, reviews, requested, number, first):
    reviews(30)
    client.force_login(nurse)
    r = client.get(reverse("queue"), {"status": selectors.QUEUE_ALL, "page": requested})
    assert r.status_code == 200
    assert r.context["page"].number == number
    assert r.context["page"].object_list[0]["case_number"] == first
