"""Dates that cannot be right get a message beside the field: a transplant before the member was
born, a service planned before the request was received (these are pre-service requests), or a
year such as 0001 or 9999."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage_app.lib.usdates import long_date
from coverage_app.models import Review
from tests.conftest import COMPLETE_REQUEST, as_posted


def post_step(client, review, step, data):
    url = reverse("review_step", kwargs={"review_id": review.public_id, "step": step})
    return client.post(url, as_posted(review, {**data, "action": "continue"}))


@pytest.fixture
def logged_in(client, nurse):
    client.force_login(nurse)
    return client


TRANSPLANT = {"had_transplant": "True", "transplant_type": "allogeneic", "same_donor": "True"}


def test_it_refuses_a_transplant_before_the_member_was_born(logged_in, nurse_review):
    r = post_step(logged_in, nurse_review, "transplant", {**TRANSPLANT, "transplant_date": "1969-12-31"})
    assert r.context["form"].errors["transplant_date"] == [
        "The transplant date cannot be before the member's date of birth (April 2, 1970)."]
    assert Review.objects.get(pk=nurse_review.pk).transplant_date is None


def test_it_refuses_a_birth_date_after_the_saved_transplant(logged_in, nurse_review):
    Review.objects.filter(pk=nurse_review.pk).update(had_transplant=True, transplant_date=dt.date(2025, 6, 1))
    r = post_step(logged_in, nurse_review, "request", {**COMPLETE_REQUEST, "member_date_of_birth": "2025-07-01"})
    assert r.context["form"].errors["member_date_of_birth"] == [
        "The date of birth cannot be after the transplant (June 1, 2025)."]


def test_it_refuses_a_service_planned_before_the_request_was_received(logged_in, nurse_review):
    received = timezone.localdate(nurse_review.received_at)
    yesterday = received - dt.timedelta(days=1)
    r = post_step(logged_in, nurse_review, "request", {**COMPLETE_REQUEST, "planned_date_of_service": yesterday.isoformat()})
    assert r.context["form"].errors["planned_date_of_service"] == [
        "A prior-authorization request is for a service not yet given: the planned date of service "
        f"cannot be before the request was received ({long_date(received)})."]
    html = r.content.decode()
    assert 'value="Jordan Blake"' in html  # what was typed stays


def test_a_new_request_is_received_today(logged_in):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    r = logged_in.post(reverse("review_new"), {**COMPLETE_REQUEST, "planned_date_of_service": yesterday.isoformat()})
    assert "cannot be before the request was received" in r.context["form"].errors["planned_date_of_service"][0]
    assert not Review.objects.exists()


@pytest.mark.parametrize("step, field, value, message", [
    ("request", "planned_date_of_service", "9999-12-31", "Check the year: December 31, 9999 is more than a year after the request was received."),
    ("request", "member_date_of_birth", "0001-01-01", "A date of birth before"),
    ("transplant", "transplant_date", "0001-01-01", "Check the year: 0001 is not plausible."),
    ("indication", "chimerism_study_date", "0001-01-01", "Check the year: 0001 is not plausible."),
])
def test_it_refuses_a_year_that_cannot_be_right(logged_in, nurse_review, step, field, value, message):
    Review.objects.filter(pk=nurse_review.pk).update(
        service="hpc_boost", had_transplant=True, transplant_type="allogeneic", same_donor=True,
        member_date_of_birth=None,
    )
    data = {
        "request": COMPLETE_REQUEST,
        "transplant": TRANSPLANT,
        "indication": {"indication": "enhance_chimerism", "donor_chimerism_percent": "85", "chimerism_specimen": "bone_marrow"},
    }[step]
    r = post_step(logged_in, nurse_review, step, {**data, field: value})
    assert r.status_code == 200
    assert any(message in e for e in r.context["form"].errors[field]), r.context["form"].errors
