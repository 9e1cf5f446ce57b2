"""The edit-conflict check cannot be skipped: a page's POST that carries no valid revision is
refused with the conflict message, and what was typed stays on the page."""

import pytest
from django.urls import reverse

from coverage_app import services
from coverage_app.models import Review
from tests.conftest import COMPLETE_REQUEST, complete_answers

MISSING = [{}, {"revision": ""}, {"revision": "abc"}, {"revision": "-1"}, {"revision": "99999999999"}]


@pytest.mark.parametrize("revision", MISSING)
def test_it_refuses_a_step_saved_without_a_valid_revision(client, nurse, nurse_review, revision):
    client.force_login(nurse)
    url = reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "request"})
    r = client.post(url, {**COMPLETE_REQUEST, "member_name": "Typed by hand", "action": "continue", **revision})
    assert r.status_code == 200
    html = r.content.decode()
    assert "Nothing you entered here was saved" in html
    assert 'value="Typed by hand"' in html
    nurse_review.refresh_from_db()
    assert nurse_review.member_name == "Jordan Blake"


@pytest.mark.parametrize("revision", MISSING)
def test_it_refuses_an_approval_posted_without_a_valid_revision(client, nurse, nurse_review, revision):
    complete_answers(nurse_review)
    client.force_login(nurse)
    r = client.post(reverse("review_summary", kwargs={"review_id": nurse_review.public_id}),
                    {"action": "approve", "overall_note": "Typed note", **revision})
    assert "Nothing you entered here was saved" in r.content.decode()
    assert "Typed note" in r.content.decode()
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.IN_REVIEW and not nurse_review.determinations.exists()


def test_the_services_refuse_a_missing_revision_too(nurse, nurse_review):
    complete_answers(nurse_review)
    with pytest.raises(services.EditConflict):
        services.review_save_answers(review=nurse_review, user=nurse, answers={"member_name": "X"},
                                     expected_revision=None)
    with pytest.raises(services.EditConflict):
        services.review_finish(action="approve", review=nurse_review, user=nurse, criterion_notes={}, overall_note="",
                                expected_revision=None)
