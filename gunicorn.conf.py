"""gunicorn's settings for production; `gunicorn config.wsgi` reads this file from the project
folder. Command-line options (the load, bench and fault tests pass their own) win over it."""

import os

bind = os.getenv("GUNICORN_BIND", "127.0.0.1:8000")
workers = int(os.getenv("WEB_CONCURRENCY", "4"))
# A worker silent this long is killed and replaced; an approval with its letter takes under a second.
timeout = int(os.getenv("GUNICORN_TIMEOUT", "60"))
# On SIGTERM (a deploy, a scale-down) a worker stops taking requests and has this long to finish
# the ones it holds, so a determination being issued completes. Kubernetes' grace period
# (terminationGracePeriodSeconds, 30 s by default) must be longer.
graceful_timeout = int(os.getenv("GUNICORN_GRACEFUL_TIMEOUT", "25"))
# gunicorn 27's control socket is one file per user (~/.gunicorn/gunicorn.ctl): two servers run by
# one account would fight over it, and nothing here uses it.
control_socket_disable = True
