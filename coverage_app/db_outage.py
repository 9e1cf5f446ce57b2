"""A database that cannot be reached is an outage, not a bug: 503 with Retry-After, a page that
says nothing was saved, and one line in the log per process when it starts and one when it ends,
not a traceback per request.

"Cannot be reached": the connection is refused, times out or drops (no SQLSTATE, or class 08),
the server is shutting down or starting (57P01-57P03), it has no connection slot left (53300),
or it answers read-only because the app still talks to a primary that a failover demoted
(25006). Every other database error (a deadlock, a constraint) stays a 500 and is logged in full.
"""

import logging
import threading
import time

from django.db import utils

logger = logging.getLogger("coverage_app.database")

RETRY_AFTER_SECONDS = 30
_UNREACHABLE_STATES = {"57P01", "57P02", "57P03", "53300", "25006"}


def unreachable_in(exc: BaseException | None) -> BaseException | None:
    """The database error behind `exc`, if an unreachable database is what it comes down to
    (Django wraps some: a session that cannot be saved becomes SessionInterrupted)."""
    seen = set()
    while exc is not None and id(exc) not in seen:
        if is_unreachable(exc):
            return exc
        seen.add(id(exc))
        exc = exc.__cause__ or exc.__context__
    return None


def is_unreachable(exc: BaseException | None) -> bool:
    if isinstance(exc, utils.InterfaceError):  # the connection is closed under us
        return True
    if not isinstance(exc, utils.DatabaseError):
        return False
    state = getattr(exc.__cause__, "sqlstate", None)
    if isinstance(exc, utils.OperationalError) and state is None:
        return True  # refused, timed out, or the server went away mid-query
    return state is not None and (state.startswith("08") or state in _UNREACHABLE_STATES)


class _Outage:
    """This process's view of the outage: when it began and how many requests it turned away."""

    def __init__(self):
        self._lock = threading.Lock()
        self.since: float | None = None
        self.turned_away = 0

    def seen(self, exc: BaseException, turned_away: bool = True) -> None:
        with self._lock:
            self.turned_away += turned_away
            if self.since is not None:
                return
            self.since = time.monotonic()
        logger.error("The database cannot be reached (%s); answering 503 until it is back.", _first_line(exc))

    def reconnected(self, **_signal) -> None:
        """A new connection was made (django.db.backends.signals.connection_created): if the
        database was out, it is back. After an outage every connection is new, and otherwise
        this runs once a connection's lifetime (CONN_MAX_AGE), not once a request."""
        if self.since is None:
            return
        with self._lock:
            if self.since is None:
                return
            seconds, count = time.monotonic() - self.since, self.turned_away
            self.since, self.turned_away = None, 0
        logger.warning("The database answers again after %.0f s; %s answered 503 meanwhile.", seconds,
                       "1 request was" if count == 1 else f"{count} requests were")


outage = _Outage()


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}".rstrip(": ")


class NotTheOutage(logging.Filter):
    """For django.request: drop its "Service Unavailable" line for each request the outage turned
    away (the outage has its own two lines), and for each /readyz that says so."""

    def filter(self, record: logging.LogRecord) -> bool:
        request = getattr(record, "request", None)
        if getattr(request, "database_unreachable", False):
            return False
        return unreachable_in(record.exc_info[1] if record.exc_info else None) is None
