"""`make faulttest`: simulated nurse reviewers keep working while PostgreSQL and gunicorn fail under them.

The load test shows the app is fast when everything works; this shows what reviewers meet when
something does not, and that nothing they finished is lost or doubled. It starts a PRIVATE
PostgreSQL server (its own initdb in a temporary directory, on 127.0.0.1:--pg-port, 5499 by
default), so that it can stop and restart it without harming anyone, and gunicorn (4 workers,
DEBUG off, DB_CONN_MAX_AGE=60, as in production, with its output in --app-log) on --port. Then,
phase by phase, fresh reviewer threads (the load test's, through the real forms) log in and work
flat out while one fault is injected about a third of the way in:

  a. restart   PostgreSQL restarts (pg_ctl restart -m fast): every worker's kept connection dies.
  b. outage    PostgreSQL stops for --outage-seconds, then starts again.
  c. kill      a gunicorn worker is SIGKILLed (as the OOM killer does) while an approval, which
               issues a determination and its PDF letter in one transaction, is in flight; three
               times, spaced out, in the full run.
  d. redeploy  the gunicorn master is SIGTERMed while approvals are in flight (as a deploy does);
               once it has exited (its workers finish what they hold first), gunicorn starts again
               on the same port.

The reviewers behave as people do: on a 503 they wait (its Retry-After, capped) and send the same
request again; when the connection is refused, reset or closed without an answer, they wait 0.5 s
and send it again; after --give-up-seconds they give up that request (counted). A finishing POST
(approve or refer) that had to be resent may have committed the first time, before its worker
died: if the resend does not answer with the redirect to the review's page, the reviewer opens the
review's page and counts it finished when its status badge says so.

After each phase it prints: requests; answers by status and transport errors by kind; reviews the
clients finished, and how many of those are in the database exactly once with the status the
client gave them; approvals and their letters (exactly one each), and reviews with more than one
determination in force (none); 500s (must be 0); 503s without Retry-After (must be 0); the app's log
lines that mention the database during the phase (the outage should be logged once per worker, not
once per request); what /healthz and /readyz answered (skipped, with a note, while /healthz is a
404); and a verdict. A table sets the phases side by side. Exit status 0 only when every phase
passes, 1 when one does not, 2 when PostgreSQL's server binaries (or a way to run them) are missing.

--quick (CI): 8 s phases, a 3 s outage, one kill, Retry-After capped at 1 s: about a minute and a
half of phases (log-ins included) after a minute or so of setup (migrations, static files, nurse
accounts). Traffic goes only to 127.0.0.1; every wait is bounded.
"""

import argparse
import collections
import contextlib
import email.utils
import http.client
import os
import random
import re
import signal
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

from scripts.loadtest import (  # noqa: E402
    UUID_IN_PATH,
    NoRedirect,
    Profile,
    Results,
    Reviewer,
    Stop,
    create_nurses,
    latency_ms,
)
from scripts.scratch_server import (  # noqa: E402
    NeedsPostgres,
    gunicorn_server,
    migrate_and_collect,
    private_postgres,
    production_env,
)

PHASES = {
    "a": ("restart", "restart PostgreSQL"),
    "b": ("outage", "stop PostgreSQL for {outage:g} s, then start it"),
    "c": ("kill", "SIGKILL a gunicorn worker while it issues an approval ({kills}x)"),
    "d": ("redeploy", "SIGTERM the gunicorn master while approvals are in flight, start it again"),
}
# How a finished review's page shows its status: the badge after the heading
# (templates/coverage_app/includes/review_heading.html), worded as Review.Status labels it.
STATUS_BADGE = re.compile(r'<h1[^>]*>Review [^<]*</h1>\s*<span class="badge[^"]*">([^<]+)</span>')
FINISHED_LABEL = {"approve": "Approved", "refer": "Pending physician review"}
FINISHED_STATUS = {"approve": "approved", "refer": "pending_physician_review"}
UUID = re.compile(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
UNAVAILABLE_TITLE = re.compile(r"<title>[^<]*Service briefly unavailable", re.I)
# A log line "mentions the database" when it names it or a driver error. Traceback frames
# (indented) are left out: one error would otherwise count as dozens of lines.
DB_WORDS = re.compile(r"database|postgres|psycopg|OperationalError|InterfaceError|DatabaseError", re.I)


@dataclass
class Config:
    clients: int
    phase_seconds: float
    outage_seconds: float
    retry_cap: float  # longest a reviewer honours Retry-After
    give_up: float  # seconds after which one request is abandoned
    error_pause: float  # a person reads an error page before going on
    kills: int
    seed: int


class GaveUp(RuntimeError):
    pass


@dataclass
class FaultResults(Results):
    """The load test's figures, and what the faults did to each request."""

    requests: int = 0  # as the reviewer sends them; resends are not new requests
    attempts: int = 0  # each sending, resends included
    statuses: collections.Counter = field(default_factory=collections.Counter)  # per attempt
    transport: collections.Counter = field(default_factory=collections.Counter)  # per attempt
    retry_after: collections.Counter = field(default_factory=collections.Counter)  # the values seen
    no_retry_after: int = 0
    unavailable_titled: int = 0  # 503 pages titled "Service briefly unavailable"
    gave_up: list[str] = field(default_factory=list)
    server_errors: list[str] = field(default_factory=list)
    client_errors: list[str] = field(default_factory=list)  # 4xx answers: "status METHOD path"
    slowest: tuple[float, str] = (0.0, "")  # the slowest request until its answer, and which
    created: set[str] = field(default_factory=set)  # reviews the clients know they entered
    finished_action: dict[str, str] = field(default_factory=dict)
    finish_resent: int = 0
    finish_confirmed_by_page: int = 0
    # In flight now: attempt id -> "METHOD path"; approvals counted apart, for the faults to wait on.
    inflight: dict[int, str] = field(default_factory=dict)
    approve_inflight: int = 0
    next_id: int = 0
    # Attempts in flight when gunicorn was SIGTERMed, and how each ended.
    watch: set[int] = field(default_factory=set)
    watched: dict[int, object] = field(default_factory=dict)


def transport_kind(error: BaseException) -> str:
    reason = error.reason if isinstance(error, urllib.error.URLError) else error
    if isinstance(reason, TimeoutError):
        return "timeout"
    if isinstance(reason, ConnectionRefusedError):
        return "refused"
    # RemoteDisconnected is a ConnectionResetError too: test it first.
    if isinstance(reason, (http.client.RemoteDisconnected, http.client.IncompleteRead, http.client.BadStatusLine)):
        return "closed"
    if isinstance(reason, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return "reset"
    return f"other ({type(reason).__name__})"


def retry_after_seconds(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        try:
            return max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        except (TypeError, ValueError):
            return None


class Phase:
    """What the reviewer threads of one phase share with the fault injector."""

    def __init__(self, clients: int, seconds: float):
        self.seconds = seconds
        self.started = self.deadline = 0.0
        # The phase clock starts once every reviewer has logged in: with 20 log-ins (half a second
        # of CPU each, on purpose) inside it, a short phase would be mostly log-ins.
        self.barrier = threading.Barrier(clients + 1, action=self._start)

    def _start(self) -> None:
        self.started = time.monotonic()
        self.deadline = self.started + self.seconds

    def at(self, seconds: float) -> float:
        return self.started + seconds

    def rel(self, moment: float | None = None) -> str:
        return f"{(time.monotonic() if moment is None else moment) - self.started:5.1f} s"


class FaultReviewer(Reviewer):
    def __init__(self, base: str, username: str, results: FaultResults, number: int, profile: Profile,
                 rng: random.Random, cfg: Config, first_review: int):
        super().__init__(base, username, results, number, profile, rng)
        self.cfg, self.first_review = cfg, first_review
        self.last_attempts = 0

    def request(self, path: str, data: dict | None = None) -> tuple[int, str, str]:
        self.think()
        return self.send(path, data)

    def send(self, path: str, data: dict | None = None, approve: bool = False) -> tuple[int, str, str]:
        """One request as a person makes it: sent again after a 503 or a lost connection, until it
        gets an answer or --give-up-seconds pass."""
        r: FaultResults = self.results
        body = None
        if data is not None:
            body = urllib.parse.urlencode({**data, "csrfmiddlewaretoken": self.csrf()}).encode()
        method = "POST" if body else "GET"
        self.sent += 1
        with r.lock:
            r.requests += 1
        started = time.monotonic()
        give_up_at = started + self.cfg.give_up
        self.last_attempts = 0
        while True:
            self.last_attempts += 1
            outcome, text, headers = self.attempt(method, path, body, approve, max(0.5, give_up_at - time.monotonic()))
            if isinstance(outcome, int) and outcome != 503:
                elapsed = time.monotonic() - started
                with r.lock:
                    r.latencies.append(elapsed)
                    login = path == "/accounts/login/" and data is not None
                    (r.logins if login else r.work).append(elapsed)
                    where = f"{outcome} {method} {UUID.sub('<id>', path)}"
                    if outcome >= 500:
                        r.server_errors.append(where)
                    elif outcome >= 400:
                        r.client_errors.append(where)
                    if elapsed > r.slowest[0]:
                        r.slowest = (elapsed, f"{method} {UUID.sub('<id>', path)}, {self.last_attempts} sendings")
                if outcome >= 500:
                    time.sleep(self.cfg.error_pause)
                return outcome, text, headers.get("Location", "")
            if outcome == 503:
                value = headers.get("Retry-After")
                seconds = retry_after_seconds(value)
                with r.lock:
                    r.retry_after[value] += 1
                    r.no_retry_after += value is None
                    r.unavailable_titled += bool(UNAVAILABLE_TITLE.search(text))
                wait = min(seconds if seconds is not None else 1.0, self.cfg.retry_cap)
            elif outcome == "timeout":
                wait = float("inf")  # the attempt already used the rest of the time
            else:
                wait = 0.5
            if time.monotonic() + wait >= give_up_at:
                with r.lock:
                    r.gave_up.append(f"{method} {path}: {outcome} after {self.last_attempts} attempts")
                raise GaveUp(f"{method} {path}: gave up after {self.last_attempts} attempts ({outcome})")
            time.sleep(wait)

    def attempt(self, method: str, path: str, body: bytes | None, approve: bool, timeout: float):
        """Send once: (status or transport error kind, body, headers)."""
        r: FaultResults = self.results
        with r.lock:
            aid = r.next_id
            r.next_id += 1
            r.attempts += 1
            r.inflight[aid] = f"{method} {path}"
            r.approve_inflight += approve
        outcome: object = None
        text, headers = "", {}
        try:
            try:
                with self.opener.open(self.base + path, data=body, timeout=timeout) as response:
                    status, headers = response.status, response.headers
                    text = response.read().decode(errors="replace")
            except urllib.error.HTTPError as e:  # 3xx and errors arrive here without redirects
                status, headers = e.code, e.headers
                text = e.read().decode(errors="replace")
            outcome = status
        except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
            outcome = transport_kind(e)
        finally:
            with r.lock:
                del r.inflight[aid]
                r.approve_inflight -= approve
                if aid in r.watch:
                    r.watched[aid] = outcome
                if isinstance(outcome, int):
                    r.statuses[outcome] += 1
                elif outcome is not None:
                    r.transport[outcome] += 1
        return outcome, text, headers

    def expect_redirect(self, path: str, data: dict) -> str:
        action = data.get("action")
        if action in FINISHED_LABEL:
            return self.finish(path, data, action)
        to = super().expect_redirect(path, data)
        if path == "/reviews/new/" and (m := UUID_IN_PATH.search(to)):
            with self.results.lock:
                self.results.created.add(m.group(1))
        return to

    def finish(self, path: str, data: dict, action: str) -> str:
        """Approve or refer from the summary; a resent finish is checked on the review's page."""
        r: FaultResults = self.results
        review_id = UUID_IN_PATH.search(path).group(1)
        page_path = f"/reviews/{review_id}/"
        self.think()
        status, _text, location = self.send(path, data, approve=action == "approve")
        resent = self.last_attempts > 1
        if resent:
            with r.lock:
                r.finish_resent += 1
        if status == 302 and urllib.parse.urlsplit(location).path == page_path:
            with r.lock:
                r.finished_action[review_id] = action
            return page_path
        if not resent:
            raise RuntimeError(f"{path}: expected a redirect, got {status}")
        # The first attempt may have committed before its worker died; the resend then meets a
        # review that is no longer editable or has changed since it was opened. A person looks.
        page_status, page, _l = self.send(page_path)
        shown = m.group(1).strip() if (m := STATUS_BADGE.search(page)) else None
        if page_status == 200 and shown == FINISHED_LABEL[action]:
            with r.lock:
                r.finish_confirmed_by_page += 1
                r.finished_action[review_id] = action
            return page_path
        raise RuntimeError(f"finishing {review_id}: the resend answered {status}, its page {page_status} "
                           f"showing {shown!r}")

    def work_phase(self, phase: Phase) -> None:
        r: FaultResults = self.results
        self.deadline = time.monotonic() + 600  # logging in is outside the phase clock
        logged_in = False
        try:
            try:
                self.log_in()
                logged_in = True
            except Exception as e:  # noqa: BLE001 - every failure is counted, none stops the run
                with r.lock:
                    r.errors.append(f"log in {self.username}: {e}")
            phase.barrier.wait(timeout=600)
            if not logged_in:
                return
            self.deadline = phase.deadline
            n = self.first_review
            while time.monotonic() < self.deadline:
                try:
                    self.one_review(n)
                except Stop:
                    raise
                except Exception as e:  # noqa: BLE001
                    with r.lock:
                        r.errors.append(f"{self.username} review {n}: {e}")
                n += 1
        except (Stop, threading.BrokenBarrierError):
            pass
        finally:
            with r.lock:
                r.requests_per_reviewer.append(self.sent)


# A FHIR read whose bearer token the app must look up in the database: 401 normally, and while the
# database is down the API's 503 (an OperationOutcome). /fhir/metadata needs no database at all.
FHIR_PROBE = "/fhir/Questionnaire/faulttest-probe"


class Prober(threading.Thread):
    """Asks the given paths, without logging in, every `interval` seconds, as a load balancer's
    health check does; records (start, end, path, status or error kind, body, Retry-After)."""

    def __init__(self, base: str, paths: list[str], interval: float):
        super().__init__(daemon=True)
        self.base, self.paths, self.interval = base, paths, interval
        self.records: list[tuple[float, float, str, object, str, str | None]] = []
        self.lock = threading.Lock()
        self.done = threading.Event()
        self.opener = urllib.request.build_opener(NoRedirect())

    def probe(self, path: str) -> tuple[object, str, str | None]:
        """(status or transport error kind, the body's start, Retry-After)."""
        headers = {"Authorization": "Bearer faulttest-not-a-token"} if path.startswith("/fhir/") else {}
        try:
            # 10 s: under the reviewers' flat-out load a probe waits in the same listen queue
            # as their requests (sync workers); only an app that hangs should time it out.
            with self.opener.open(urllib.request.Request(self.base + path, headers=headers), timeout=10) as response:
                return response.status, response.read(2000).decode(errors="replace"), response.headers.get("Retry-After")
        except urllib.error.HTTPError as e:
            return e.code, e.read(2000).decode(errors="replace"), e.headers.get("Retry-After")
        except (urllib.error.URLError, http.client.HTTPException, OSError) as e:
            return transport_kind(e), "", None

    def run(self) -> None:
        while not self.done.is_set():
            for path in self.paths:
                started = time.monotonic()
                outcome, body, retry_after = self.probe(path)
                with self.lock:
                    self.records.append((started, time.monotonic(), path, outcome, body, retry_after))
            self.done.wait(self.interval)

    def stop(self) -> None:
        self.done.set()
        self.join(timeout=10)

    def outcomes(self, path: str, since: float = 0.0, until: float = float("inf")) -> collections.Counter:
        with self.lock:
            return collections.Counter(o for s, e, p, o, *_x in self.records if p == path and s >= since and e <= until)


def counter_text(counter: collections.Counter) -> str:
    return ", ".join(f"{k}: {v}" for k, v in sorted(counter.items(), key=lambda kv: str(kv[0]))) or "none"


def wait_until(moment: float) -> None:
    time.sleep(max(0.0, moment - time.monotonic()))


def wait_for(condition, until: float, step: float = 0.005) -> bool:
    while time.monotonic() < until:
        if condition():
            return True
        time.sleep(step)
    return condition()


def poll_ready(base: str, limit: float) -> tuple[float | None, collections.Counter]:
    """Seconds until /readyz answers 200 (None if not within `limit`), and what it answered."""
    prober = Prober(base, [], 0)
    seen = collections.Counter()
    started = time.monotonic()
    while time.monotonic() - started < limit:
        outcome, _b, _r = prober.probe("/readyz")
        seen[outcome] += 1
        if outcome == 200:
            return time.monotonic() - started, seen
        time.sleep(0.2)
    return None, seen


@dataclass
class Check:
    ok: bool
    lines: list[str]
    figures: dict


def check_database(url: str, r: FaultResults, id_before: int, id_after: int) -> Check:
    """Every review the clients finished is there exactly once with the status they gave it; every
    review entered during the phase that is approved has exactly one letter; none has more than
    one determination in force (one not superseded by a correction)."""
    finished = r.finished
    with psycopg.connect(url) as conn:
        rows = conn.execute(
            "SELECT public_id::text, status FROM coverage_app_review WHERE public_id::text = ANY(%s)",
            (finished,),
        ).fetchall()
        phase_rows = conn.execute(
            "SELECT r.public_id::text, r.status, "
            " (SELECT count(*) FROM coverage_app_determination d JOIN coverage_app_letter l "
            "   ON l.determination_id = d.id WHERE d.review_id = r.id), "
            " (SELECT count(*) FROM coverage_app_determination d WHERE d.review_id = r.id AND NOT EXISTS "
            "   (SELECT 1 FROM coverage_app_determination s WHERE s.supersedes_id = d.id)) "
            "FROM coverage_app_review r WHERE r.id > %s AND r.id <= %s", (id_before, id_after),
        ).fetchall()
    times = collections.Counter(pid for pid, _s in rows)
    status_of = dict(rows)
    once_and_finished = sum(
        1 for pid in set(finished)
        if times[pid] == 1 and status_of.get(pid) == FINISHED_STATUS[r.finished_action.get(pid, "approve")]
    )
    missing = len(set(finished) - set(times))
    wrong = len(set(finished)) - once_and_finished - missing
    approvals = [(pid, letters) for pid, status, letters, _f in phase_rows if status == "approved"]
    letters = sum(n for _p, n in approvals)
    bad_letters = sum(1 for _p, n in approvals if n != 1)
    in_force = sum(1 for *_x, f in phase_rows if f > 1)
    orphans = len({pid for pid, *_x in phase_rows} - r.created)
    per_approval = collections.Counter(n for _p, n in approvals)
    ok = (len(finished) == len(set(finished)) == once_and_finished and not bad_letters and not in_force)
    lines = [
        f"reviews finished:  {len(finished)} by clients ({r.finish_resent} finishing POSTs resent, "
        f"{r.finish_confirmed_by_page} of them confirmed finished on the review's page)",
        f"in the database:   {once_and_finished} of them exactly once and finished as the client left them"
        f" ({missing} missing, {wrong} with another status{', duplicates in the client list' if len(finished) != len(set(finished)) else ''})",
        f"approvals:         {len(approvals)} entered this phase, {letters} letters "
        f"(letters per approval: {counter_text(per_approval)}; {bad_letters} not exactly 1)",
        f"in force:          {in_force} reviews with more than one determination in force",
        f"orphans:           {orphans} reviews entered this phase that no client knows of "
        f"(a resent new-request POST that had committed; not a failure)",
    ]
    return Check(ok, lines, {"finished": len(finished), "in_db": once_and_finished,
                             "approvals": len(approvals), "letters": letters, "bad_letters": bad_letters})


def worker_issuing(conn, worker_pids: list[int]) -> int | None:
    """The gunicorn worker whose PostgreSQL session holds an open transaction that has inserted a
    determination (the table's RowExclusiveLock lasts until commit): its session's client port is
    the local port of one of the worker's sockets."""
    ports = {row[0] for row in conn.execute(
        "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
        "WHERE l.relation = 'coverage_app_determination'::regclass AND l.mode = 'RowExclusiveLock' "
        "AND a.pid <> pg_backend_pid()"
    )}
    if not ports:
        return None
    port_of_inode = {}
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError), open(table) as f:
            for line in f.readlines()[1:]:
                fields = line.split()
                port_of_inode[fields[9]] = int(fields[1].rsplit(":", 1)[1], 16)
    for pid in worker_pids:
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
                if target.startswith("socket:[") and port_of_inode.get(target[8:-1]) in ports:
                    return pid
    return None


def max_review_id(url: str) -> int:
    with psycopg.connect(url) as conn:
        return conn.execute("SELECT coalesce(max(id), 0) FROM coverage_app_review").fetchone()[0]


EXCEPTION_LINE = re.compile(r"^[A-Za-z_][\w.]*(: .*)?$")  # "psycopg.OperationalError: ...", as a traceback ends


def db_log_entries(lines: list[str]) -> tuple[list[str], int]:
    """The app's log entries that mention the database, and how many tracebacks the log holds.
    A traceback counts once, as "traceback: <its exceptions>", when one of its exceptions is a
    database error; its frames would otherwise count as dozens of lines for one error."""
    entries: list[str] = []
    tracebacks = 0
    chain: list[str] | None = None  # the exception lines of the traceback being read

    def close() -> None:
        if chain and any(DB_WORDS.search(e) for e in chain):
            # Printed root cause first, the exception that ended the request last.
            root, _, message = chain[0].partition(": ")
            final = chain[-1].partition(": ")[0]
            entries.append(f"traceback: {final.rsplit('.', 1)[-1]}, from {root.rsplit('.', 1)[-1]}: {message}")

    for line in lines:
        if line.startswith("Traceback (most recent call last)"):
            tracebacks += chain is None
            chain = chain if chain is not None else []
            continue
        if chain is not None:
            if not line or line[0].isspace() or line.startswith(("During handling", "The above exception")):
                continue
            if EXCEPTION_LINE.match(line):
                chain.append(line)
                continue
            close()
            chain = None
        if DB_WORDS.search(line):
            entries.append(line)
    close()
    return entries, tracebacks


@dataclass
class PhaseReport:
    key: str
    name: str
    seconds: float
    results: FaultResults
    check: Check
    db_lines: int
    ok: bool


def run_phase(key: str, index: int, cfg: Config, pg, server, db_url: str, probes: bool) -> PhaseReport:
    name, description = PHASES[key]
    description = description.format(outage=cfg.outage_seconds, kills=cfg.kills)
    quarter = cfg.phase_seconds / 3
    print(f"\n== phase {key} ({name}): {description}; {cfg.clients} reviewers flat out for "
          f"{cfg.phase_seconds:g} s, the fault at {quarter:.0f} s ...", flush=True)
    r = FaultResults()
    profile = Profile(name, cfg.phase_seconds)
    phase = Phase(cfg.clients, cfg.phase_seconds)
    rng = random.Random(f"{cfg.seed}-{key}")
    log_offset = server.log_size()
    id_before = max_review_id(db_url)
    reviewers = [
        # Review numbers start at a different ten thousand in each phase, so member ids do not
        # repeat between phases; the parity (DLI or HPC boost first) is the load test's.
        FaultReviewer(server.base, f"loadnurse{i:03d}", r, i, profile, random.Random(f"{cfg.seed}-{key}-{i}"),
                      cfg, index * 10000 + i % 2)
        for i in range(cfg.clients)
    ]
    threads = [threading.Thread(target=rv.work_phase, args=(phase,), daemon=True) for rv in reviewers]
    prober = Prober(server.base, ["/healthz", "/readyz"] + ([FHIR_PROBE] if key == "b" else []), 0.25) if probes else None
    if prober:
        prober.start()
    for t in threads:
        t.start()
    login_started = time.monotonic()
    try:
        phase.barrier.wait(timeout=300)
    except threading.BrokenBarrierError:
        print("  the reviewers did not all log in within 300 s")
    print(f"  all logged in after {time.monotonic() - login_started:.1f} s; the phase clock starts", flush=True)
    events: list[str] = []
    probe_lines: list[str] = []
    probe_ok = True
    now = time.monotonic

    if key == "a":
        wait_until(phase.at(quarter))
        t0 = now()
        pg.restart()
        events.append(f"{phase.rel(t0)}: PostgreSQL restarted (pg_ctl restart -m fast -w) in {now() - t0:.1f} s")
        if probes:
            took, seen = poll_ready(server.base, 15)
            ready_ok = took is not None
            probe_ok &= ready_ok
            probe_lines.append(f"/readyz after the restart: {'200 after %.1f s' % took if ready_ok else 'NOT 200 within 15 s'} "
                               f"(answers: {counter_text(seen)})")
    elif key == "b":
        wait_until(phase.at(quarter))
        t0 = now()
        pg.stop()
        down = now()
        events.append(f"{phase.rel(t0)}: PostgreSQL stopped (pg_ctl stop -m fast -w, {down - t0:.1f} s)")
        wait_until(down + cfg.outage_seconds)
        up_call = now()
        pg.start()
        events.append(f"{phase.rel()}: PostgreSQL started again after {up_call - down:.1f} s down")
        if probes:
            took, seen = poll_ready(server.base, 15)
            during = prober.outcomes("/healthz", down, up_call)
            ready_during = prober.outcomes("/readyz", down, up_call)
            fhir = prober.outcomes(FHIR_PROBE, down, up_call)
            with prober.lock:
                fhir_answers = [(o, b, ra) for s, e, p, o, b, ra in prober.records
                                if p == FHIR_PROBE and s >= down and e <= up_call]
            # While the database is down, the API answers 503 with Retry-After, as an OperationOutcome.
            fhir_ok = bool(fhir_answers) and all(
                o == 503 and ra is not None and '"OperationOutcome"' in b for o, b, ra in fhir_answers)
            health_ok = bool(during) and set(during) == {200}
            ready_ok = took is not None and 200 not in ready_during
            probe_ok &= health_ok and ready_ok and fhir_ok
            probe_lines += [
                f"/healthz while PostgreSQL was down: {counter_text(during)} ({'ok' if health_ok else 'NOT all 200'})",
                f"/readyz while PostgreSQL was down: {counter_text(ready_during)} "
                f"({'ok, never ready' if 200 not in ready_during else 'said READY while the database was down'})",
                f"/readyz after the start: {'200 after %.1f s' % took if took is not None else 'NOT 200 within 15 s'} "
                f"(answers: {counter_text(seen)})",
                f"FHIR read (bearer token to look up) while down: {counter_text(fhir)} "
                f"({'ok: 503 OperationOutcomes with Retry-After' if fhir_ok else 'NOT all 503 OperationOutcomes with Retry-After'})",
            ]
    elif key == "c":
        for k in range(cfg.kills):
            wait_until(phase.at(quarter + k * cfg.phase_seconds / 6))
            found = wait_for(lambda: r.approve_inflight >= 1, phase.deadline - 0.5)
            # The worker to kill: the one whose transaction has written a determination and not yet
            # committed (its letter is being rendered), so that the kill lands mid-issue.
            issuing = None
            with psycopg.connect(db_url, autocommit=True) as watcher:
                while issuing is None and time.monotonic() < phase.deadline - 0.5:
                    issuing = worker_issuing(watcher, server.worker_pids())
                    if issuing is None:
                        time.sleep(0.01)
            with r.lock:
                flying, approving = len(r.inflight), r.approve_inflight
            if issuing is not None:
                os.kill(issuing, signal.SIGKILL)
                pid, how = issuing, "mid-issue: its transaction had written a determination, not committed"
            else:
                pid, how = server.kill_worker(rng), "chosen at random: no worker was caught mid-issue"
            events.append(f"{phase.rel()}: SIGKILL worker {pid} ({how}) with {flying} requests in flight, "
                          f"{approving} of them approve POSTs" + ("" if found else " (no approval came in time)"))
    elif key == "d":
        wait_until(phase.at(quarter))
        found = wait_for(lambda: r.approve_inflight >= 1, phase.deadline - 0.5)
        master = server.master_pid
        with r.lock:
            r.watch = set(r.inflight)
            watched_desc = dict(r.inflight)
            approving = r.approve_inflight
        t0 = now()
        took = server.terminate(timeout=120)
        events.append(f"{phase.rel(t0)}: SIGTERM master {master} with {len(watched_desc)} requests in flight, "
                      f"{approving} of them approve POSTs" + ("" if found else " (no approval came in time)")
                      + f"; it exited after {took:.1f} s")
        t1 = now()
        listening = server.start()
        events.append(f"{phase.rel()}: gunicorn started again on port {server.port}: listening after "
                      f"{listening:.1f} s, answering after {now() - t1:.1f} s")

    for t in threads:
        t.join(timeout=cfg.phase_seconds + cfg.give_up + 120)
    elapsed = time.monotonic() - phase.started
    r.elapsed = elapsed
    if prober:
        prober.stop()
        health = prober.outcomes("/healthz")
        ready = prober.outcomes("/readyz")
        # A probe can meet the same dead worker or closed port as the reviewers (c, d); an HTTP
        # answer other than 200 is a failure everywhere, a lost connection only in a and b.
        answers_ok = all(o == 200 for o in health if isinstance(o, int))
        lost_ok = key in ("c", "d") or all(isinstance(o, int) for o in health)
        probe_ok &= answers_ok and lost_ok
        probe_lines.insert(0, f"/healthz all phase: {counter_text(health)} ({'ok' if answers_ok and lost_ok else 'NOT all 200'})")
        probe_lines.insert(1, f"/readyz all phase:  {counter_text(ready)}")

    check = check_database(db_url, r, id_before, max_review_id(db_url))
    log_lines = server.log_since(log_offset)
    db_lines, tracebacks = db_log_entries(log_lines)

    for line in events:
        print(f"  fault at {line}")
    if key == "d":
        outcomes = collections.Counter(r.watched.get(a) for a in r.watch)
        normal = sum(v for k, v in outcomes.items() if k in (200, 302))
        print(f"  in flight at SIGTERM: {len(r.watch)}; {normal} got their normal answer (200/302); "
              f"all: {counter_text(outcomes)}")
        print(f"  (a sync worker holds one request at a time: at most {server.workers} were being "
              "handled; the others waited in the listen queue, which closes with the master)")
    five_xx = sum(v for s, v in r.statuses.items() if s >= 500 and s != 503)
    print(f"requests:          {r.requests} ({r.attempts} sendings with resends) in {elapsed:.1f} s; "
          f"gave up {len(r.gave_up)}")
    for line in r.gave_up[:3]:
        print(f"  gave up: {line}")
    if r.latencies:
        p50, p95, p99 = latency_ms(r.latencies)
        print(f"latency:           p50 {p50:.0f} ms, p95 {p95:.0f} ms, p99 {p99:.0f} ms, max {max(r.latencies) * 1000:.0f} ms"
              " (each request until its answer, resends included)")
        print(f"slowest:           {r.slowest[0]:.1f} s, {r.slowest[1]}")
    print(f"answers:           {counter_text(r.statuses)}")
    print(f"transport errors:  {counter_text(r.transport)}")
    if r.statuses[503]:
        print(f"503s:              {r.statuses[503]}; Retry-After values {counter_text(r.retry_after)}; "
              f"titled \"Service briefly unavailable\": {r.unavailable_titled}")
    for line in check.lines:
        print(line)
    print(f"500s:              {five_xx}" + (f" ({counter_text(collections.Counter(r.server_errors))})" if five_xx else ""))
    print(f"503 w/o Retry-After: {r.no_retry_after}")
    if r.client_errors:
        print(f"4xx answers:       {len(r.client_errors)} ({counter_text(collections.Counter(r.client_errors))})")
    print(f"reviewer errors:   {len(r.errors)}")
    for line in r.errors[:3]:
        print(f"  {line}")
    print(f"app log:           {len(db_lines)} entries about the database (a traceback counts once); "
          f"{tracebacks} tracebacks, {len(log_lines)} lines in all")
    for line in db_lines[:3]:
        print(f"  {line[:200]}")
    if probes:
        for line in probe_lines:
            print(f"probe:             {line}")
    misses = []
    if five_xx:
        misses.append(f"{five_xx} 5xx answers other than 503")
    if r.no_retry_after:
        misses.append(f"{r.no_retry_after} 503s without Retry-After")
    if not check.ok:
        misses.append("database check failed")
    if not r.finished:
        misses.append("no review finished, so nothing was verified")
    if probes and not probe_ok:
        misses.append("health probes failed")
    ok = not misses
    notes = []
    if r.client_errors:
        notes.append(f"{len(r.client_errors)} 4xx answers to the reviewers (see above)")
    if r.gave_up:
        notes.append(f"{len(r.gave_up)} requests given up")
    note = f" (note: {'; '.join(notes)})" if notes else ""
    print(f"verdict:           phase {key} ({name}) {'passed' if ok else 'FAILED: ' + '; '.join(misses)}{note}", flush=True)
    return PhaseReport(key, name, elapsed, r, check, len(db_lines), ok)


def table(reports: list[PhaseReport]) -> None:
    print(f"{'phase':<11} {'secs':>5} {'reqs':>5} {'sends':>5} {'200':>5} {'302':>5} {'503':>4} {'5xx':>4} "
          f"{'refused':>7} {'reset':>5} {'closed':>6} {'t/o':>3} {'gave up':>7} {'finished':>8} {'in db':>5} "
          f"{'approvals':>9} {'letters':>7} {'db log':>6}  check")
    for rep in reports:
        r, f = rep.results, rep.check.figures
        five_xx = sum(v for s, v in r.statuses.items() if s >= 500 and s != 503)
        print(f"{rep.key + ' ' + rep.name:<11} {rep.seconds:>5.1f} {r.requests:>5} {r.attempts:>5} "
              f"{r.statuses[200]:>5} {r.statuses[302]:>5} {r.statuses[503]:>4} {five_xx:>4} "
              f"{r.transport['refused']:>7} {r.transport['reset']:>5} {r.transport['closed']:>6} "
              f"{r.transport['timeout']:>3} {len(r.gave_up):>7} {f['finished']:>8} {f['in_db']:>5} "
              f"{f['approvals']:>9} {f['letters']:>7} {rep.db_lines:>6}  {'ok' if rep.ok else 'FAILED'}")


def interrupted(*_args) -> None:
    raise KeyboardInterrupt


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="for CI: 8 s phases, a 3 s outage, one kill, Retry-After capped at 1 s")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--phase-seconds", type=float, help="how long each phase runs (default 40, quick 8)")
    parser.add_argument("--outage-seconds", type=float, help="phase b: PostgreSQL down this long (default 10, quick 3)")
    parser.add_argument("--give-up-seconds", type=float, default=60, help="a reviewer abandons one request after this")
    parser.add_argument("--phases", default="abcd", help="which phases, of a b c d (default all)")
    parser.add_argument("--seed", type=int, default=261, help="seeds which worker is killed")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8777, help="gunicorn's port")
    parser.add_argument("--pg-port", type=int, default=5499, help="the private PostgreSQL's port")
    parser.add_argument("--app-log", default="/tmp/faulttest-gunicorn.log", help="gunicorn's output, kept after the run")
    args = parser.parse_args()
    phases = [k for k in args.phases if k in PHASES]
    if not phases or len(phases) != len(args.phases):
        parser.error("--phases takes letters among a, b, c, d")
    cfg = Config(
        clients=args.clients,
        phase_seconds=args.phase_seconds or (8 if args.quick else 40),
        outage_seconds=args.outage_seconds or (3 if args.quick else 10),
        retry_cap=1.0 if args.quick else 5.0,
        give_up=args.give_up_seconds,
        error_pause=0.5 if args.quick else 1.0,
        kills=1 if args.quick else 3,
        seed=args.seed,
    )
    if cfg.outage_seconds >= cfg.phase_seconds * 2 / 3:
        parser.error("the outage must end before the phase does: shorten --outage-seconds")

    # A SIGTERM (CI cancelling the job) unwinds like Ctrl-C, so PostgreSQL and gunicorn are stopped.
    signal.signal(signal.SIGTERM, interrupted)
    run_started = time.monotonic()
    log_path = Path(args.app_log)
    log_path.write_text("")
    reports = []
    with contextlib.ExitStack() as stack:
        try:
            pg = stack.enter_context(private_postgres(args.pg_port))
        except NeedsPostgres as e:
            print(f"error: {e}", file=sys.stderr)
            return 2
        with psycopg.connect(pg.url, autocommit=True) as conn:
            conn.execute('CREATE DATABASE "coverage_faulttest"')
        db_url = pg.url.rsplit("/", 1)[0] + "/coverage_faulttest"
        env = production_env(db_url, ALLOWED_HOSTS="127.0.0.1", DB_CONN_MAX_AGE="60", AXES_FAILURE_LIMIT="1000")
        print(f"private PostgreSQL on 127.0.0.1:{args.pg_port} ({pg.directory}); preparing its database "
              f"with {cfg.clients} nurse accounts ...", flush=True)
        migrate_and_collect(env)
        create_nurses(env, cfg.clients)
        server = stack.enter_context(gunicorn_server(env, args.port, args.workers, log_path))
        print(f"setup took {time.monotonic() - run_started:.0f} s")
        print(f"gunicorn on {server.base}: master {server.master_pid}, workers {server.worker_pids()}; "
              f"its output in {log_path}")
        health, _b, _r = Prober(server.base, [], 0).probe("/healthz")
        probes = health != 404
        if not probes:
            print("note: /healthz answers 404 (the app's health endpoints are not there yet): "
                  "the /healthz and /readyz checks are skipped")
        else:
            ready, _b, _r = Prober(server.base, [], 0).probe("/readyz")
            print(f"/healthz answers {health}, /readyz {ready}, before any fault")
        for index, key in enumerate(phases):
            reports.append(run_phase(key, index, cfg, pg, server, db_url, probes))

    print()
    table(reports)
    print(f"whole run {time.monotonic() - run_started:.0f} s, setup included")
    failed = [f"{rep.key} ({rep.name})" for rep in reports if not rep.ok]
    print(f"fault test {'passed' if not failed else 'FAILED in phase ' + ', '.join(failed)}: "
          f"{len(reports)} phases, {cfg.clients} reviewers each")
    return 1 if failed else 0


if __name__ == "__main__":
    try:
        sys.exit(main())
    except KeyboardInterrupt:
        # The with blocks have stopped gunicorn and the private PostgreSQL on the way out.
        print("\ninterrupted: gunicorn and the private PostgreSQL are stopped", file=sys.stderr)
        sys.exit(130)
