# The two commands a newcomer needs: `make run` and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test loadtest faulttest bench venv clean

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.installed

run: venv
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo
	$(PY) manage.py runserver 0.0.0.0:$(PORT)

test: venv
	@url=$$(scripts/ensure-postgres) && echo "tests use $${url%%://*} ($$url)" && \
	  DATABASE_URL="$$url" DB_CONN_MAX_AGE=0 $(PY) -m pytest $(PYTEST_ARGS)

# 50 simulated reviewers against gunicorn (4 workers) on PostgreSQL: flat out for 60 seconds, then
# paced (each waits 5 to 15 s before each request) for 180 seconds; fails if the paced p99 is not
# under 300 ms, or on any error or lost review.
loadtest: venv
	@url=$$(REQUIRE_POSTGRES=1 scripts/ensure-postgres) && \
	  DATABASE_URL="$$url" $(PY) scripts/loadtest.py --profile both $(LOADTEST_ARGS)

# 20 simulated reviewers while faults strike, each in its own phase: PostgreSQL restarted, PostgreSQL
# down for 10 s, a gunicorn worker SIGKILLed and the gunicorn master SIGTERMed during approvals;
# fails on any 500, a 503 without Retry-After, or a finished review lost, doubled or without its one
# letter. Needs no DATABASE_URL: it runs a private PostgreSQL of its own. CI: FAULTTEST_ARGS=--quick.
faulttest: venv
	$(PY) scripts/faulttest.py $(FAULTTEST_ARGS)

# Ratios against the framework's floor, with 100,000 reviews; writes bench/results.json.
bench: venv
	@url=$$(REQUIRE_POSTGRES=1 scripts/ensure-postgres) && \
	  DATABASE_URL="$$url" $(PY) bench/run.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles test-output .pytest_cache
