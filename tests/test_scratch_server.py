"""The scratch gunicorn of `make loadtest` and `make bench` never measures another server."""

import socket

import pytest

from scripts.scratch_server import gunicorn, production_env


def test_it_stops_when_gunicorn_cannot_take_its_port():
    # Something else listens on the port (another run, say): gunicorn cannot bind and exits, and
    # the scripts must say so rather than time whatever answers there.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        env = production_env("sqlite:///unused.sqlite3", ALLOWED_HOSTS="127.0.0.1")
        with pytest.raises(RuntimeError, match=f"port {port} taken"):
            with gunicorn(env, port, workers=1):
                pass
