"""Log-in throttling, idle sessions, and a way out on every page."""

import datetime as dt

from django.conf import settings
from django.contrib.sessions.models import Session
from django.urls import reverse
from django.utils import timezone


def attempt(client, password):
    return client.post(reverse("login"), {"username": "nurse1", "password": password}, REMOTE_ADDR="10.0.0.7")


def test_it_locks_a_username_after_five_failed_attempts(client, nurse):
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200
    locked = attempt(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    # Even the right password is refused while locked.
    assert attempt(client, "pw-for-tests-0261").status_code == 429


def test_a_good_password_before_the_limit_logs_in_and_resets_the_count(client, nurse):
    for _ in range(3):
        attempt(client, "wrong")
    assert attempt(client, "pw-for-tests-0261").status_code == 302
    client.logout()
    for _ in range(4):
        assert attempt(client, "wrong").status_code == 200


def test_a_hostile_username_gets_a_message_not_an_error(client, db):
    r = client.post(reverse("login"), {"username": "nurse\x00<script>", "password": "x"})
    assert r.status_code == 200
    assert "Null characters are not allowed." in r.content.decode()


def test_sessions_end_after_thirty_idle_minutes(client, nurse):
    assert settings.SESSION_COOKIE_AGE == 30 * 60 and settings.SESSION_SAVE_EVERY_REQUEST
    client.force_login(nurse)
    assert client.get(reverse("queue")).status_code == 200
    session = Session.objects.get()
    assert session.expire_date - timezone.now() > dt.timedelta(minutes=29)
    Session.objects.update(expire_date=timezone.now() - dt.timedelta(seconds=1))
    r = client.get(reverse("queue"))
    assert r.status_code == 302 and r["Location"].startswith(reverse("login"))


def test_every_page_offers_log_out(client, nurse, nurse_review):
    client.force_login(nurse)
    for url in [reverse("queue"), reverse("policy_detail"), reverse("review_new"),
                reverse("review_detail", kwargs={"review_id": nurse_review.public_id})]:
        html = client.get(url).content.decode()
        assert f'action="{reverse("logout")}"' in html and ">Log out<" in html, url
