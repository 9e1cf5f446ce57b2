"""Nothing is overwritten silently, and nothing is left half-written."""

import pytest
from django.test import Client
from django.urls import reverse

from coverage_app import services
from coverage_app.models import Determination, Letter, Review, ReviewEvent
from tests.conftest import COMPLETE_REQUEST, complete_answers


def step_url(review, step="request"):
    return reverse("review_step", kwargs={"review_id": review.public_id, "step": step})


def test_a_second_tab_gets_a_conflict_and_keeps_what_was_typed(client, nurse, nurse_review):
    client.force_login(nurse)
    first_tab = client.get(step_url(nurse_review)).context["revision"]
    second_tab = first_tab  # both tabs opened the same version of the review

    client.post(step_url(nurse_review), {**COMPLETE_REQUEST, "member_name": "From tab one", "revision": first_tab, "action": "continue"})
    r = client.post(step_url(nurse_review), {**COMPLETE_REQUEST, "member_name": "From tab two", "revision": second_tab, "action": "continue"})

    assert r.status_code == 200
    html = r.content.decode()
    assert "was changed by Nina Reyes" in html and "Nothing you entered here was saved" in html
    assert 'value="From tab two"' in html  # what the second tab typed is still on the page
    nurse_review.refresh_from_db()
    assert nurse_review.member_name == "From tab one"  # not overwritten silently

    # Saving again, having seen the conflict, is a deliberate choice and goes through.
    again = client.post(step_url(nurse_review), {**COMPLETE_REQUEST, "member_name": "From tab two",
                                                 "revision": r.context["revision"], "action": "continue"})
    assert again.status_code == 302
    nurse_review.refresh_from_db()
    assert nurse_review.member_name == "From tab two"


def test_stale_notes_on_the_summary_get_a_conflict(client, nurse, nurse_review):
    complete_answers(nurse_review)
    client.force_login(nurse)
    summary = reverse("review_summary", kwargs={"review_id": nurse_review.public_id})
    stale = client.get(summary).context["revision"]
    services.review_save_notes(review=nurse_review, user=nurse, criterion_notes={}, overall_note="Tab one",
                               expected_revision=stale)
    r = client.post(summary, {"action": "approve", "overall_note": "Tab two", "revision": stale})
    assert "Nothing you entered here was saved" in r.content.decode()
    nurse_review.refresh_from_db()
    assert (nurse_review.status, nurse_review.overall_note) == (Review.Status.IN_REVIEW, "Tab one")


def test_a_letter_that_fails_to_render_leaves_nothing_half_written(monkeypatch, referred, director_with_credentials):
    written = []

    def render_fails(determination, review, superseded=None):
        # The determination row is already written at this point, inside the transaction.
        written.append(Determination.objects.filter(pk=determination.pk).exists())
        raise OSError("disk full while rendering the letter")

    monkeypatch.setattr(services, "render_letter", render_fails)
    events_before = ReviewEvent.objects.count()
    with pytest.raises(OSError):
        services.director_decide(review=referred, user=director_with_credentials, decision="uphold",
                                 peer_to_peer="offered", rationale="Autologous graft.")
    assert written == [True]
    referred.refresh_from_db()
    assert referred.status == Review.Status.PENDING_PHYSICIAN_REVIEW
    assert Determination.objects.count() == Letter.objects.count() == 0
    assert ReviewEvent.objects.count() == events_before


def test_a_failed_letter_in_the_browser_shows_the_error_page_and_keeps_the_case(monkeypatch, referred, director_with_credentials):
    def render_fails(*args, **kwargs):
        raise OSError("no fonts")

    monkeypatch.setattr(services, "render_letter", render_fails)
    client = Client(raise_request_exception=False)
    client.force_login(director_with_credentials)
    r = client.post(reverse("review_decide", kwargs={"review_id": referred.public_id}),
                    {"decision": "uphold", "peer_to_peer": "offered", "rationale": "x"})
    assert r.status_code == 500
    assert "nothing was saved" in r.content.decode()
    referred.refresh_from_db()
    assert referred.status == Review.Status.PENDING_PHYSICIAN_REVIEW
