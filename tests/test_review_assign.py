import pytest
from django.urls import reverse

from coverage_app import services
from coverage_app.models import Review, ReviewEvent


def assign_url(review):
    return reverse("review_assign", kwargs={"review_id": review.public_id})


def test_a_nurse_takes_an_unassigned_review(client, nurse, make_review):
    review = make_review()
    client.force_login(nurse)
    r = client.post(assign_url(review))
    assert r["Location"] == reverse("review_step", kwargs={"review_id": review.public_id, "step": "request"})
    review.refresh_from_db()
    assert (review.assigned_to, review.status) == (nurse, Review.Status.IN_REVIEW)
    assert review.events.get().action == ReviewEvent.Action.ASSIGNED


def test_it_refuses_to_take_a_review_someone_else_holds(client, nurse, make_review, django_user_model):
    other = django_user_model.objects.create_user("other", first_name="Olga", last_name="Ng")
    review = make_review(assigned_to=other, status="in_review")
    client.force_login(nurse)
    r = client.post(assign_url(review), follow=True)
    assert "already taken by" in r.content.decode()
    review.refresh_from_db()
    assert review.assigned_to == other


def test_assigning_needs_a_post(client, nurse, make_review):
    client.force_login(nurse)
    assert client.get(assign_url(make_review())).status_code == 405


@pytest.mark.parametrize("persona", ["director", "policy_staff"])
def test_only_nurses_take_reviews(client, db, request, persona, make_review):
    review = make_review()
    client.force_login(request.getfixturevalue(persona))
    assert client.post(assign_url(review)).status_code == 403
    review.refresh_from_db()
    assert review.assigned_to is None


def test_the_detail_page_offers_assign_to_me_for_unassigned_reviews(client, nurse, make_review):
    review = make_review()
    client.force_login(nurse)
    html = client.get(reverse("review_detail", kwargs={"review_id": review.public_id})).content.decode()
    assert "Assign to me" in html


def test_the_service_refuses_a_non_nurse(director, make_review):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.review_assign(review=make_review(), user=director)
