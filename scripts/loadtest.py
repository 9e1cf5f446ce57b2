"""`make loadtest`: simulated nurse reviewers against gunicorn on PostgreSQL, through the real forms.

Creates a fresh database, starts gunicorn (4 workers) on 127.0.0.1, and runs N clients for S
seconds. Each client logs in and, over and over, enters a new request, answers the transplant and
indication steps, and finishes it from the summary (approving a DLI that meets the criteria, or
sending an HPC boost at 100% donor chimerism to physician review), with CSRF tokens as a browser
sends them. It prints requests per second, p50 and p99 latency and the error count, then checks
that every review a client finished is in the database exactly once, finished.

Traffic goes only to 127.0.0.1; every loop is bounded by the deadline.
"""

import argparse
import datetime as dt
import http.cookiejar
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from scripts.scratch_server import (  # noqa: E402
    NeedsPostgres,
    gunicorn,
    migrate_and_collect,
    production_env,
    scratch_database,
)

PASSWORD = "load-test-password-0261"
# A month ahead: requests are for services not yet given.
DATE_OF_SERVICE = (dt.date.today() + dt.timedelta(days=30)).isoformat()
REVISION = re.compile(r'name="revision" value="(\d+)"')
UUID_IN_PATH = re.compile(r"/reviews/([0-9a-f-]{36})/")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    """Let the client see each redirect, as the browser's next request."""

    def redirect_request(self, *args, **kwargs):
        return None


@dataclass
class Results:
    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    finished: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)


class Reviewer:
    def __init__(self, base: str, username: str, results: Results, number: int):
        self.base, self.username, self.results, self.number = base, username, results, number
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect()
        )

    def csrf(self) -> str:
        return next(c.value for c in self.jar if c.name == "csrftoken")

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        started = time.perf_counter()
        try:
            with self.opener.open(self.base + path, data=body, timeout=60) as response:
                status, text, location = response.status, response.read().decode(), ""
        except urllib.error.HTTPError as e:  # 3xx and errors arrive here without redirects
            status, text, location = e.code, e.read().decode(errors="replace"), e.headers.get("Location", "")
        elapsed = time.perf_counter() - started
        with self.results.lock:
            self.results.latencies.append(elapsed)
            if status >= 400:
                self.results.errors.append(f"{status} {'POST' if data else 'GET'} {path}")
        return status, text, location

    def expect_redirect(self, path: str, data: dict) -> str:
        status, _text, location = self.request(path, data)
        if status != 302:
            raise RuntimeError(f"{path}: expected a redirect, got {status}")
        return urllib.parse.urlsplit(location).path

    def log_in(self) -> None:
        self.request("/accounts/login/")
        self.expect_redirect("/accounts/login/", {"username": self.username, "password": PASSWORD})

    def one_review(self, n: int) -> None:
        dli = n % 2 == 0
        self.request("/reviews/new/")
        step = self.expect_redirect("/reviews/new/", {
            "member_name": f"Load Member {self.number}-{n}", "member_id": f"L{self.number:03d}{n:05d}",
            "member_date_of_birth": "1970-04-02", "line_of_business": "commercial",
            "requesting_provider": "Dana Whitfield, MD", "provider_npi": "1234567893",
            "service": "dli" if dli else "hpc_boost", "planned_date_of_service": DATE_OF_SERVICE,
            "urgency": "standard", "diagnosis_codes": "C92.02", "action": "continue",
            "request_type": "pre_service", "member_address_line1": "12 Elm Street", "member_city": "Chicago",
            "member_state": "IL", "member_zip": "60622", "units_requested": "1",
            "servicing_facility": "Riverside Cancer Center", "servicing_npi": "1245319599",
        })
        review_id = UUID_IN_PATH.search(step).group(1)
        _s, page, _l = self.request(step)
        step = self.expect_redirect(step, {
            "had_transplant": "True", "transplant_type": "allogeneic", "transplant_date": "2025-06-01",
            "same_donor": "True", "action": "continue", "revision": REVISION.search(page).group(1),
        })
        _s, page, _l = self.request(step)
        answers = (
            {"hematologic_malignancy": "True", "indication": "relapsed"}
            if dli
            else {"indication": "enhance_chimerism", "donor_chimerism_percent": "100",
                  "chimerism_study_date": "2026-10-01", "chimerism_specimen": "peripheral_blood"}
        )
        summary = self.expect_redirect(step, {**answers, "action": "continue", "revision": REVISION.search(page).group(1)})
        _s, page, _l = self.request(summary)
        done = self.expect_redirect(summary, {
            "action": "approve" if dli else "refer", "overall_note": "Load test",
            "revision": REVISION.search(page).group(1),
        })
        # A finished review lands on its own page.
        if done != f"/reviews/{review_id}/":
            raise RuntimeError(f"finishing {review_id} went to {done}")
        with self.results.lock:
            self.results.finished.append(review_id)
        self.request("/queue/")

    def run(self, deadline: float) -> None:
        try:
            self.log_in()
        except Exception as e:  # noqa: BLE001 - every failure is counted, none stops the run
            with self.results.lock:
                self.results.errors.append(f"log in {self.username}: {e}")
            return
        n = 0
        while time.monotonic() < deadline:
            try:
                self.one_review(n)
            except Exception as e:  # noqa: BLE001
                with self.results.lock:
                    self.results.errors.append(f"{self.username} review {n}: {e}")
            n += 1


def create_nurses(env: dict, clients: int) -> None:
    script = (
        "from django.contrib.auth.models import Group, User\n"
        "nurses = Group.objects.get(name='Nurse reviewer')\n"
        f"for i in range({clients}):\n"
        f"    u = User.objects.create_user(f'loadnurse{{i:03d}}', password='{PASSWORD}')\n"
        "    u.groups.add(nurses)\n"
    )
    subprocess.run([sys.executable, "manage.py", "shell", "-c", script], cwd=PROJECT, env=env,
                   check=True, stdout=subprocess.DEVNULL)


def verify(url: str, finished: list[str]) -> tuple[bool, str]:
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT public_id::text, status FROM coverage_app_review WHERE public_id::text = ANY(%s)",
            (finished,),
        ).fetchall()
        letters = conn.execute(
            "SELECT count(*) FROM coverage_app_letter l JOIN coverage_app_determination d "
            "ON d.id = l.determination_id JOIN coverage_app_review r ON r.id = d.review_id "
            "WHERE r.public_id::text = ANY(%s)", (finished,),
        ).fetchone()[0]
    found = [r[0] for r in rows]
    unfinished = [r for r in rows if r[1] not in ("approved", "pending_physician_review")]
    ok = len(finished) == len(set(finished)) == len(found) == len(set(found)) and not unfinished
    approvals = sum(1 for r in rows if r[1] == "approved")
    ok = ok and letters == approvals
    return ok, (
        f"finished by clients {len(finished)}, distinct {len(set(finished))}, in the database "
        f"{len(found)}, not finished there {len(unfinished)}, approvals {approvals} with "
        f"{letters} letters"
    )


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--database", default="coverage_loadtest")
    args = parser.parse_args()

    try:
        _server, db_url = scratch_database(args.database)
    except NeedsPostgres as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    env = production_env(db_url, ALLOWED_HOSTS="127.0.0.1", DB_CONN_MAX_AGE="60", AXES_FAILURE_LIMIT="1000")
    print(f"preparing database {args.database} with {args.clients} nurse accounts ...", flush=True)
    migrate_and_collect(env)
    create_nurses(env, args.clients)

    with gunicorn(env, args.port, args.workers) as base:
        results = Results()
        print(f"{args.clients} reviewers for {args.seconds:g} s against gunicorn ({args.workers} workers) ...", flush=True)
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(target=Reviewer(base, f"loadnurse{i:03d}", results, i).run, args=(deadline,))
            for i in range(args.clients)
        ]
        for t in threads:
            t.start()
        for t in threads:
            t.join(timeout=args.seconds + 180)
        elapsed = time.monotonic() - started

    lat = results.latencies
    ok, summary = verify(db_url, results.finished)
    print(f"requests:          {len(lat)} in {elapsed:.1f} s")
    print(f"requests/second:   {len(lat) / elapsed:.1f}")
    if lat:
        print(f"latency p50:       {statistics.median(lat) * 1000:.0f} ms")
        print(f"latency p99:       {percentile(lat, 99) * 1000:.0f} ms")
    print(f"errors:            {len(results.errors)}")
    for line in results.errors[:10]:
        print(f"  {line}")
    print(f"reviews finished:  {len(results.finished)}")
    print(f"database check:    {'ok' if ok else 'FAILED'}: {summary}")
    return 0 if ok and not results.errors and results.finished else 1


if __name__ == "__main__":
    sys.exit(main())
