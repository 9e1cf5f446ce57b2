"""Which database errors are an outage (503, logged once) and which are a bug (500, logged in
full): coverage_app.db_outage.is_unreachable, on the errors psycopg raises, as Django wraps them."""

import psycopg
import pytest
from django.db import utils

from coverage_app.db_outage import is_unreachable


def wrapped(django_class, psycopg_error):
    """As django.db.utils.DatabaseErrorWrapper raises them: Django's class, psycopg's as the cause."""
    error = django_class(str(psycopg_error))
    error.__cause__ = psycopg_error
    return error


@pytest.mark.parametrize("error", [
    wrapped(utils.OperationalError, psycopg.OperationalError("connection failed: Connection refused")),
    wrapped(utils.OperationalError, psycopg.OperationalError("server closed the connection unexpectedly")),
    wrapped(utils.OperationalError, psycopg.errors.AdminShutdown("terminating connection due to administrator command")),
    wrapped(utils.OperationalError, psycopg.errors.CannotConnectNow("the database system is starting up")),
    wrapped(utils.OperationalError, psycopg.errors.TooManyConnections("sorry, too many clients already")),
    wrapped(utils.OperationalError, psycopg.errors.ConnectionFailure("connection failure")),
    wrapped(utils.InternalError, psycopg.errors.ReadOnlySqlTransaction("cannot execute INSERT in a read-only transaction")),
    wrapped(utils.InterfaceError, psycopg.InterfaceError("the connection is closed")),
    utils.InterfaceError("connection already closed"),
], ids=lambda e: str(e)[:40])
def test_it_calls_these_an_outage(error):
    assert is_unreachable(error)


@pytest.mark.parametrize("error", [
    wrapped(utils.IntegrityError, psycopg.errors.UniqueViolation("duplicate key value")),
    wrapped(utils.OperationalError, psycopg.errors.DeadlockDetected("deadlock detected")),
    wrapped(utils.OperationalError, psycopg.errors.QueryCanceled("canceling statement due to statement timeout")),
    wrapped(utils.InternalError, psycopg.errors.RaiseException("An issued letter cannot be changed")),
    wrapped(utils.ProgrammingError, psycopg.errors.UndefinedTable("relation does not exist")),
    ValueError("not a database error"),
    None,
], ids=lambda e: str(e)[:40])
def test_it_calls_these_a_bug(error):
    assert not is_unreachable(error)
