"""Appeal intake: who may log one, its clock, expedited appeals, and late ones accepted only for good
cause by an appeals coordinator (lib/appeals.py; README, "Appeals")."""

import datetime as dt
import zoneinfo

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone

from coverage_app import roles, services
from coverage_app.lib import appeals
from coverage_app.models import AccessLog, Appeal, Determination, PolicyVersion, ReviewEvent

pytestmark = pytest.mark.django_db
NY = zoneinfo.ZoneInfo("America/New_York")


@pytest.fixture
def coordinator(django_user_model):
    user = django_user_model.objects.create_user("appeals1", password="x", first_name="Ada", last_name="Moss")
    user.groups.add(Group.objects.get(name=roles.APPEALS_COORDINATOR))
    return user


def adverse_decided(make_review, director, *, days_ago, line_of_business="commercial", request_type="pre_service"):
    """An adverse determination issued `days_ago` days ago (written directly: the services date
    what they issue now)."""
    review = make_review(line_of_business=line_of_business, request_type=request_type, status="in_review",
                         received_at=timezone.now() - dt.timedelta(days=days_ago + 3))
    return Determination.objects.create(
        reference_number=f"D-OLD-{days_ago}-{line_of_business[:3].upper()}", review=review, outcome="adverse",
        decided_at=timezone.now() - dt.timedelta(days=days_ago), decided_by=director, decider_name="Dr Old",
        decider_role=roles.DIRECTOR, policy_version=PolicyVersion.objects.first(), criteria_snapshot={},
        wording_snapshot={},
    )


def log(determination, user, **changes):
    data = {"requester": "member", "received_at": timezone.now(), "channel": "mail"}
    return services.appeal_log(determination=determination, user=user, **{**data, **changes})


def test_it_records_an_appeal_from_the_page_with_its_30_day_clock(client, coordinator, make_review, director):
    upheld = adverse_decided(make_review, director, days_ago=5)
    client.force_login(coordinator)
    page = client.get(reverse("appeals_queue"), {"reference": upheld.reference_number.lower()}).content.decode()
    assert "Log an appeal" in page
    received = timezone.localtime().replace(second=0, microsecond=0) - dt.timedelta(hours=2)
    r = client.post(reverse("appeal_new", kwargs={"determination_id": upheld.public_id}), {
        "requester": "provider", "received_at": received.strftime("%Y-%m-%dT%H:%M"), "channel": "fax",
        "new_information": "A marrow report of last week.",
    })
    appeal = Appeal.objects.get()
    assert r["Location"] == reverse("appeal_detail", kwargs={"appeal_id": appeal.public_id})
    assert (appeal.status, appeal.late, appeal.expedited) == ("pending", False, False)
    # 29 CFR 2560.503-1(i)(2)(ii): a pre-service appeal within 30 days.
    assert timezone.localtime(appeal.due_at) == received + dt.timedelta(days=30)
    assert ReviewEvent.objects.filter(review=upheld.review, action="appeal_logged").exists()
    detail = client.get(r["Location"]).content.decode()
    assert "A marrow report of last week." in detail and "Yes: received by" in detail
    assert AccessLog.objects.filter(user=coordinator, kind="appeal").count() >= 2


@pytest.mark.parametrize("asks, physician, expected", [(True, False, True), (False, True, True), (False, False, False)])
def test_an_expedited_appeal_is_decided_within_72_hours(nurse, make_review, director, asks, physician, expected):
    appeal = log(adverse_decided(make_review, director, days_ago=5), nurse, member_asks_expedited=asks, physician_says_urgent=physician)
    assert appeal.expedited is expected
    hours = 72 if expected else 30 * 24
    assert abs((appeal.due_at - appeal.received_at) - dt.timedelta(hours=hours)) <= dt.timedelta(hours=1)


def test_an_appeal_about_a_service_given_is_not_expedited_and_has_60_days(make_review, director, nurse):
    d = adverse_decided(make_review, director, days_ago=5, request_type="post_service")
    with pytest.raises(services.ReviewStateError, match="not expedited") as e:
        log(d, nurse, physician_says_urgent=True)
    assert e.value.field == "member_asks_expedited"
    appeal = log(d, nurse)
    assert timezone.localtime(appeal.due_at) == timezone.localtime(appeal.received_at) + dt.timedelta(days=60)


@pytest.mark.parametrize("line, days, late", [
    ("commercial", 180, False), ("commercial", 181, True),
    ("medicare_advantage", 65, False), ("medicare_advantage", 66, True),
])
def test_the_filing_limit_is_180_or_65_days_from_the_letter(line, days, late):
    letter = dt.date(2026, 1, 15)
    assert appeals.is_late(letter + dt.timedelta(days=days), letter, line) is late


def test_a_late_appeal_is_flagged_and_only_a_coordinator_accepts_it_for_good_cause(client, make_review, director, nurse, coordinator):
    d = adverse_decided(make_review, director, days_ago=70, line_of_business="medicare_advantage")
    appeal = log(d, nurse)
    assert (appeal.status, appeal.late) == ("late", True)
    with pytest.raises(services.PermissionDenied):
        services.appeal_accept_late(appeal=appeal, user=nurse, good_cause="In hospital.")
    client.force_login(coordinator)
    url = reverse("appeal_accept_late", kwargs={"appeal_id": appeal.public_id})
    r = client.post(url, {"good_cause": "  "})
    assert r.status_code == 200 and "This field is required." in r.content.decode()
    r = client.post(url, {"good_cause": "The member was in hospital from March 2 to May 20."})
    appeal.refresh_from_db()
    assert appeal.status == "pending" and appeal.good_cause_accepted_by == coordinator
    assert ReviewEvent.objects.filter(action="appeal_late_accepted", review=d.review).exists()


def test_a_representative_needs_a_name_and_the_appointment_on_file(nurse, upheld):
    with pytest.raises(services.ReviewStateError, match="Name the representative") as e:
        log(upheld, nurse, requester="representative")
    assert e.value.field == "representative_name"
    with pytest.raises(services.ReviewStateError, match="appointment form is on file"):
        log(upheld, nurse, requester="representative", representative_name="Sam Blake")
    appeal = log(upheld, nurse, requester="representative", representative_name="Sam Blake", appointment_on_file=True)
    assert appeal.representative_name == "Sam Blake"


def test_it_refuses_what_cannot_be_appealed(nurse, director_with_credentials, approved, make_review, director):
    with pytest.raises(services.ReviewStateError, match="not an adverse determination in force"):
        log(approved, nurse)
    d = adverse_decided(make_review, director, days_ago=3)
    with pytest.raises(services.ReviewStateError, match="in the future"):
        log(d, nurse, received_at=timezone.now() + dt.timedelta(hours=1))
    with pytest.raises(services.ReviewStateError, match="before the decision it appeals"):
        log(d, nurse, received_at=d.decided_at - dt.timedelta(minutes=1))
    log(d, nurse)
    with pytest.raises(services.ReviewStateError, match="already recorded"):
        log(d, nurse)
    with pytest.raises(services.PermissionDenied):
        log(adverse_decided(make_review, director, days_ago=4), director_with_credentials)


def test_the_appeals_queue_is_soonest_due_first_marks_overdue_and_keeps_its_queries(
    client, coordinator, nurse, make_review, director, django_assert_max_num_queries
):
    first = log(adverse_decided(make_review, director, days_ago=40), nurse,
                received_at=timezone.now() - dt.timedelta(days=31))  # overdue
    second = log(adverse_decided(make_review, director, days_ago=2), nurse, physician_says_urgent=True)
    client.force_login(coordinator)
    with django_assert_max_num_queries(9) as captured:
        page = client.get(reverse("appeals_queue")).content.decode()
    few = len(captured)
    assert page.index(first.reference_number) < page.index(second.reference_number)
    assert "Overdue" in page and "Expedited" in page
    for days in range(5, 10):
        log(adverse_decided(make_review, director, days_ago=days), nurse)
    with django_assert_max_num_queries(few):
        client.get(reverse("appeals_queue"))


def test_documents_sent_with_an_appeal_are_kept_and_listed_with_it(client, coordinator, make_review, director, nurse):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from coverage_app.models import Document

    appeal = log(adverse_decided(make_review, director, days_ago=5), nurse)
    client.force_login(coordinator)
    url = reverse("appeal_document_upload", kwargs={"appeal_id": appeal.public_id})
    r = client.post(url, {"file": SimpleUploadedFile("study.pdf", b"%PDF-1.4 x"), "description": "New study"}, follow=True)
    assert "study.pdf attached to the appeal." in r.content.decode() and "New study" in r.content.decode()
    document = Document.objects.get()
    assert (document.appeal, document.review) == (appeal, appeal.review)
    r = client.post(url, {"file": SimpleUploadedFile("notes.txt", b"plain text")}, follow=True)
    assert "Only PDF, PNG, JPEG or TIFF files are accepted" in r.content.decode()
    download = client.get(reverse("document_download", kwargs={"document_id": document.public_id}))
    assert download.status_code == 200 and AccessLog.objects.filter(document=document, user=coordinator).exists()
