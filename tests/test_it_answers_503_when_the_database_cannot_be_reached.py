"""PostgreSQL down, or read-only after a failover: 503 with Retry-After, in the app's look, saying
nothing was saved; the log says why once, not once per request, and says when it is back. Any
other database error is still a bug: the 500 page, logged in full."""

import logging

import pytest
from django.db import IntegrityError, connection
from django.urls import reverse

from coverage_app import services
from coverage_app.db_outage import outage
from coverage_app.models import Review
from tests.conftest import COMPLETE_REQUEST
from tests.fhir_helpers import Ehr, dli_request

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def no_outage_before(client):
    outage.since, outage.turned_away = None, 0
    client.raise_request_exception = False  # the test client would raise what the handler answered
    yield
    outage.since, outage.turned_away = None, 0


def outage_lines(caplog):
    return [r for r in caplog.records if r.name == "coverage_app.database"]


def test_it_answers_503_with_retry_after_when_postgresql_is_down(client, seeded, nurse, take_database_down, caplog):
    client.force_login(nurse)
    take_database_down()
    caplog.set_level(logging.INFO)
    pages = [client.get(reverse("queue")), client.post(reverse("review_new"), {**COMPLETE_REQUEST, "action": "continue"})]
    for r in pages:
        assert r.status_code == 503 and r["Retry-After"] == "30"
        text = r.content.decode()
        assert "<title>Service briefly unavailable · Policy 0261 review</title>" in text
        assert "nothing you sent with this request was saved" in text
        assert "Traceback" not in text and "OperationalError" not in text
        assert 'css/app.' in text and "Coverage review</a>" in text  # the app's own look and bar
    # One line for the two requests, naming the cause; nothing from django.request.
    [line] = outage_lines(caplog)
    assert line.levelname == "ERROR" and "The database cannot be reached (OperationalError" in line.getMessage()
    assert not [r for r in caplog.records if r.name == "django.request"]


def test_it_logs_once_when_the_database_is_back(client, seeded, nurse, take_database_down, monkeypatch, caplog):
    client.force_login(nurse)
    caplog.set_level(logging.INFO)
    take_database_down()
    assert client.get(reverse("queue")).status_code == 503
    assert client.get(reverse("queue")).status_code == 503
    connection.close()
    monkeypatch.undo()
    assert client.get(reverse("queue")).status_code == 200
    assert client.get(reverse("queue")).status_code == 200
    down_line, back_line = outage_lines(caplog)
    assert back_line.levelname == "WARNING"
    assert "answers again after" in back_line.getMessage() and "2 requests were answered 503" in back_line.getMessage()


def test_it_answers_503_when_postgresql_is_read_only_after_a_failover(client, seeded, nurse, caplog):
    client.force_login(nurse)
    with connection.cursor() as cursor:
        cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ ONLY")
    try:
        r = client.post(reverse("review_new"), {**COMPLETE_REQUEST, "action": "continue"})
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET SESSION CHARACTERISTICS AS TRANSACTION READ WRITE")
    assert r.status_code == 503 and r["Retry-After"] == "30"
    assert not Review.objects.exists()
    [line] = outage_lines(caplog)
    assert "read-only transaction" in line.getMessage()


def test_the_fhir_api_answers_an_operation_outcome(client, seeded, take_database_down):
    take_database_down()
    r = Ehr(client, "any-token").post("/fhir/Claim/$submit", dli_request())
    assert r.status_code == 503 and r["Retry-After"] == "30" and r["Content-Type"].startswith("application/fhir+json")
    [issue] = r.json()["issue"]
    assert issue["code"] == "transient" and "nothing was saved" in issue["diagnostics"]


def test_any_other_database_error_is_still_a_500_logged_in_full(client, seeded, nurse, monkeypatch, caplog):
    client.force_login(nurse)

    def broken(*args, **kwargs):
        raise IntegrityError("duplicate key value violates unique constraint")

    monkeypatch.setattr(services, "review_start", broken)
    r = client.post(reverse("review_new"), {**COMPLETE_REQUEST, "action": "continue"})
    assert r.status_code == 500 and "Something went wrong" in r.content.decode()
    assert [r for r in caplog.records if r.name == "django.request" and r.exc_info]
    assert not outage_lines(caplog)


def test_when_only_the_sessions_save_meets_the_outage_the_views_answer_stands(client, seeded, nurse, nurse_review,
                                                                             monkeypatch, caplog):
    """The database went away after the approval was committed, as the session's idle clock was
    saved: the nurse is sent to the approved review (Django would answer 400)."""
    from django.contrib.sessions.backends.base import UpdateError
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import OperationalError

    from tests.conftest import as_posted, complete_answers

    complete_answers(nurse_review)
    client.force_login(nurse)

    def save_meets_the_outage(self, must_create=False):
        try:
            raise OperationalError("server closed the connection unexpectedly")
        except OperationalError:
            raise UpdateError  # as Django's db backend raises it: the database error as its context

    monkeypatch.setattr(SessionStore, "save", save_meets_the_outage)
    summary = reverse("review_summary", kwargs={"review_id": nurse_review.public_id})
    r = client.post(summary, as_posted(nurse_review, {"action": "approve", "overall_note": ""}))
    assert r.status_code == 302 and r["Location"] == reverse("review_detail", kwargs={"review_id": nurse_review.public_id})
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.APPROVED
    [line] = outage_lines(caplog)
    assert "server closed the connection unexpectedly" in line.getMessage()
    assert not [r for r in caplog.records if r.name.startswith("django.security")]
