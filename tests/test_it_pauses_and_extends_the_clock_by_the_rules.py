"""Information requests and extensions, through the pages and the services: the review waits, its
due time follows lib/clocks.py, every step is an event and a notice, and a review whose information
never came goes to physician review (a nurse never denies)."""

import datetime as dt
import io

import pytest
from django.utils.html import escape
from django.core.management import call_command
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone

from coverage_app import services
from coverage_app.lib import clocks
from coverage_app.models import AccessLog, Notice, Review, ReviewEvent
from tests.conftest import ADDRESS_AND_FACILITY, as_posted, complete_answers

pytestmark = pytest.mark.django_db
TZ = timezone.get_default_timezone


def _url(name, review):
    return reverse(name, kwargs={"review_id": review.public_id})


def _ask(review, nurse, needed=("DLI-3",), detail=""):
    return services.information_request(review=review, user=nurse, needed=list(needed), detail=detail,
                                        expected_revision=Review.objects.get(pk=review.pk).revision)


def test_it_asks_for_information_from_the_page_and_pauses_a_commercial_clock(client, nurse, nurse_review):
    complete_answers(nurse_review)
    client.force_login(nurse)
    page = client.get(_url("information_request", nurse_review)).content.decode()
    assert "Records showing relapsed, persistent or refractory disease" in page  # the policy's facts
    assert "29 CFR 2560.503-1(f)(2)(iii)(A)" in page
    r = client.post(_url("information_request", nurse_review),
                    as_posted(nurse_review, {"needed": ["DLI-3"], "detail": "The marrow report."}))
    assert r.status_code == 302
    review = Review.objects.get(pk=nurse_review.pk)
    notice = Notice.objects.get(review=review)
    assert review.status == Review.Status.WAITING_FOR_INFORMATION
    assert review.information_respond_by - review.information_requested_at == dt.timedelta(days=45)
    # While it waits, the due time is the latest it can be: initial + 15 days + the 45 days.
    initial = review.received_at + dt.timedelta(days=15)
    assert abs(review.due_at - (initial + dt.timedelta(days=15) + dt.timedelta(days=45))) < dt.timedelta(hours=1, seconds=1)
    assert notice.kind == "information_request" and bytes(notice.pdf).startswith(b"%PDF")
    assert ReviewEvent.objects.filter(review=review, action="information_requested").exists()
    detail = client.get(reverse("review_detail", kwargs={"review_id": review.public_id})).content.decode()
    assert "Clock paused" in detail and notice.reference_number in detail
    queue = client.get(reverse("queue")).content.decode()
    assert "Information due" in queue


def test_it_resumes_the_clock_when_the_information_arrives(client, nurse, nurse_review):
    complete_answers(nurse_review)
    _ask(nurse_review, nurse)
    review = Review.objects.get(pk=nurse_review.pk)
    client.force_login(nurse)
    r = client.post(_url("information_received", review), as_posted(review, {"note": "Faxed today."}))
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.status == Review.Status.IN_REVIEW and review.information_received_at is not None
    expected = clocks.decision_due(review.clock(), TZ())
    assert review.due_at == expected
    paused = review.information_received_at - review.information_requested_at
    assert review.due_at - clocks.initial_due(review.clock(), TZ()) >= dt.timedelta(days=15) + paused - dt.timedelta(hours=1)
    event = ReviewEvent.objects.get(review=review, action="information_received")
    assert event.detail["note"] == "Faxed today."


def test_it_sends_a_review_whose_information_never_came_to_physician_review(nurse, nurse_review):
    complete_answers(nurse_review)
    _ask(nurse_review, nurse)
    review = Review.objects.get(pk=nurse_review.pk)
    assert services.information_lapse(now=review.information_respond_by - dt.timedelta(seconds=1)) == []
    out = io.StringIO()
    call_command("lapse_information_requests", stdout=out)  # not due yet: nothing moves
    assert out.getvalue().strip().endswith("0 reviews sent to physician review")
    moved = services.information_lapse(now=review.information_respond_by)
    assert [r.pk for r in moved] == [review.pk]
    review.refresh_from_db()
    assert review.status == Review.Status.PENDING_PHYSICIAN_REVIEW
    assert review.nurse_determination is not None  # judged on the record, for the physician
    event = ReviewEvent.objects.get(review=review, action="information_not_received")
    assert event.actor is None and "the system" in event.actor_name
    assert services.information_lapse(now=review.information_respond_by + dt.timedelta(days=1)) == []


def test_it_refuses_an_urgent_commercial_request_for_information_after_24_hours(client, nurse, make_review):
    review = make_review(assigned_to=nurse, status="in_review", urgency="urgent",
                         received_at=timezone.now() - dt.timedelta(hours=24, minutes=1))
    Review.objects.filter(pk=review.pk).update(service="dli", planned_date_of_service=dt.date.today() + dt.timedelta(days=3),
                                               member_name="A", member_id="M1", member_date_of_birth=dt.date(1970, 1, 1),
                                               requesting_provider="Dr", provider_npi="1234567893", diagnosis_codes=["C92.02"],
                                               **ADDRESS_AND_FACILITY)
    complete_answers(review)
    client.force_login(nurse)
    page = client.get(_url("information_request", review)).content.decode()
    assert "The 24 hours to ask for information on an urgent request ended" in page
    r = client.post(_url("information_request", review), as_posted(review, {"needed": ["DLI-3"]}))
    assert r.status_code == 200
    assert "The 24 hours to ask for information on an urgent request ended" in r.context["form"].errors["__all__"][0]
    assert r.context["form"].data["needed"] == "DLI-3"  # what was ticked stays
    assert Review.objects.get(pk=review.pk).status == Review.Status.IN_REVIEW


def test_it_asks_for_the_answers_before_the_records_behind_them(client, nurse, nurse_review):
    client.force_login(nurse)
    r = client.post(_url("information_request", nurse_review), as_posted(nurse_review, {"detail": "Anything."}))
    assert r.status_code == 200
    assert r.context["form"].errors["needed"] == [
        "Answer every question from the request as it came, then ask for the records that support it."]
    r = client.post(_url("information_request", nurse_review), as_posted(nurse_review, {}))
    assert r.context["form"].errors["needed"] == ["Tick a record or describe what is needed."]


def test_it_extends_a_medicare_review_by_14_days_once_with_a_notice(client, nurse, nurse_review):
    Review.objects.filter(pk=nurse_review.pk).update(line_of_business="medicare_advantage")
    review = Review.objects.get(pk=nurse_review.pk)
    before = clocks.initial_due(review.clock(), TZ())  # 7 calendar days (42 CFR 422.568(b)(1))
    assert before.astimezone(TZ()) == review.received_at.astimezone(TZ()) + dt.timedelta(days=7)
    client.force_login(nurse)
    page = client.get(_url("review_extend", review)).content.decode()
    assert "The member asked for more time" in page and "Matters beyond" not in page
    r = client.post(_url("review_extend", review), as_posted(review, {"reason": "plan_justified", "justification": ""}))
    assert r.status_code == 200
    assert r.context["form"].errors["justification"] == [
        "Write down what information is needed and how the delay is in the member's interest."]
    r = client.post(_url("review_extend", review), as_posted(review, {"reason": "member_requested"}))
    assert r.status_code == 302
    review.refresh_from_db()
    assert review.due_at == (before.astimezone(TZ()) + dt.timedelta(days=14)).astimezone(dt.timezone.utc)
    assert Notice.objects.get(review=review).kind == "extension"
    assert ReviewEvent.objects.filter(review=review, action="extended").count() == 1
    with pytest.raises(services.ReviewStateError, match="already took its one extension"):
        services.review_extend(review=review, user=nurse, reason="member_requested", justification="",
                               expected_revision=review.revision)


def test_it_refuses_a_commercial_information_request_after_the_one_extension(nurse, nurse_review):
    complete_answers(nurse_review)
    services.review_extend(review=nurse_review, user=nurse, reason="beyond_plan_control",
                           justification="Our system was down.", expected_revision=nurse_review.revision)
    with pytest.raises(services.ReviewStateError, match="already took its one extension"):
        _ask(nurse_review, nurse)


def test_it_lets_only_the_assigned_nurse_touch_the_clock(client, nurse, director, nurse_review, django_user_model):
    from django.contrib.auth.models import Group

    from coverage_app import roles

    other = django_user_model.objects.create_user("nurse2", password="x")
    other.groups.add(Group.objects.get(name=roles.NURSE))
    complete_answers(nurse_review)
    with pytest.raises(services.PermissionDenied):
        _ask(nurse_review, other)
    client.force_login(director)
    assert client.post(_url("information_request", nurse_review), {"needed": ["DLI-3"]}).status_code == 403
    assert client.post(_url("review_extend", nurse_review), {"reason": "beyond_plan_control"}).status_code == 403


def test_an_issued_notice_is_kept_as_issued_in_the_database(nurse, nurse_review):
    complete_answers(nurse_review)
    notice = _ask(nurse_review, nurse)
    with pytest.raises(DatabaseError), transaction.atomic():
        Notice.objects.filter(pk=notice.pk).update(html="changed")
    with pytest.raises(DatabaseError), transaction.atomic():
        Notice.objects.filter(pk=notice.pk).delete()


def test_it_logs_each_look_at_a_notice(client, nurse, nurse_review):
    complete_answers(nurse_review)
    notice = _ask(nurse_review, nurse)
    client.force_login(nurse)
    r = client.get(reverse("notice_pdf", kwargs={"notice_id": notice.public_id}))
    assert r.status_code == 200 and r.content == bytes(notice.pdf)
    assert r["X-Content-SHA256"] == notice.sha256
    page = client.get(reverse("notice_html", kwargs={"notice_id": notice.public_id})).content.decode()
    assert f'srcdoc="{escape(notice.html)}"' in page
    assert AccessLog.objects.filter(notice=notice, kind="notice").count() == 2


def test_the_report_counts_pauses_extensions_and_lapses(client, nurse, policy_staff, nurse_review, make_review):
    complete_answers(nurse_review)
    _ask(nurse_review, nurse)
    services.information_lapse(now=Review.objects.get(pk=nurse_review.pk).information_respond_by)
    other = make_review(assigned_to=nurse, status="in_review", service="dli")
    services.review_extend(review=other, user=nurse, reason="beyond_plan_control", justification="Outage.",
                           expected_revision=other.revision)
    client.force_login(policy_staff)
    today = timezone.localdate()
    query = {"start": (today - dt.timedelta(days=1)).isoformat(), "end": today.isoformat()}
    report = client.get(reverse("reports"), query).context["report"]
    assert (report.total.information_requested, report.total.extended, report.total.information_lapsed) == (1, 1, 1)
    csv = client.get(reverse("reports_csv"), query).content.decode()
    assert ",information_lapsed,1" in csv and ",extended,1" in csv


def test_a_physician_decides_a_lapsed_review_on_the_record(client, nurse, director_with_credentials, nurse_review):
    complete_answers(nurse_review)
    _ask(nurse_review, nurse)
    review = Review.objects.get(pk=nurse_review.pk)
    services.information_lapse(now=review.information_respond_by)
    client.force_login(director_with_credentials)
    page = client.get(reverse("review_decide", kwargs={"review_id": review.public_id})).content.decode()
    assert "did not arrive by" in page and "Request for information" in page
    d = services.director_decide(
        review=review, user=director_with_credentials, decision="uphold", peer_to_peer="not_offered",
        rationale="The records that would show relapse were asked for and not sent.",
        clinical_reasons="The records showing relapse that we asked for did not arrive.",
    )
    assert d.is_adverse and Review.objects.get(pk=review.pk).status == Review.Status.ADVERSE_DETERMINATION


def test_the_clock_pages_send_a_nurse_back_from_a_review_not_hers_or_finished(client, nurse, make_review, approved):
    client.force_login(nurse)
    unassigned = make_review()
    for name in ("information_request", "review_extend"):
        r = client.get(_url(name, unassigned), follow=True)
        assert r.redirect_chain[-1][0] == reverse("review_detail", kwargs={"review_id": unassigned.public_id})
        assert "Assign this review to yourself" in r.content.decode()
        r = client.get(_url(name, approved.review), follow=True)
        assert "is approved." in r.content.decode()
