"""Each questionnaire step: what it asks, what it refuses, and that a draft is saved."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage_app.lib.usdates import long_date
from coverage_app.models import Review, ReviewEvent
from tests.conftest import COMPLETE_REQUEST, as_posted


def step_url(review, step):
    return reverse("review_step", kwargs={"review_id": review.public_id, "step": step})


def post_step(client, review, step, data, action="continue"):
    return client.post(step_url(review, step), as_posted(review, {**data, "action": action}))


@pytest.fixture
def logged_in(client, nurse):
    client.force_login(nurse)
    return client


def test_it_creates_a_new_request_assigned_to_the_nurse(logged_in, nurse):
    r = logged_in.post(reverse("review_new"), COMPLETE_REQUEST)
    review = Review.objects.get()
    assert r["Location"] == step_url(review, "transplant")
    assert (review.assigned_to, review.status, review.service) == (nurse, "in_review", "dli")
    assert review.diagnosis_codes == ["C92.02"]
    local = timezone.localtime(review.received_at)
    assert timezone.localtime(review.due_at) == local + dt.timedelta(days=15)
    assert review.events.get().action == ReviewEvent.Action.CREATED


def test_it_keeps_everything_typed_when_the_request_has_errors(logged_in):
    data = {**COMPLETE_REQUEST, "provider_npi": "1234567890", "member_name": "Keep Me"}
    r = logged_in.post(reverse("review_new"), data)
    assert r.status_code == 200
    assert Review.objects.count() == 0
    html = r.content.decode()
    assert 'value="Keep Me"' in html and 'value="1234567890"' in html
    assert "check digit" in html
    assert 'id="error-summary"' in html and 'href="#div_id_provider_npi"' in html


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("provider_npi", "12345", "An NPI is exactly 10 digits."),
        ("diagnosis_codes", "C92.0", "C92.0 is a category, not a billable code"),
        ("diagnosis_codes", "NOPE1", "NOPE1 is not an ICD-10-CM code."),
        ("diagnosis_codes", "", "Answer this question."),
        ("member_date_of_birth", "2999-01-01", "cannot be in the future"),
        ("member_date_of_birth", "1850-01-01", "is not plausible"),
        ("member_date_of_birth", "02/30/1970", "Enter a valid date."),
        ("planned_date_of_service", "2023-01-01", "cannot be before the request was received"),
        ("service", "stem_cells", "Select a valid choice."),
        ("member_name", "", "Answer this question."),
    ],
)
def test_it_explains_each_bad_request_answer_beside_the_field(logged_in, field, value, message):
    r = logged_in.post(reverse("review_new"), {**COMPLETE_REQUEST, field: value})
    assert r.status_code == 200
    assert any(message in e for e in r.context["form"].errors[field])


def test_it_refuses_a_date_of_service_before_the_transplant(logged_in, nurse, make_review):
    # Received ten days ago; the transplant came after, five days ago; the service is planned between.
    today = timezone.localdate()
    review = make_review(received_at=timezone.now() - dt.timedelta(days=10), assigned_to=nurse, status="in_review",
                         had_transplant=True, transplant_date=today - dt.timedelta(days=5))
    dos = today - dt.timedelta(days=7)
    r = post_step(logged_in, review, "request", {**COMPLETE_REQUEST, "planned_date_of_service": dos.isoformat()})
    transplant = long_date(today - dt.timedelta(days=5))
    assert r.context["form"].errors["planned_date_of_service"] == [f"The date of service cannot be before the transplant ({transplant})."]


def test_it_refuses_a_date_of_service_no_policy_version_covers(logged_in, nurse, make_review):
    # Received before the policy's first version took effect, for a service soon after.
    review = make_review(received_at=dt.datetime(2024, 1, 2, 15, tzinfo=dt.timezone.utc), assigned_to=nurse,
                         status="in_review")
    r = post_step(logged_in, review, "request", {**COMPLETE_REQUEST, "planned_date_of_service": "2024-02-01"})
    assert r.context["form"].errors["planned_date_of_service"] == [
        "Policy 0261 cannot judge this date: no version of policy 0261 was in effect on February 1, 2024; "
        "the earliest took effect on May 15, 2024."]


def test_it_saves_the_transplant_step_and_moves_on(logged_in, nurse_review):
    r = post_step(logged_in, nurse_review, "transplant", {
        "had_transplant": "True", "transplant_type": "allogeneic", "transplant_date": "2025-06-01", "same_donor": "True"})
    assert r["Location"] == step_url(nurse_review, "indication")
    nurse_review.refresh_from_db()
    assert (nurse_review.had_transplant, nurse_review.transplant_type, nurse_review.same_donor) == (True, "allogeneic", True)


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({}, "had_transplant", "Answer this question."),
        ({"had_transplant": "True"}, "transplant_type", "Answer this question."),
        ({"had_transplant": "True", "transplant_type": "allogeneic", "transplant_date": "2025-06-01"}, "same_donor", "Answer this question."),
        ({"had_transplant": "True", "transplant_type": "autologous", "transplant_date": "2999-01-01"}, "transplant_date", "cannot be in the future"),
        ({"had_transplant": "True", "transplant_type": "autologous", "transplant_date": "2025-06-01"}, "transplant_date", "after the planned date of service (January 2, 2025)"),
    ],
)
def test_it_asks_for_what_applies_on_the_transplant_step(logged_in, nurse_review, data, field, message):
    Review.objects.filter(pk=nurse_review.pk).update(planned_date_of_service=dt.date(2025, 1, 2))
    r = post_step(logged_in, nurse_review, "transplant", data)
    assert r.status_code == 200
    assert any(message in e for e in r.context["form"].errors[field])


def test_it_ignores_dependent_answers_that_do_not_apply(logged_in, nurse_review):
    # JavaScript off: the page showed every question; "No" makes the others not apply.
    post_step(logged_in, nurse_review, "transplant", {
        "had_transplant": "False", "transplant_type": "allogeneic", "transplant_date": "2025-06-01", "same_donor": "True"})
    nurse_review.refresh_from_db()
    assert (nurse_review.had_transplant, nurse_review.transplant_type, nurse_review.transplant_date, nurse_review.same_donor) == (False, "", None, None)


def test_back_saves_a_partial_draft_without_requiring_answers(logged_in, nurse_review):
    r = post_step(logged_in, nurse_review, "transplant", {"had_transplant": "True"}, action="back")
    assert r["Location"] == step_url(nurse_review, "request")
    nurse_review.refresh_from_db()
    assert nurse_review.had_transplant is True


def test_back_still_refuses_an_invalid_answer(logged_in, nurse_review):
    r = post_step(logged_in, nurse_review, "transplant", {"had_transplant": "True", "transplant_date": "2999-01-01"}, action="back")
    assert r.status_code == 200
    assert "transplant_date" in r.context["form"].errors


def set_transplant(review, kind="allogeneic"):
    Review.objects.filter(pk=review.pk).update(had_transplant=True, transplant_type=kind, transplant_date=dt.date(2025, 6, 1))


def test_it_offers_the_dli_indications_with_the_policys_note(logged_in, nurse_review):
    set_transplant(nurse_review)
    r = logged_in.get(step_url(nurse_review, "indication"))
    form = r.context["form"]
    assert [c for c, _ in form.fields["indication"].choices] == ["relapsed", "persistent", "refractory", "high_risk_of_relapse", "other"]
    assert "donor_chimerism_percent" not in form.fields
    assert "DLI is not used to promote engraftment or to enhance chimerism" in r.content.decode()


def test_it_offers_chimerism_for_hpc_boost_after_an_allogeneic_transplant_only(logged_in, nurse_review):
    Review.objects.filter(pk=nurse_review.pk).update(service="hpc_boost")
    set_transplant(nurse_review, "autologous")
    form = logged_in.get(step_url(nurse_review, "indication")).context["form"]
    assert [c for c, _ in form.fields["indication"].choices] == ["promote_engraftment", "other"]
    assert "donor_chimerism_percent" not in form.fields and "hematologic_malignancy" not in form.fields
    set_transplant(nurse_review, "allogeneic")
    form = logged_in.get(step_url(nurse_review, "indication")).context["form"]
    assert "enhance_chimerism" in dict(form.fields["indication"].choices)
    assert "donor_chimerism_percent" in form.fields


@pytest.mark.parametrize(
    "data, field, message",
    [
        ({"indication": "enhance_chimerism"}, "donor_chimerism_percent", "Answer this question."),
        ({"indication": "enhance_chimerism", "donor_chimerism_percent": "100.1"}, "donor_chimerism_percent", "Enter a percentage from 0 to 100."),
        ({"indication": "enhance_chimerism", "donor_chimerism_percent": "-1"}, "donor_chimerism_percent", "Enter a percentage from 0 to 100."),
        ({"indication": "enhance_chimerism", "donor_chimerism_percent": "85.55"}, "donor_chimerism_percent", "Enter a percentage from 0 to 100, with at most one decimal place."),
        ({"indication": "enhance_chimerism", "donor_chimerism_percent": "lots"}, "donor_chimerism_percent", "Enter a percentage from 0 to 100."),
        ({"indication": "enhance_chimerism", "donor_chimerism_percent": "1000"}, "donor_chimerism_percent", "Enter a percentage from 0 to 100."),
        ({"indication": "enhance_chimerism", "donor_chimerism_percent": "9,5"}, "donor_chimerism_percent", "Use a point for decimals: 9.5, not 9,5."),
        ({"indication": "enhance_chimerism", "chimerism_study_date": "2025-05-01"}, "chimerism_study_date", "cannot be before the transplant (June 1, 2025)"),
        ({"indication": "promote_engraftment"}, "graft_function_evidence", "Answer this question."),
        ({"indication": "other"}, "indication_detail", "Answer this question."),
        ({"indication": "relapsed"}, "indication", "Select a valid choice."),
    ],
)
def test_it_validates_the_hpc_indication(logged_in, nurse_review, data, field, message):
    Review.objects.filter(pk=nurse_review.pk).update(service="hpc_boost")
    set_transplant(nurse_review)
    r = post_step(logged_in, nurse_review, "indication", data)
    assert r.status_code == 200
    assert any(message in e for e in r.context["form"].errors[field]), r.context["form"].errors


def test_it_sends_the_nurse_back_to_answer_the_service_and_transplant_first(logged_in, nurse_review):
    r = logged_in.get(step_url(nurse_review, "indication"))
    assert r["Location"] == step_url(nurse_review, "transplant")


def test_it_clears_later_answers_when_an_earlier_one_changes(logged_in, nurse_review):
    set_transplant(nurse_review)
    Review.objects.filter(pk=nurse_review.pk).update(hematologic_malignancy=True, indication="relapsed")
    r = logged_in.post(
        step_url(nurse_review, "request"),
        as_posted(nurse_review, {**COMPLETE_REQUEST, "service": "hpc_boost", "action": "continue"}),
        follow=True,
    )
    assert "These answers no longer apply and were cleared: hematologic malignancy, indication." in r.content.decode()
    nurse_review.refresh_from_db()
    assert (nurse_review.indication, nurse_review.hematologic_malignancy) == ("", None)
    event = nurse_review.events.get(action=ReviewEvent.Action.ANSWERS_SAVED)
    assert event.detail["cleared"] == ["hematologic_malignancy", "indication"]


def test_changing_the_urgency_moves_the_due_time(logged_in, nurse_review):
    post_step(logged_in, nurse_review, "request", {**COMPLETE_REQUEST, "urgency": "urgent"})
    nurse_review.refresh_from_db()
    assert nurse_review.due_at - nurse_review.received_at == dt.timedelta(hours=72)


def test_it_does_not_let_a_nurse_work_a_review_assigned_to_someone_else(client, nurse, make_review, django_user_model):
    from django.contrib.auth.models import Group

    other = django_user_model.objects.create_user("nurse2")
    other.groups.add(Group.objects.get(name="Nurse reviewer"))
    review = make_review(assigned_to=other, status="in_review")
    client.force_login(nurse)
    r = client.post(step_url(review, "request"), as_posted(review, {**COMPLETE_REQUEST, "action": "continue"}))
    assert r["Location"] == reverse("review_detail", kwargs={"review_id": review.public_id})
    review.refresh_from_db()
    assert review.member_name == ""


def test_a_director_cannot_use_the_nurse_questionnaire(client, director, nurse_review):
    client.force_login(director)
    assert client.get(step_url(nurse_review, "request")).status_code == 403
    assert client.post(step_url(nurse_review, "request"), COMPLETE_REQUEST).status_code == 403


def test_an_unknown_step_or_review_is_not_found(logged_in, nurse_review):
    import uuid

    assert logged_in.get(step_url(nurse_review, "nonsense")).status_code == 404
    assert logged_in.get(reverse("review_detail", kwargs={"review_id": uuid.uuid4()})).status_code == 404


def test_it_shows_saved_diagnosis_codes_with_their_descriptions(logged_in, nurse_review):
    html = logged_in.get(step_url(nurse_review, "request")).content.decode()
    assert 'value="C92.02"' in html
    assert "Saved: C92.02 Acute myeloblastic leukemia, in relapse." in html
