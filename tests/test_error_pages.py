"""403, 404 and 500 in the app's look: no trace, no member data."""

import uuid

from django.test import Client, override_settings
from django.urls import reverse

from coverage_app import views


def test_not_found_is_a_plain_app_page(client, nurse):
    client.force_login(nurse)
    r = client.get(reverse("review_detail", kwargs={"review_id": uuid.uuid4()}))
    assert r.status_code == 404
    html = r.content.decode()
    assert "Page not found" in html and "Coverage review" in html and "Log out" in html
    assert "No such review" not in html and "Traceback" not in html


def test_forbidden_is_a_plain_app_page(client, nurse, nurse_review):
    client.force_login(nurse)
    r = client.get(reverse("physician_queue"))
    assert r.status_code == 403
    assert "You do not have access to this page" in r.content.decode()


@override_settings(DEBUG=False)
def test_server_error_shows_no_trace_and_no_member_data(monkeypatch, nurse, nurse_review):
    def broken(*args, **kwargs):
        raise RuntimeError(f"boom while reading {nurse_review.member_name} {nurse_review.member_id}")

    monkeypatch.setattr(views, "answers_by_step", broken)
    client = Client(raise_request_exception=False)
    client.force_login(nurse)
    r = client.get(reverse("review_detail", kwargs={"review_id": nurse_review.public_id}))
    assert r.status_code == 500
    html = r.content.decode()
    assert "Something went wrong" in html
    for secret in ("Traceback", "RuntimeError", "boom", "Jordan Blake", "M20000001"):
        assert secret not in html
