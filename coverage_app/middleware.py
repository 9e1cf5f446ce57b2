"""Middleware for the whole site."""

from django.contrib.sessions import middleware as sessions
from django.contrib.sessions.exceptions import SessionInterrupted
from django.shortcuts import render

from coverage_app import views_ops
from coverage_app.db_outage import outage, unreachable_in
from django.utils.cache import add_never_cache_headers


class NoStoreMiddleware:
    """Tell browsers and proxies never to store a response: pages and downloads show member data.

    Shared hospital workstations keep a browser's disk cache (letter PDFs, CSVs) for the next user.
    Sits after WhiteNoiseMiddleware, so static files, served before this runs, stay cacheable.
    A view's own Cache-Control is overridden: no-store wins over public or a max-age.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        add_never_cache_headers(response)
        return response


class RefuseNulMiddleware:
    """Answer an address holding a NUL character with a 400 page that says so.

    PostgreSQL refuses NUL in text, so a NUL in a search box or an admin list filter reached the
    database and came back as a server error; nothing legitimate ever carries one.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any(
            "\x00" in key or any("\x00" in value for value in values) for key, values in request.GET.lists()
        ):
            return render(request, "400.html", {"problem": "nul"}, status=400)
        return self.get_response(request)


class ProbeMiddleware:
    """Answer /healthz and /readyz first, before anything that could redirect them (HTTPS), refuse
    them (ALLOWED_HOSTS: a probe calls a pod by its address) or touch the database (sessions).
    Neither needs a login; neither says anything about a member."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path == "/healthz":
            return views_ops.healthz()
        if request.path == "/readyz":
            return views_ops.readyz(request)
        return self.get_response(request)


class SessionMiddleware(sessions.SessionMiddleware):
    """Django's, but when the database goes away between the view and the session's save (every
    request refreshes the 30-minute idle clock), the view's answer stands: its work is committed,
    and only the clock's refresh is lost. Django would answer 400, "session interrupted"."""

    def process_response(self, request, response):
        try:
            return super().process_response(request, response)
        except SessionInterrupted as e:
            cause = unreachable_in(e)
            if cause is None:
                raise
            outage.seen(cause, turned_away=False)
            return response
