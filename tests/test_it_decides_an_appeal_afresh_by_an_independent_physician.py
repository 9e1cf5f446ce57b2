"""Deciding an appeal: a physician who took no part in the first decision, nor reports to who did,
with a consultant of the treating physician's field; the rules run again on the appeal's answers;
the letters each outcome issues; the IRE and external review (README, "Appeals")."""

import datetime as dt

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from coverage_app import roles, services
from coverage_app.models import Appeal, Determination, Notice, Review, ReviewerProfile
from tests.conftest import pdf_text

pytestmark = pytest.mark.django_db
CONSULT = {"consultant_name": "Dr Lena Ortiz", "consultant_specialty": "transplant"}


@pytest.fixture
def second_physician(django_user_model):
    user = django_user_model.objects.create_user("director2", password="x", first_name="Ruth", last_name="Adeyemi")
    user.groups.add(Group.objects.get(name=roles.DIRECTOR))
    ReviewerProfile.objects.create(user=user, degree="MD", specialty="Hematology/Oncology",
                                   license_number="MD-77120", license_state="IL")
    return user


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("appeals1", password="x")
    user.groups.add(Group.objects.get(name=roles.APPEALS_COORDINATOR))
    return user


def appeal_of(determination, user, **extra):
    return services.appeal_log(determination=determination, user=user, requester="member",
                               received_at=timezone.now(), channel="mail", **extra)


def decide(appeal, user, outcome, **extra):
    return services.appeal_decide(appeal=appeal, user=user, outcome=outcome,
                                  rationale="Reviewed afresh with the new records.", **{**CONSULT, **extra})


def test_the_physician_who_decided_first_or_a_subordinate_or_a_nurse_cannot_decide(upheld, nurse, director_with_credentials, second_physician):
    appeal = appeal_of(upheld, nurse)
    with pytest.raises(services.ReviewStateError, match="You made the decision under appeal"):
        decide(appeal, director_with_credentials, "upheld")
    ReviewerProfile.objects.filter(user=second_physician).update(reports_to=director_with_credentials)
    second_physician.refresh_from_db()
    with pytest.raises(services.ReviewStateError, match="You report to the physician"):
        decide(appeal, second_physician, "upheld")
    with pytest.raises(services.PermissionDenied):
        decide(appeal, nurse, "upheld")
    assert Appeal.objects.get().status == "pending"


def test_it_needs_a_consultant_of_the_treating_field_who_was_not_the_first_decider(upheld, nurse, second_physician):
    appeal = appeal_of(upheld, nurse)
    with pytest.raises(services.ReviewStateError, match="Name the physician you consulted") as e:
        decide(appeal, second_physician, "upheld", consultant_name=" ")
    assert e.value.field == "consultant_name"
    with pytest.raises(services.ReviewStateError, match="hematology/oncology or transplant"):
        decide(appeal, second_physician, "upheld", consultant_specialty="cardiology")
    with pytest.raises(services.ReviewStateError, match="must not be the physician who made the decision"):
        decide(appeal, second_physician, "upheld", consultant_name=upheld.decider_name)


def test_an_upheld_commercial_appeal_issues_a_letter_with_every_element(upheld, nurse, second_physician):
    appeal = decide(appeal_of(upheld, nurse), second_physician, "upheld")
    assert appeal.status == "upheld" and appeal.decider_name == "Ruth Adeyemi"
    notice = Notice.objects.get(review=upheld.review, kind="appeal_decision")
    text = pdf_text(bytes(notice.pdf))
    member = text[: text.upper().index("COPY TO THE REQUESTING PROVIDER")]
    for phrase in [
        "Appeal decision: we upheld our decision", appeal.reference_number, upheld.reference_number,
        # 2560.503-1(j)(1): specific reasons; (j)(2) and (5)(i): the provisions and the criteria
        "your transplant was autologous", "Criterion DLI-1", "Medical Coverage Policy 0261",
        "the plan document governs",
        # (j)(5)(ii): the clinical judgment; (h)(3)(iv): the medical expert consulted
        "Reviewed afresh with the new records.", "Ruth Adeyemi, MD, Hematology/Oncology",
        "Dr Lena Ortiz, Blood and marrow transplantation",
        # (j)(3): free copies of all relevant documents
        "free of charge, for reasonable access to and copies of all documents",
        # (j)(4): the 502(a) right and the voluntary alternative dispute resolution statement
        "section 502(a) of ERISA", "voluntary alternative dispute resolution options",
        # 2590.715-2719: external review, by when, expedited
        "independent review organization (IRO)", "within 4 months of the date you receive this letter",
        "Expedited external review", "within 72 hours",
        "Illinois Department of Insurance",  # consumer assistance
        "language assistance services, free of charge",
    ]:
        assert phrase in member, phrase
    review = Review.objects.get(pk=upheld.review_id)
    assert review.status == Review.Status.ADVERSE_DETERMINATION


def test_an_overturned_appeal_issues_the_approval_and_its_letter(upheld, nurse, second_physician):
    appeal = appeal_of(upheld, nurse, new_information="The transplant records show an allogeneic transplant.")
    # The rules run again on the appeal's corrected answers.
    services.appeal_save_answers(appeal=appeal, user=second_physician,
                                 answers={"transplant_type": "allogeneic", "same_donor": True})
    appeal.refresh_from_db()
    assert appeal.answers == {"transplant_type": "allogeneic", "same_donor": True}
    appeal = decide(appeal, second_physician, "overturned")
    approval = appeal.approval
    assert approval.outcome == "approved" and approval.supersedes == upheld
    assert approval.criteria_snapshot["outcome"] == "criteria_met"
    assert Review.objects.get(pk=upheld.review_id).status == Review.Status.APPROVED
    text = pdf_text(bytes(approval.letter.pdf))
    assert "Decision: approved" in text and f"We overturned our decision on your appeal {appeal.reference_number}" in text
    assert Review.objects.get(pk=upheld.review_id).answers()["transplant_type"] == "autologous"  # the record stands


def test_a_medicare_reconsideration_upheld_goes_to_the_ire_and_the_member_is_told(
    nurse, nurse_review, director_with_credentials, second_physician, coordinator
):
    from tests.conftest import complete_answers

    Review.objects.filter(pk=nurse_review.pk).update(line_of_business="medicare_advantage")
    nurse_review.refresh_from_db()
    complete_answers(nurse_review, transplant_type="autologous", same_donor=None)
    services.review_finish(action="refer", review=nurse_review, user=nurse, criterion_notes={}, overall_note="",
                           expected_revision=nurse_review.revision)
    first = services.director_decide(review=nurse_review, user=director_with_credentials, decision="uphold",
                                     peer_to_peer="offered", rationale="Autologous.")
    appeal = decide(appeal_of(first, nurse), second_physician, "upheld")
    assert appeal.status == "forwarded" and appeal.ire_forwarded_at is not None
    notice = Notice.objects.get(kind="ire_forwarded")
    text = pdf_text(bytes(notice.pdf))
    for phrase in ["Your appeal has been sent to an independent reviewer", "Independent Review Entity",
                   "1-800-MEDICARE (1-800-633-4227)", "Dr Lena Ortiz", "Administrative Law Judge"]:
        assert phrase in text, phrase
    # The IRE reverses: the approval is issued at once.
    appeal = services.appeal_record_ire(appeal=appeal, user=coordinator, outcome="reversed",
                                        decided_at=timezone.now())
    assert appeal.ire_outcome == "reversed" and appeal.approval.outcome == "approved"
    assert Review.objects.get(pk=nurse_review.pk).status == Review.Status.APPROVED


def test_external_review_is_asked_within_4_months_and_an_iro_reversal_binds(upheld, nurse, second_physician, coordinator):
    appeal = decide(appeal_of(upheld, nurse), second_physician, "upheld")
    with pytest.raises(services.PermissionDenied):
        services.external_review_request(appeal=appeal, user=nurse, requested_at=timezone.now(), expedited=False,
                                         iro_name="Prairie Review")
    appeal = services.external_review_request(appeal=appeal, user=coordinator, requested_at=timezone.now(),
                                              expedited=True, iro_name="Prairie Review")
    assert appeal.external_due_at - appeal.external_requested_at == dt.timedelta(hours=72)
    appeal = services.external_review_record(appeal=appeal, user=coordinator, outcome="reversed", decided_at=timezone.now())
    assert appeal.approval.outcome == "approved"
    assert Review.objects.get(pk=upheld.review_id).status == Review.Status.APPROVED
    assert Determination.objects.filter(review=upheld.review).count() == 2


def test_the_external_review_deadline_is_4_months_after_the_appeal_decision():
    from coverage_app.lib import appeals

    assert appeals.external_review_deadline(dt.date(2026, 10, 31)) == dt.date(2027, 2, 28)
    assert appeals.external_review_deadline(dt.date(2026, 1, 15)) == dt.date(2026, 5, 15)


def test_the_appeal_screen_shows_both_decisions_and_decides_from_the_page(client, upheld, nurse, second_physician):
    appeal = appeal_of(upheld, nurse, new_information="New marrow report.")
    client.force_login(second_physician)
    url = reverse("appeal_decide", kwargs={"appeal_id": appeal.public_id})
    page = client.get(url).content.decode()
    assert "The first decision" in page and "The rules run again on the appeal" in page and "New marrow report." in page
    r = client.post(url, {"outcome": "upheld", "rationale": "", **CONSULT})
    assert r.status_code == 200 and "This field is required." in r.content.decode()
    r = client.post(url, {"outcome": "upheld", "rationale": "Still autologous.", **CONSULT})
    assert r.status_code == 302
    assert Appeal.objects.get().status == "upheld"


def test_the_report_publishes_the_share_approved_after_appeal(client, upheld, nurse, second_physician, policy_staff):
    decide(appeal_of(upheld, nurse), second_physician, "overturned")
    client.force_login(policy_staff)
    today = timezone.localdate()
    query = {"start": (today - dt.timedelta(days=1)).isoformat(), "end": today.isoformat()}
    page = client.get(reverse("reports"), query)
    [(year, line, kind, metrics)] = page.context["public"]
    assert (year, line, kind) == (today.year, "Commercial / employer plan (ERISA)", "standard")
    assert (metrics.decided, metrics.approved, metrics.approved_on_appeal) == (1, 1, 1)
    rows = client.get(reverse("public_metrics_csv"), query).content.decode().splitlines()
    assert rows[0].startswith("year,line of business,type,requests,decided,approved share")
    assert rows[1].startswith(f"{today.year},Commercial / employer plan (ERISA),standard,1,1,1.000,0.000,1.000,")
