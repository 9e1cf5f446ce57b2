"""What operations need from the app: the 500 handler, which answers an unreachable database
with 503 instead, and the probes a load balancer or Kubernetes asks (coverage_app.middleware
.ProbeMiddleware answers them before anything else runs)."""

import sys

from django.db import DatabaseError, connection
from django.db.migrations.executor import MigrationExecutor
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.views import defaults

from coverage_app.db_outage import RETRY_AFTER_SECONDS, is_unreachable, outage
from coverage_app.fhir.outcome import Issue, operation_outcome
from coverage_app.views_fhir import fhir_json

API_PREFIXES = ("/fhir/", "/cds-services")


def server_error(request: HttpRequest) -> HttpResponse:
    """handler500: Django calls it while the exception is being handled."""
    exc = sys.exception()
    if not is_unreachable(exc):
        return defaults.server_error(request)
    if not getattr(request, "database_unreachable", False):  # a middleware may meet it again on the way out
        outage.seen(exc)
    request.database_unreachable = True  # db_outage.NotTheOutage keeps it out of django.request's log
    if request.path.startswith(API_PREFIXES):
        response = fhir_json(operation_outcome([Issue(
            "transient", "The service is briefly unavailable and nothing was saved; send the request again in a minute.",
        )]), status=503)
    else:
        # Rendered without the request: no context processor may ask the database for the user.
        response = HttpResponse(loader.render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def healthz() -> HttpResponse:
    """The process answers. Touches no database: a database outage must not get every worker
    restarted by its liveness probe."""
    return _plain(200, "ok")


def readyz(request: HttpRequest) -> HttpResponse:
    """The database answers and every migration is applied: this process can serve requests."""
    try:
        connection.ensure_connection()
        executor = MigrationExecutor(connection)
        pending = executor.migration_plan(executor.loader.graph.leaf_nodes())
    except DatabaseError as exc:
        request.database_unreachable = True  # the probe's answer says it: no log line per probe
        return _plain(503, f"not ready: the database cannot be reached ({type(exc).__name__})")
    if pending:
        return _plain(503, f"not ready: {len(pending)} migration{'s' if len(pending) != 1 else ''} not applied")
    return _plain(200, "ready")


def _plain(status: int, text: str) -> HttpResponse:
    response = HttpResponse(text + "\n", status=status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    if status == 503:
        response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response
