"""The request step collects what letters need (where to mail them, what to authorize) and the
request's type, each checked with a message beside its field."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage_app.models import Review
from tests.conftest import COMPLETE_REQUEST

pytestmark = pytest.mark.django_db


@pytest.fixture
def logged_in(client, nurse):
    client.force_login(nurse)
    return client


def test_it_saves_the_mailing_address_the_facility_and_the_request_type(logged_in):
    r = logged_in.post(reverse("review_new"), {**COMPLETE_REQUEST, "member_zip": "60622-1234"})
    assert r.status_code == 302
    review = Review.objects.get()
    assert review.mailing_address == ["12 Elm Street", "Apartment 3", "Chicago, IL 60622-1234"]
    assert (review.units_requested, review.servicing_facility, review.servicing_npi) == (1, "Riverside Cancer Center", "1245319599")
    assert review.request_type == "pre_service"


@pytest.mark.parametrize("field, value, message", [
    ("member_zip", "6062", "Enter a ZIP code of 5 digits, or ZIP+4 such as 60690-0261."),
    ("member_state", "XX", "XX is not a US state or territory: enter its two-letter postal code, e.g. IL."),
    ("member_address_line1", "", "Answer this question."),
    ("units_requested", "0", "Enter a number from 1 to 10."),
    ("units_requested", "11", "Enter a number from 1 to 10."),
    ("servicing_npi", "1245319590", "check digit"),
    ("servicing_facility", "", "Answer this question."),
    ("request_type", "", "Answer this question."),
])
def test_it_explains_each_bad_answer_beside_its_field(logged_in, field, value, message):
    r = logged_in.post(reverse("review_new"), {**COMPLETE_REQUEST, field: value, "member_name": "Keep Me"})
    assert r.status_code == 200
    assert any(message in e for e in r.context["form"].errors[field]), r.context["form"].errors
    assert r.context["form"]["member_name"].value() == "Keep Me"
    assert not Review.objects.exists()


def test_a_post_service_request_is_for_a_service_already_given_and_never_urgent(logged_in):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    data = {**COMPLETE_REQUEST, "request_type": "post_service", "planned_date_of_service": tomorrow.isoformat(),
            "urgency": "urgent"}
    form = logged_in.post(reverse("review_new"), data).context["form"]
    assert "the date of service cannot be after the request was received" in form.errors["planned_date_of_service"][0]
    assert form.errors["urgency"] == ["A post-service request is never urgent: the service was given. Review it as standard."]
    given = timezone.localdate() - dt.timedelta(days=10)
    r = logged_in.post(reverse("review_new"), {**data, "planned_date_of_service": given.isoformat(), "urgency": "standard"})
    assert r.status_code == 302
    review = Review.objects.get()
    # Post-service: 30 calendar days (29 CFR 2560.503-1(f)(2)(iii)(B)).
    assert timezone.localtime(review.due_at) == timezone.localtime(review.received_at) + dt.timedelta(days=30)


def test_the_state_is_its_postal_code_in_capitals(logged_in):
    assert logged_in.post(reverse("review_new"), {**COMPLETE_REQUEST, "member_state": "il"}).status_code == 302
    assert Review.objects.get().member_state == "IL"
