"""Finishing a review: a nurse approves what meets the criteria and refers what does not."""

import datetime as dt

import pytest
from django.urls import reverse

from coverage_app import services
from coverage_app.models import Review, ReviewEvent
from tests.conftest import as_posted, complete_answers


def summary_url(review):
    return reverse("review_summary", kwargs={"review_id": review.public_id})


complete = complete_answers


@pytest.fixture
def logged_in(client, nurse):
    client.force_login(nurse)
    return client


def test_it_shows_each_criterion_in_the_policys_words(logged_in, nurse_review):
    complete(nurse_review)
    r = logged_in.get(summary_url(nurse_review))
    html = r.content.decode()
    assert r.context["result"].determination.criteria_met
    assert "Criteria met" in html
    assert "Donor lymphocyte infusion (DLI) is considered medically necessary following an allogeneic" in html
    assert 'name="note_DLI-1"' in html and 'name="overall_note"' in html
    assert ">Approve<" in html
    # Sending it to a physician instead takes a reason (test_it_lets_a_nurse_ask_for_a_physician).
    assert 'name="referral_reason"' in html


def test_it_lists_unanswered_questions_instead_of_a_determination(logged_in, nurse_review):
    r = logged_in.get(summary_url(nurse_review))
    assert r.context["result"] is None
    assert r.context["missing"] == [
        ("had_transplant", "Stem cell transplant (HSCT)", "transplant"),
        ("hematologic_malignancy", "Hematologic malignancy", "indication"),
        ("indication", "Indication", "indication"),
    ]
    assert ">Approve<" not in r.content.decode()


def test_it_approves_when_the_criteria_are_met(logged_in, nurse, nurse_review):
    complete(nurse_review)
    r = logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "approve", "note_DLI-1": "Allo HSCT June 2025", "overall_note": "OK"}))
    assert r["Location"] == reverse("review_detail", kwargs={"review_id": nurse_review.public_id})
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.APPROVED
    assert nurse_review.criterion_notes == {"DLI-1": "Allo HSCT June 2025"}
    assert nurse_review.overall_note == "OK"
    assert nurse_review.submitted_by == nurse and nurse_review.submitted_at is not None
    assert nurse_review.policy_version.effective_date == dt.date(2024, 5, 15)
    assert nurse_review.nurse_determination["outcome"] == "criteria_met"
    assert nurse_review.events.last().action == ReviewEvent.Action.APPROVED


def test_a_nurse_cannot_approve_what_does_not_meet_the_criteria(logged_in, nurse_review):
    complete(nurse_review, transplant_type="autologous", same_donor=None)
    r = logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "approve"}), follow=True)
    assert "a nurse cannot approve" in r.content.decode()
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.IN_REVIEW


def test_it_sends_what_does_not_meet_the_criteria_to_physician_review(logged_in, nurse_review):
    complete(nurse_review, hematologic_malignancy=False)
    r = logged_in.get(summary_url(nurse_review))
    assert "Why not:" in r.content.decode() and ">Approve<" not in r.content.decode()
    logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "refer", "note_DLI-2": "Aplastic anemia", "overall_note": "For MD"}))
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.PENDING_PHYSICIAN_REVIEW
    assert nurse_review.criterion_notes == {"DLI-2": "Aplastic anemia"}
    assert nurse_review.nurse_determination["reasons"]


def test_referring_a_case_that_meets_the_criteria_is_refused(nurse, nurse_review):
    complete(nurse_review)
    with pytest.raises(services.ReviewStateError):
        services.review_finish(action="refer", review=nurse_review, user=nurse, criterion_notes={}, overall_note="",
                                           expected_revision=nurse_review.revision)


def test_a_nurse_has_no_way_to_deny(logged_in, nurse_review):
    complete(nurse_review, indication="other", indication_detail="Maintenance")
    logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "deny"}))
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.IN_REVIEW  # an unknown action only saves notes
    assert not Review.objects.filter(status=Review.Status.ADVERSE_DETERMINATION).exists()


def test_it_saves_notes_without_finishing(logged_in, nurse_review):
    complete(nurse_review)
    logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "save", "note_DLI-3": "<b>relapse</b>", "overall_note": ""}))
    nurse_review.refresh_from_db()
    assert nurse_review.criterion_notes == {"DLI-3": "<b>relapse</b>"}
    assert nurse_review.status == Review.Status.IN_REVIEW
    html = logged_in.get(summary_url(nurse_review)).content.decode()
    assert "&lt;b&gt;relapse&lt;/b&gt;" in html


def test_a_finished_review_cannot_be_edited(logged_in, nurse, nurse_review):
    complete(nurse_review)
    logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "approve"}))
    step = reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "request"})
    r = logged_in.post(step, as_posted(nurse_review, {"member_name": "Changed", "action": "continue"}))
    assert r["Location"] == reverse("review_detail", kwargs={"review_id": nurse_review.public_id})
    assert logged_in.get(summary_url(nurse_review)).status_code == 302
    nurse_review.refresh_from_db()
    with pytest.raises(services.ReviewStateError, match="can no longer be changed"):
        services.review_save_answers(review=nurse_review, user=nurse, answers={"member_name": "Changed"},
                                     expected_revision=nurse_review.revision)
    nurse_review.refresh_from_db()
    assert nurse_review.member_name == "Jordan Blake"


def test_the_review_page_shows_the_trace_and_history(logged_in, nurse_review):
    complete(nurse_review, hematologic_malignancy=False)
    logged_in.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "refer", "overall_note": "For MD"}))
    r = logged_in.get(reverse("review_detail", kwargs={"review_id": nurse_review.public_id}))
    html = r.content.decode()
    assert "Criteria not met" in html and "DLI-2: Not met" in html
    assert "Sent to physician review by Nina Reyes" in html
    assert "For MD" in html
