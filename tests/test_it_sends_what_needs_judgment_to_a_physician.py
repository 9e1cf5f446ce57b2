"""The policy asks medical directors for clinical judgment. A nurse may send a request that meets
the criteria to a physician, saying why; and what the rules say needs a physician (cells from
another donor, 0% donor cells on a boost to enhance chimerism) a nurse cannot approve."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from coverage_app import services
from coverage_app.models import Review
from tests.conftest import as_posted, complete_answers

OTHER_DONOR = "this request says the cells will come from a different donor"


def summary_url(review):
    return reverse("review_summary", kwargs={"review_id": review.public_id})


@pytest.fixture
def logged_in(client, nurse):
    client.force_login(nurse)
    return client


def test_a_nurse_sends_a_request_that_meets_the_criteria_with_her_reason(logged_in, director_with_credentials, nurse_review):
    complete_answers(nurse_review)
    r = logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {
        "action": "refer", "referral_reason": "The records mention a second donor search."}))
    assert r.status_code == 302
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.PENDING_PHYSICIAN_REVIEW
    assert nurse_review.referral_reason == "The records mention a second donor search."
    logged_in.force_login(director_with_credentials)
    html = logged_in.get(reverse("review_decide", kwargs={"review_id": nurse_review.public_id})).content.decode()
    assert "Why a physician is reviewing this request" in html
    assert "The records mention a second donor search." in html


def test_without_a_reason_it_stays_with_the_nurse(logged_in, nurse_review):
    complete_answers(nurse_review)
    r = logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "refer", "overall_note": "Kept"}))
    assert r.status_code == 200
    assert "say what needs a physician's judgment" in r.context["form"].errors["referral_reason"][0]
    assert "Kept" in r.content.decode()
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.IN_REVIEW


@pytest.mark.parametrize("answers, why", [
    ({"same_donor": False}, OTHER_DONOR),
    ({"service": "hpc_boost", "indication": "enhance_chimerism", "hematologic_malignancy": None,
      "donor_chimerism_percent": Decimal("0.0"), "chimerism_study_date": dt.date(2025, 10, 1),
      "chimerism_specimen": "bone_marrow"}, "graft rejection"),
])
def test_what_needs_a_physician_cannot_be_approved_by_a_nurse(logged_in, director_with_credentials, nurse_review, answers, why):
    complete_answers(nurse_review, **answers)
    page = logged_in.get(summary_url(nurse_review))
    html = page.content.decode()
    assert page.context["result"].determination.criteria_met
    assert "A physician must review this request" in html and why in html
    assert ">Approve<" not in html
    assert "Anything else the physician should know" in html  # her own reason is optional here

    r = logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "approve"}))
    assert why in r.content.decode()
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.IN_REVIEW and not nurse_review.determinations.exists()
    with pytest.raises(services.ReviewStateError, match="A nurse cannot approve this request"):
        services.review_finish(action="approve", review=nurse_review, user=nurse_review.assigned_to, criterion_notes={},
                                overall_note="", expected_revision=nurse_review.revision)

    # Sent on without a reason of her own: the rules gave one, and the physician sees it.
    assert logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "refer"})).status_code == 302
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.PENDING_PHYSICIAN_REVIEW
    logged_in.force_login(director_with_credentials)
    html = logged_in.get(reverse("review_decide", kwargs={"review_id": nurse_review.public_id})).content.decode()
    assert "Why a physician is reviewing this request" in html and why in html
