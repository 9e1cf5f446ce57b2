"""/healthz (the process answers; no database) and /readyz (the database answers and every
migration is applied), for a load balancer or Kubernetes: no login, no member data, whatever
Host the probe sends and over plain HTTP."""

import pytest
from django.db import connection
from django.test import override_settings

PROBE_HOST = {"HTTP_HOST": "10.42.0.17:8000"}  # a pod's address, in no ALLOWED_HOSTS


@override_settings(SECURE_SSL_REDIRECT=True)
def test_healthz_answers_without_login_or_database(client):
    # No django_db mark: pytest-django makes any database access here an error.
    r = client.get("/healthz", **PROBE_HOST)
    assert (r.status_code, r.content, r["Content-Type"]) == (200, b"ok\n", "text/plain; charset=utf-8")
    assert "no-store" in r["Cache-Control"]


@pytest.mark.django_db(transaction=True)
def test_healthz_answers_while_the_database_is_down(client, take_database_down):
    take_database_down()
    assert client.get("/healthz", **PROBE_HOST).status_code == 200


@pytest.mark.django_db
@override_settings(SECURE_SSL_REDIRECT=True)
def test_readyz_answers_when_the_database_answers_and_is_migrated(client):
    r = client.get("/readyz", **PROBE_HOST)
    assert (r.status_code, r.content) == (200, b"ready\n")


@pytest.mark.django_db(transaction=True)
def test_readyz_says_not_ready_while_the_database_is_down(client, take_database_down):
    take_database_down()
    r = client.get("/readyz", **PROBE_HOST)
    assert r.status_code == 503 and r["Retry-After"] == "30"
    assert r.content == b"not ready: the database cannot be reached (OperationalError)\n"


@pytest.mark.django_db
def test_readyz_says_not_ready_while_a_migration_is_pending(client):
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM django_migrations WHERE id = (SELECT max(id) FROM django_migrations WHERE app = 'coverage_app')"
        )
    r = client.get("/readyz", **PROBE_HOST)
    assert (r.status_code, r.content) == (503, b"not ready: 1 migration not applied\n")


def test_other_pages_still_need_a_login_and_an_allowed_host(client, db):
    assert client.get("/queue/").status_code == 302
    assert client.get("/healthz/").status_code != 200  # only the exact paths are probes
    assert client.get("/queue/", **PROBE_HOST).status_code == 400
