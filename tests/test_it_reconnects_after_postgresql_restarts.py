"""A connection kept between requests (CONN_MAX_AGE) dies when PostgreSQL restarts (a failover, a
minor upgrade). The first request after it must reconnect, not answer 500 or 503: the kept
connection is checked before reuse (CONN_HEALTH_CHECKS)."""

import psycopg
import pytest
from django.conf import settings
from django.db import close_old_connections, connection
from django.urls import reverse

pytestmark = pytest.mark.django_db(transaction=True)


def test_settings_check_kept_connections_and_give_up_connecting_after_5_seconds():
    database = settings.DATABASES["default"]
    assert database["CONN_HEALTH_CHECKS"] is True
    if database["ENGINE"].endswith("postgresql"):
        assert database["OPTIONS"]["connect_timeout"] == 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's own connections")
def test_the_first_request_after_a_restart_reconnects(client, seeded, nurse, monkeypatch):
    client.force_login(nurse)
    # As in production: the connection is kept for 60 s between requests.
    monkeypatch.setitem(connection.settings_dict, "CONN_MAX_AGE", 60)
    connection.close()
    assert client.get(reverse("queue")).status_code == 200
    kept = connection.connection.info.backend_pid

    # What a restart does to every connection: the server ends it.
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", [kept])

    close_old_connections()  # what Django does when a request starts (the test client skips it)
    r = client.get(reverse("queue"))
    assert r.status_code == 200
    assert connection.connection.info.backend_pid != kept
    connection.close()
