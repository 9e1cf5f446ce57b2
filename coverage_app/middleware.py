"""Middleware for the whole site."""

from django.shortcuts import render
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
