import pytest
from django.urls import reverse


@pytest.mark.parametrize("name", ["home", "policy_detail"])
def test_it_sends_anonymous_users_to_the_login_page(client, db, name):
    r = client.get(reverse(name))
    assert r.status_code == 302
    assert r["Location"].startswith("/accounts/login/?next=")


def test_it_serves_the_login_page_at_accounts_login(client, db):
    r = client.get("/accounts/login/")
    assert r.status_code == 200
    assert b'name="username"' in r.content and b'name="password"' in r.content


def test_it_logs_a_user_in_and_out(client, nurse):
    r = client.post("/accounts/login/", {"username": "nurse1", "password": "pw-for-tests-0261"})
    assert r.status_code == 302
    assert client.get(reverse("policy_detail")).status_code == 200
    r = client.post(reverse("logout"))
    assert r.status_code == 302 and r["Location"] == reverse("login")
    assert client.get(reverse("policy_detail")).status_code == 302


def test_it_shows_an_error_beside_a_wrong_password_and_keeps_the_username(client, nurse):
    r = client.post("/accounts/login/", {"username": "nurse1", "password": "wrong"})
    assert r.status_code == 200
    assert b"Please enter a correct username and password" in r.content
    assert b'value="nurse1"' in r.content


def test_it_shows_the_policy_criteria_in_the_policys_words(client, nurse):
    client.force_login(nurse)
    r = client.get(reverse("policy_detail"))
    text = r.content.decode()
    assert "Medical Coverage Policy 0261" in text
    assert "May 15, 2024" in text and "May 15, 2025" in text
    assert "Review overdue" in text  # the next review date has passed
    for code in ["DLI-1", "DLI-2", "DLI-3", "HPC-1", "HPC-2a", "HPC-2b"]:
        assert code in text
    assert "enhancement of chimerism when studies reveal &lt;100% donor cells" in text
    assert "No clinical policy statement changes." in text


def test_the_admin_login_stays_reachable(client, db):
    assert client.get("/admin/login/").status_code == 200
