import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage_app.models import Review


def rows(response):
    return [row["case_number"] for row in response.context["rows"]]


def test_it_lists_open_reviews_soonest_due_first(client, nurse, make_review):
    now = timezone.now()
    later = make_review(case_number="UR-B", received_at=now - dt.timedelta(days=1))  # due in 14 days
    sooner = make_review(case_number="UR-A", urgency="urgent", received_at=now - dt.timedelta(hours=1))
    make_review(case_number="UR-DONE", status=Review.Status.APPROVED)
    client.force_login(nurse)
    r = client.get(reverse("queue"))
    assert rows(r) == ["UR-A", "UR-B"]
    assert sooner.due_at < later.due_at


def test_it_marks_overdue_reviews(client, nurse, make_review):
    make_review(case_number="UR-LATE", urgency="urgent", received_at=timezone.now() - dt.timedelta(hours=80))
    make_review(case_number="UR-OK")
    client.force_login(nurse)
    r = client.get(reverse("queue"))
    assert {row["case_number"]: row["overdue"] for row in r.context["rows"]} == {"UR-LATE": True, "UR-OK": False}
    assert r.content.decode().count(">Overdue<") == 1


def test_it_filters_by_status_and_assigned_to_me(client, nurse, director, make_review):
    make_review(case_number="UR-MINE", assigned_to=nurse, status=Review.Status.IN_REVIEW)
    make_review(case_number="UR-NEW")
    make_review(case_number="UR-PEND", status=Review.Status.PENDING_PHYSICIAN_REVIEW, assigned_to=nurse)
    client.force_login(nurse)
    assert rows(client.get(reverse("queue"), {"mine": "1"})) == ["UR-MINE", "UR-PEND"]
    assert rows(client.get(reverse("queue"), {"status": "received"})) == ["UR-NEW"]
    assert rows(client.get(reverse("queue"), {"status": "pending_physician_review", "mine": "1"})) == ["UR-PEND"]
    # An unknown status falls back to all open reviews rather than failing.
    assert len(rows(client.get(reverse("queue"), {"status": "<script>"}))) == 3


def test_it_searches_by_member_id_or_case_number(client, nurse, make_review):
    make_review(case_number="UR-ONE", member_id="M111")
    make_review(case_number="UR-TWO", member_id="M222")
    client.force_login(nurse)
    assert rows(client.get(reverse("queue"), {"q": " m222 "})) == ["UR-TWO"]
    assert rows(client.get(reverse("queue"), {"q": "ur-one"})) == ["UR-ONE"]
    assert rows(client.get(reverse("queue"), {"q": "nobody"})) == []


def test_it_pages_the_queue_keeping_the_filters(client, nurse, make_review):
    for i in range(30):
        make_review(case_number=f"UR-{i:03d}", member_id="M1")
    client.force_login(nurse)
    r = client.get(reverse("queue"), {"q": "M1"})
    assert len(rows(r)) == 25
    assert "q=M1&amp;page=2" in r.content.decode()
    assert len(rows(client.get(reverse("queue"), {"q": "M1", "page": "2"}))) == 5
    assert len(rows(client.get(reverse("queue"), {"page": "999"}))) == 5  # last page, not an error
    assert len(rows(client.get(reverse("queue"), {"page": "x"}))) == 25


def test_it_makes_the_same_number_of_queries_for_hundreds_of_reviews(
    client, nurse, director, make_review, django_assert_max_num_queries
):
    client.force_login(nurse)
    make_review(assigned_to=nurse)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("queue"))
    reviewers = [nurse, director, None]
    Review.objects.bulk_create(
        Review(
            case_number=f"UR-BULK-{i}", received_at=timezone.now(), due_at=timezone.now() + dt.timedelta(hours=i),
            assigned_to=reviewers[i % 3], member_id=f"M{i}",
        )
        for i in range(300)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(reverse("queue"))
    assert len(rows(r)) == 25


@pytest.mark.parametrize("persona, status", [("nurse", 200), ("director", 200), ("policy_staff", 403)])
def test_it_lets_reviewers_see_the_queue(client, db, request, persona, status):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("queue")).status_code == status


def test_it_sends_each_role_home_to_its_page(client, nurse, policy_staff):
    client.force_login(nurse)
    assert client.get(reverse("home"))["Location"] == reverse("queue")
    client.force_login(policy_staff)
    assert client.get(reverse("home"))["Location"] == reverse("admin:index")


def test_it_indexes_what_the_queue_filters_and_sorts_on():
    indexed = {tuple(i.fields) for i in Review._meta.indexes}
    assert {("due_at", "id"), ("status", "due_at"), ("assigned_to", "due_at"), ("member_id",)} <= indexed
    assert Review._meta.get_field("case_number").unique


def test_it_counts_only_as_far_as_the_page_needs(client, nurse, make_review):
    for i in range(60):
        make_review(case_number=f"UR-C{i:03d}")
    client.force_login(nurse)
    r = client.get(reverse("queue"))
    assert len(rows(r)) == 25
    assert "More than 25 reviews, page 1" in r.content.decode()
    assert r.context["page"].has_next()
    last = client.get(reverse("queue"), {"page": "3"})
    assert len(rows(last)) == 10 and not last.context["page"].has_next()
    assert "60 reviews, page 3 of 3" in last.content.decode()
