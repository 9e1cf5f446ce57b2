"""The password-change form's old-password check counts towards the log-in lockout.

Otherwise a stolen session could guess the account's password there without limit.
"""

from axes.models import AccessAttempt
from django.urls import reverse

PASSWORD = "pw-for-tests-0261"
NEW_PASSWORD = "Marrow-graft-7341"
ADDRESS = "10.0.0.9"


def change(client, old_password):
    data = {"old_password": old_password, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    return client.post(reverse("password_change"), data, REMOTE_ADDR=ADDRESS)


def test_it_locks_out_after_five_wrong_old_passwords(client, nurse):
    client.force_login(nurse)
    for _ in range(4):
        r = change(client, "wrong")
        assert r.status_code == 200
        assert "Your old password was entered incorrectly" in r.content.decode()
    locked = change(client, "wrong")
    assert locked.status_code == 429
    assert "Too many failed log-in attempts" in locked.content.decode()
    # Even the right old password is refused while locked, and the password stays as it was.
    refused = change(client, PASSWORD)
    assert refused.status_code == 429
    assert "Too many failed log-in attempts" in refused.content.decode()
    nurse.refresh_from_db()
    assert nurse.check_password(PASSWORD) and not nurse.check_password(NEW_PASSWORD)


def test_it_locks_the_log_in_too_after_five_wrong_old_passwords(client, nurse):
    client.force_login(nurse)
    for _ in range(5):
        change(client, "wrong")
    client.logout()
    login = {"username": "nurse1", "password": PASSWORD}
    assert client.post(reverse("login"), login, REMOTE_ADDR=ADDRESS).status_code == 429


def test_it_changes_the_password_after_a_few_wrong_guesses(client, nurse):
    client.force_login(nurse)
    for _ in range(2):
        assert change(client, "wrong").status_code == 200
    counted = AccessAttempt.objects.get(username="nurse1", ip_address=ADDRESS)
    assert counted.failures_since_start == 2
    r = change(client, PASSWORD)
    assert r.status_code == 302 and r["Location"] == reverse("password_change_done")
    nurse.refresh_from_db()
    assert nurse.check_password(NEW_PASSWORD)
    # Still logged in: the session follows the new password.
    assert client.get(reverse("password_change_done")).status_code == 200


def test_the_admin_password_change_is_throttled_too(client, policy_staff):
    client.force_login(policy_staff)
    url = reverse("admin:password_change")
    data = {"old_password": "wrong", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    for _ in range(4):
        assert "Your old password was entered incorrectly" in client.post(url, data, REMOTE_ADDR=ADDRESS).content.decode()
    assert client.post(url, data, REMOTE_ADDR=ADDRESS).status_code == 429
    assert client.post(url, {**data, "old_password": PASSWORD}, REMOTE_ADDR=ADDRESS).status_code == 429
    policy_staff.refresh_from_db()
    assert policy_staff.check_password(PASSWORD)


def test_the_admin_password_change_still_changes_the_password(client, policy_staff):
    client.force_login(policy_staff)
    data = {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    r = client.post(reverse("admin:password_change"), data, REMOTE_ADDR=ADDRESS)
    assert r.status_code == 302 and r["Location"] == reverse("admin:password_change_done")
    policy_staff.refresh_from_db()
    assert policy_staff.check_password(NEW_PASSWORD)
