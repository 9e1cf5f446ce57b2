"""Leaving a step by a step button or "Save and return to queue" keeps what was typed, as a draft;
the step bar marks the steps whose questions are all answered."""

import datetime as dt

from django.urls import reverse

from coverage_app.lib import questions
from coverage_app.models import Review
from tests.conftest import COMPLETE_REQUEST, as_posted, complete_answers


def step_url(review, step):
    return reverse("review_step", kwargs={"review_id": review.public_id, "step": step})


def test_it_saves_a_half_answered_step_when_the_nurse_goes_to_another_step(client, nurse, nurse_review):
    client.force_login(nurse)
    r = client.post(step_url(nurse_review, "transplant"), as_posted(nurse_review, {"had_transplant": "True", "goto": "request"}))
    assert r["Location"] == step_url(nurse_review, "request")
    nurse_review.refresh_from_db()
    assert nurse_review.had_transplant is True and nurse_review.transplant_type == ""


def test_it_saves_a_draft_and_returns_to_the_queue(client, nurse, nurse_review):
    client.force_login(nurse)
    data = {"had_transplant": "True", "transplant_type": "allogeneic", "action": "queue"}
    r = client.post(step_url(nurse_review, "transplant"), as_posted(nurse_review, data), follow=True)
    assert r.redirect_chain == [(reverse("queue"), 302)]
    assert f"Review {nurse_review.case_number} saved as a draft." in r.content.decode()
    nurse_review.refresh_from_db()
    assert (nurse_review.had_transplant, nurse_review.transplant_type) == (True, "allogeneic")


def test_it_keeps_the_nurse_on_the_step_when_a_draft_answer_is_invalid(client, nurse, nurse_review):
    client.force_login(nurse)
    data = {"had_transplant": "True", "transplant_date": "0001-01-01", "goto": "request"}
    r = client.post(step_url(nurse_review, "transplant"), as_posted(nurse_review, data))
    assert r.status_code == 200
    assert 'data-warn-unsaved="unsaved"' in r.content.decode()  # leaving now would lose it: warn
    assert r.context["form"].errors["transplant_date"] == ["Check the year: 0001 is not plausible."]
    nurse_review.refresh_from_db()
    assert nurse_review.had_transplant is None


def test_it_ignores_a_step_that_does_not_exist(client, nurse, nurse_review):
    client.force_login(nurse)
    data = {**COMPLETE_REQUEST, "goto": "../admin", "action": "continue"}
    r = client.post(step_url(nurse_review, "request"), as_posted(nurse_review, data))
    assert r["Location"] == step_url(nurse_review, "transplant")


def test_it_creates_a_new_request_and_returns_to_the_queue(client, nurse):
    client.force_login(nurse)
    r = client.post(reverse("review_new"), {**COMPLETE_REQUEST, "action": "queue"})
    assert r["Location"] == reverse("queue")
    assert Review.objects.get().member_id == COMPLETE_REQUEST["member_id"]


def test_it_saves_the_summary_notes_and_returns_to_the_queue(client, nurse, nurse_review):
    complete_answers(nurse_review)
    client.force_login(nurse)
    url = reverse("review_summary", kwargs={"review_id": nurse_review.public_id})
    r = client.post(url, as_posted(nurse_review, {"note_DLI-2": "Relapse on biopsy.", "overall_note": "", "action": "queue"}))
    assert r["Location"] == reverse("queue")
    nurse_review.refresh_from_db()
    assert nurse_review.criterion_notes == {"DLI-2": "Relapse on biopsy."}


def test_the_step_bar_marks_complete_steps(client, nurse, nurse_review):
    client.force_login(nurse)
    html = client.get(step_url(nurse_review, "transplant")).content.decode()
    assert html.count("(complete)") == 1  # the request step
    complete_answers(nurse_review)
    html = client.get(step_url(nurse_review, "transplant")).content.decode()
    assert html.count("(complete)") == 3


def test_a_step_is_complete_only_when_the_steps_before_it_are():
    request = {q: "x" for q in questions.STEPS[0].fields}
    assert questions.complete_steps({}) == frozenset()
    # The indication answered but not the transplant: only the request counts as complete.
    answers = {**request, "service": "dli", "line_of_business": "commercial", "urgency": "standard",
               "request_type": "pre_service", "hematologic_malignancy": True, "indication": "relapsed"}
    assert questions.complete_steps(answers) == {"request"}
    answers |= {"had_transplant": True, "transplant_type": "allogeneic", "transplant_date": dt.date(2025, 6, 1), "same_donor": True}
    assert questions.complete_steps(answers) == {"request", "transplant", "indication"}
