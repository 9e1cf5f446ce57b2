"""The medical director's queue and decision; a nurse can never issue an adverse determination."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage_app import services
from coverage_app.models import Determination, Review, ReviewEvent


def decide_url(review):
    return reverse("review_decide", kwargs={"review_id": review.public_id})


UPHOLD = {"decision": "uphold", "peer_to_peer": "offered", "rationale": "Autologous graft: no donor cells."}


def test_the_physician_queue_lists_pending_reviews_by_due_time(client, director, make_review):
    now = timezone.now()
    make_review(case_number="UR-LATER", status=Review.Status.PENDING_PHYSICIAN_REVIEW, received_at=now)
    make_review(case_number="UR-SOON", status=Review.Status.PENDING_PHYSICIAN_REVIEW, urgency="urgent", received_at=now)
    make_review(case_number="UR-OPEN", status=Review.Status.IN_REVIEW)
    client.force_login(director)
    r = client.get(reverse("physician_queue"))
    assert [rv.case_number for rv in r.context["page"].object_list] == ["UR-SOON", "UR-LATER"]


def test_the_physician_queue_makes_a_fixed_number_of_queries(client, director, nurse, make_review, django_assert_max_num_queries):
    client.force_login(director)
    make_review(status=Review.Status.PENDING_PHYSICIAN_REVIEW, submitted_by=nurse)
    with django_assert_max_num_queries(10) as few:
        client.get(reverse("physician_queue"))
    now = timezone.now()
    Review.objects.bulk_create(
        Review(case_number=f"UR-P{i}", status=Review.Status.PENDING_PHYSICIAN_REVIEW, received_at=now,
               due_at=now + dt.timedelta(hours=i), submitted_by=nurse, submitted_at=now)
        for i in range(200)
    )
    with django_assert_max_num_queries(len(few.captured_queries)):
        r = client.get(reverse("physician_queue"))
    assert len(r.context["page"].object_list) == 25


@pytest.mark.parametrize("persona", ["nurse", "policy_staff"])
def test_only_directors_see_the_physician_queue(client, request, db, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("physician_queue")).status_code == 403


def test_the_director_sees_the_whole_review(client, director_with_credentials, referred):
    client.force_login(director_with_credentials)
    html = client.get(decide_url(referred)).content.decode()
    assert "Jordan Blake" in html and "C92.02 Acute myeloblastic leukemia, in relapse" in html
    assert "DLI-1: Not met" in html
    assert "Autologous in 2025" in html and "For MD" in html  # the nurse's notes
    assert "Peer-to-peer conversation" in html


def test_upholding_issues_an_adverse_determination_with_its_letter(client, director_with_credentials, referred):
    client.force_login(director_with_credentials)
    r = client.post(decide_url(referred), UPHOLD)
    assert r["Location"] == reverse("review_detail", kwargs={"review_id": referred.public_id})
    referred.refresh_from_db()
    assert referred.status == Review.Status.ADVERSE_DETERMINATION
    d = referred.determinations.get()
    assert (d.outcome, d.decided_by, d.decider_credentials, d.decider_role) == (
        "adverse", director_with_credentials, "MD, Hematology", "Medical director")
    assert d.peer_to_peer == "offered"
    assert d.rationale == UPHOLD["rationale"]
    assert d.policy_version.effective_date == dt.date(2024, 5, 15)
    assert d.criteria_snapshot["criteria"][0]["policy_words"].startswith("Donor lymphocyte infusion (DLI)")
    assert bytes(d.letter.pdf).startswith(b"%PDF-")
    assert d.reference_number.startswith("D")
    assert referred.events.last().action == ReviewEvent.Action.UPHELD


def test_overturning_approves_with_an_approval_letter(client, director_with_credentials, referred):
    client.force_login(director_with_credentials)
    client.post(decide_url(referred), {**UPHOLD, "decision": "overturn", "rationale": "Clinical judgment: approve."})
    referred.refresh_from_db()
    assert referred.status == Review.Status.APPROVED
    assert referred.determinations.get().outcome == "approved"


def test_a_decision_without_a_rationale_is_refused(client, director_with_credentials, referred):
    client.force_login(director_with_credentials)
    r = client.post(decide_url(referred), {**UPHOLD, "rationale": "   "})
    assert r.status_code == 200
    assert r.context["form"].errors["rationale"] == ["This field is required."]
    assert not Determination.objects.exists()
    with pytest.raises(services.ReviewStateError, match="rationale is required"):
        services.director_decide(review=referred, user=director_with_credentials, decision="uphold",
                                 peer_to_peer="offered", rationale="")


def test_the_peer_to_peer_answer_is_required(client, director_with_credentials, referred):
    client.force_login(director_with_credentials)
    r = client.post(decide_url(referred), {"decision": "uphold", "rationale": "x"})
    assert "peer_to_peer" in r.context["form"].errors


@pytest.mark.parametrize(
    "posted",
    [UPHOLD, {**UPHOLD, "decision": "overturn"}, {"decision": "deny"}, {}, {"outcome": "adverse"}],
)
def test_a_nurse_cannot_issue_an_adverse_determination_whatever_is_posted(client, nurse, referred, posted):
    client.force_login(nurse)
    assert client.post(decide_url(referred), posted).status_code == 403
    referred.refresh_from_db()
    assert referred.status == Review.Status.PENDING_PHYSICIAN_REVIEW
    assert not Determination.objects.exists()


def test_the_service_refuses_a_nurse_too(nurse, referred):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.director_decide(review=referred, user=nurse, **UPHOLD)


def test_a_director_without_a_reviewer_profile_cannot_sign(client, director, referred):
    client.force_login(director)
    assert "Only a physician (MD or DO) may issue this determination" in client.get(decide_url(referred)).content.decode()
    r = client.post(decide_url(referred), UPHOLD)
    assert "Only a physician (MD or DO) may issue this determination" in r.content.decode()
    assert not Determination.objects.exists()


def test_only_pending_reviews_can_be_decided(client, director_with_credentials, nurse_review):
    client.force_login(director_with_credentials)
    assert client.post(decide_url(nurse_review), UPHOLD)["Location"].endswith(f"{nurse_review.public_id}/")
    with pytest.raises(services.ReviewStateError, match="not pending physician review"):
        services.director_decide(review=nurse_review, user=director_with_credentials, **UPHOLD)


def test_a_nurse_approval_is_issued_at_once_with_its_letter(approved, nurse):
    assert (approved.outcome, approved.decided_by, approved.decider_role) == ("approved", nurse, "Nurse reviewer")
    assert approved.rationale == "" and approved.peer_to_peer == ""


def test_the_review_page_lists_determinations_with_their_letters(client, nurse, upheld):
    client.force_login(nurse)
    html = client.get(reverse("review_detail", kwargs={"review_id": upheld.review.public_id})).content.decode()
    assert upheld.reference_number in html
    assert reverse("letter_pdf", kwargs={"determination_id": upheld.public_id}) in html
    assert "Issue a correction" not in html  # directors only
