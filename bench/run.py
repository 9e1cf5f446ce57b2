"""`make bench`: how close the app is to the framework's own floor, as ratios taken in one run.

Seeds a fresh PostgreSQL database with 100,000 reviews (bulk inserts; determinations and letters for
the finished ones), then measures in-process (Django's test client) and over HTTP (gunicorn):
a questionnaire step against a bare view rendering a trivial template, the work queue at 10 and at
100,000 reviews, one letter against a bare WeasyPrint page, export_letters for 100 and 1,000 letters,
and the rules engine. Prints one table and writes bench/results.json.
"""

import argparse
import datetime as dt
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT))

from scripts.scratch_server import (  # noqa: E402
    NeedsPostgres,
    gunicorn,
    migrate_and_collect,
    production_env,
    scratch_database,
)

PASSWORD = "bench-password-0261"
# A month ahead: requests are for services not yet given.
DATE_OF_SERVICE = (dt.date.today() + dt.timedelta(days=30)).isoformat()
# The request step as the bench posts it, in process and over HTTP.
STEP_POST = {
    "member_name": "Bench Member", "member_id": "B1", "member_date_of_birth": "1970-01-01",
    "line_of_business": "commercial", "requesting_provider": "Dana Whitfield, MD",
    "provider_npi": "1234567893", "service": "dli", "planned_date_of_service": DATE_OF_SERVICE,
    "urgency": "standard", "diagnosis_codes": "C92.02", "action": "continue",
    "request_type": "pre_service", "member_address_line1": "12 Elm Street", "member_city": "Chicago",
    "member_state": "IL", "member_zip": "60622", "units_requested": "1",
    "servicing_facility": "Riverside Cancer Center", "servicing_npi": "1245319599",
}
RESULT = {True: "pass", False: "FAIL", None: "-"}


def configure(db_url: str) -> dict:
    """Production-like settings for the bench database, in this process and in its children."""
    env = production_env(db_url, ALLOWED_HOSTS="127.0.0.1,testserver", BENCHMARK_FLOOR="True", DB_CONN_MAX_AGE="600")
    os.environ.update(env)
    return env


def medians_ms(fns: dict, n: int) -> dict:
    """Median milliseconds of each function, sampled in turn (floor, a, b, floor, a, b, ...):
    a shared machine speeds up and slows down, and interleaving makes every figure and its floor
    see the same machine."""
    times = {name: [] for name in fns}
    for _ in range(n):
        for name, fn in fns.items():
            t = time.perf_counter()
            fn()
            times[name].append(time.perf_counter() - t)
    return {name: statistics.median(ts) * 1000 for name, ts in times.items()}


class Row:
    def __init__(self, figure, median, floor, target, passed, unit="ms"):
        self.figure, self.median, self.floor, self.target, self.passed, self.unit = (
            figure, median, floor, target, passed, unit,
        )

    @property
    def ratio(self):
        return self.median / self.floor if self.floor else None

    def as_dict(self):
        return {"figure": self.figure, "median": round(self.median, 3), "unit": self.unit,
                "floor": None if self.floor is None else round(self.floor, 3),
                "ratio": None if self.ratio is None else round(self.ratio, 2),
                "target": self.target, "pass": self.passed}


# --- Seeding ----------------------------------------------------------------------------------


def prepare() -> dict:
    """The bench accounts, and one real letter issued through the service."""

    from django.contrib.auth.models import Group, User
    from django.utils import timezone

    from coverage_app import roles, services
    from coverage_app.models import ReviewerProfile
    from tests.conftest import complete_answers

    nurse = User.objects.create_user("benchnurse", password=PASSWORD, first_name="Bench", last_name="Nurse")
    nurse.groups.add(Group.objects.get(name=roles.NURSE))
    director = User.objects.create_user("benchdirector", password=PASSWORD)
    director.groups.add(Group.objects.get(name=roles.DIRECTOR))
    ReviewerProfile.objects.create(user=director, degree="MD", specialty="Hematology", license_number="MD-48213", license_state="MA")

    # One real letter, issued through the service; its bytes stand for every bulk letter.
    real = services.review_create(
        received_at=timezone.now(), urgency="standard", line_of_business="commercial",
        assigned_to=nurse, status="in_review", member_name="Bench Member", member_id="B0000000",
        member_date_of_birth=dt.date(1970, 1, 1), requesting_provider="Dana Whitfield, MD",
        provider_npi="1234567893", service="dli", planned_date_of_service=dt.date.fromisoformat(DATE_OF_SERVICE),
        diagnosis_codes=["C92.02"], member_address_line1="12 Elm Street", member_city="Chicago",
        member_state="IL", member_zip="60622", units_requested=1, servicing_facility="Riverside Cancer Center",
        servicing_npi="1245319599",
    )
    complete_answers(real)
    services.review_finish(action="approve", review=real, user=nurse, criterion_notes={}, overall_note="", expected_revision=real.revision)
    now = timezone.now()
    export_day = (now - dt.timedelta(days=3)).replace(hour=12, minute=0, second=0, microsecond=0)
    return {
        "nurse": nurse, "real": real, "template": real.determinations.get(), "now": now,
        "export_at": export_day, "export_day": timezone.localdate(export_day),
        "small_day": timezone.localdate(export_day - dt.timedelta(days=1)), "made": 1, "letters": 0,
    }


def seed(ctx: dict, total: int, finished_share: float) -> None:
    """Bulk-insert reviews until there are `total`; the finished ones get a determination and letter."""
    import hashlib

    from coverage_app import roles
    from coverage_app.models import Determination, Letter, PolicyVersion, Review

    nurse, template, now = ctx["nurse"], ctx["template"], ctx["now"]
    pdf, html = bytes(template.letter.pdf), template.letter.html
    sha = hashlib.sha256(pdf).hexdigest()
    version = PolicyVersion.objects.get(policy__number="0261")
    export_day, small_day = ctx["export_at"], ctx["export_at"] - dt.timedelta(days=1)
    batch, made, letters_made = 5000, ctx["made"], ctx["letters"]
    statuses = ["received", "in_review", "pending_physician_review"]
    while made < total:
        size = min(batch, total - made)
        reviews = []
        for i in range(made, made + size):
            # As in a live database, the finished reviews are the older ones: they are due first,
            # so the default queue (open reviews) must not have to skip past them.
            finished = i >= total * (1 - finished_share)
            received = now - dt.timedelta(minutes=i)
            reviews.append(Review(
                case_number=f"UR-B{i:07d}", received_at=received,
                due_at=received + dt.timedelta(days=15), member_id=f"B{i:07d}",
                member_name=f"Member {i}", service="dli" if i % 2 else "hpc_boost",
                status="approved" if finished else statuses[i % 3],
                assigned_to=nurse if i % 4 == 0 else None, diagnosis_codes=["C92.02"],
            ))
        Review.objects.bulk_create(reviews, batch_size=batch)
        done = [r for r in reviews if r.status == "approved"]
        determinations = []
        for r in done:
            # 1,000 letters on the export day, 100 on the day before, the rest spread out.
            n = letters_made + len(determinations)
            big, small = ctx["export_letters"]
            decided = (
                export_day if n < big else small_day if n < big + small else r.received_at + dt.timedelta(hours=5)
            )
            determinations.append(Determination(
                reference_number=f"DB{n:08d}", review=r, outcome="approved", decided_at=decided + dt.timedelta(seconds=n),
                decided_by=nurse, decider_name="Bench Nurse", decider_role=roles.NURSE,
                policy_version=version, criteria_snapshot=template.criteria_snapshot,
                wording_snapshot=template.wording_snapshot,
            ))
        Determination.objects.bulk_create(determinations, batch_size=1000)
        Letter.objects.bulk_create(
            (Letter(determination=d, html=html, pdf=pdf, sha256=sha) for d in determinations), batch_size=500
        )
        letters_made += len(determinations)
        made += size
        print(f"  seeded {made:,} reviews, {letters_made:,} letters", flush=True)
    ctx["made"], ctx["letters"] = made, letters_made


# --- Measurements -----------------------------------------------------------------------------


def in_process(ctx: dict, n: int) -> dict:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from coverage_app.models import Review

    client = Client()
    client.force_login(ctx["nurse"])
    step_review = Review.objects.filter(assigned_to=ctx["nurse"], status="in_review").first()
    step = f"/reviews/{step_review.public_id}/request/"
    for url in ("/bench/floor/", step, "/queue/?status=all", "/queue/?status=all&page=500", "/queue/"):
        assert client.get(url).status_code == 200, url  # warm, and check it works
    # The first save changes the answers; saving the same answers again changes nothing, so the
    # revision the page posts stays the one read here.
    assert client.post(step, {**STEP_POST, "revision": step_review.revision}).status_code == 302
    post = {**STEP_POST, "revision": current_revision(step_review)}
    out = medians_ms({
        "floor": lambda: client.get("/bench/floor/"),
        "step_get": lambda: client.get(step),
        "step_post": lambda: client.post(step, post),
        "queue_1": lambda: client.get("/queue/?status=all"),
        "queue_500": lambda: client.get("/queue/?status=all&page=500"),
        "queue_open": lambda: client.get("/queue/"),
    }, n)
    for name, url in (("queries_queue_1", "/queue/?status=all"), ("queries_queue_500", "/queue/?status=all&page=500")):
        with CaptureQueriesContext(connection) as q:
            client.get(url)
        out[name] = len(q.captured_queries)
    return out


def current_revision(review) -> int:
    from coverage_app.models import Review

    return Review.objects.values_list("revision", flat=True).get(pk=review.pk)


def queue_queries(ctx: dict) -> int:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    client = Client()
    client.force_login(ctx["nurse"])
    client.get("/queue/?status=all")
    with CaptureQueriesContext(connection) as q:
        client.get("/queue/?status=all")
    return len(q.captured_queries)


class KeepRedirects(urllib.request.HTTPRedirectHandler):
    """Hands back a 302 as it is instead of following it."""

    def http_error_302(self, req, fp, code, msg, headers):
        return fp


def over_http(base: str, ctx: dict, n: int) -> dict:
    import http.cookiejar

    from coverage_app.models import Review

    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    no_redirect = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar), KeepRedirects())
    opener.open(base + "/accounts/login/").read()
    token = next(c.value for c in jar if c.name == "csrftoken")
    body = urllib.parse.urlencode({"username": "benchnurse", "password": PASSWORD, "csrfmiddlewaretoken": token}).encode()
    opener.open(base + "/accounts/login/", data=body).read()
    step_review = Review.objects.filter(assigned_to=ctx["nurse"], status="in_review").first()
    step = f"{base}/reviews/{step_review.public_id}/request/"

    def get(url):
        return lambda: opener.open(url).read()

    revision = current_revision(step_review)

    def post_step():
        token = next(c.value for c in jar if c.name == "csrftoken")
        data = urllib.parse.urlencode({**STEP_POST, "revision": revision, "csrfmiddlewaretoken": token}).encode()
        # The POST alone, as in process: its redirect's GET is the next step's page, not this one.
        response = no_redirect.open(step, data=data)
        assert response.status == 302, response.status
        response.read()

    for url in ("/bench/floor/", "/queue/?status=all"):
        get(base + url)()
    return medians_ms({
        "floor": get(base + "/bench/floor/"),
        "step_get": get(step),
        "step_post": post_step,
        "queue_1": get(base + "/queue/?status=all"),
        "queue_500": get(base + "/queue/?status=all&page=500"),
        "queue_open": get(base + "/queue/"),
    }, n)


def letters(ctx: dict, n: int) -> dict:
    import io

    import pypdf
    from weasyprint import HTML

    from coverage_app.letters import render_letter

    d = ctx["template"]

    def bare():
        return HTML(string="<p>Hello</p>").write_pdf()

    pages = len(pypdf.PdfReader(io.BytesIO(render_letter(d, ctx["real"])[1])).pages)
    bare()
    out = medians_ms({"bare": bare, "letter": lambda: render_letter(d, ctx["real"])}, n)
    return {**out, "pages": pages}


def export(env: dict, day) -> dict:
    folder = tempfile.mkdtemp(prefix="bench-letters-")
    cmd = [sys.executable, "manage.py", "export_letters", "--date", day.isoformat(), folder]
    started = time.perf_counter()
    # One core, as the target says: the mailroom's export is not meant to need more.
    p = subprocess.Popen(["taskset", "-c", "0", *cmd], cwd=PROJECT, env=env, stdout=subprocess.PIPE, text=True)
    _pid, status, usage = os.wait4(p.pid, 0)
    elapsed = time.perf_counter() - started
    out = p.stdout.read()
    count = int(out.split()[1])
    assert status == 0, out
    return {"count": count, "seconds": elapsed, "per_second": count / elapsed, "peak_mb": usage.ru_maxrss / 1024}


def engine(n: int) -> float:
    import json as j
    from decimal import Decimal

    from coverage_app.lib import rules

    data = j.loads((PROJECT / "coverage_app" / "policy_data" / "0261-2024-05-15.json").read_text())
    wording = {c["code"]: rules.CriterionWording(c["statement"], c["policy_words"]) for c in data["version"]["criteria"]}
    cases = [
        rules.Case(rules.Service.DLI, rules.TransplantType.ALLOGENEIC, rules.Indication.RELAPSED, hematologic_malignancy=True),
        rules.Case(rules.Service.HPC_BOOST, rules.TransplantType.ALLOGENEIC, rules.Indication.ENHANCE_CHIMERISM,
                   donor_chimerism_percent=Decimal("85.0")),
        rules.Case(rules.Service.DLI, rules.TransplantType.AUTOLOGOUS, rules.Indication.PROMOTE_ENGRAFTMENT, hematologic_malignancy=False),
        rules.Case(rules.Service.HPC_BOOST, rules.TransplantType.AUTOLOGOUS, rules.Indication.PROMOTE_ENGRAFTMENT),
    ]
    best = 0.0
    for _ in range(3):
        started = time.perf_counter()
        for i in range(n):
            rules.evaluate(cases[i & 3], wording)
        best = max(best, n / (time.perf_counter() - started))
    return best


def fhir_submit(ctx: dict, n: int) -> dict:
    """PAS Claim/$submit in process: one pended (A4: a review enters the queue) and one certified at
    once (A1: the approval and its letter), each a new Claim, against the floor."""
    import itertools
    import json

    from django.test import Client

    from fhir.resources.R4B.bundle import Bundle

    from coverage_app import services
    from coverage_app.fhir import questionnaire
    from tests.fhir_helpers import dli_request

    _api, token = services.api_client_create(name=f"bench EHR {time.time_ns()}")
    floor_client, api_client = Client(), Client()
    floor_client.force_login(ctx["nurse"])
    numbers = itertools.count()
    canonical = f"http://testserver/fhir/Questionnaire/{questionnaire.QUESTIONNAIRE_ID}"

    def bodies(count, **answers):
        """New Claims, written before the clock starts: the EHR's work, not the server's."""
        return iter([
            json.dumps(dli_request(f"bench-{time.time_ns()}-{next(numbers)}", **answers)).replace(
                "http://testserver/fhir/Questionnaire/policy-0261", canonical)
            for _ in range(count)
        ])

    def submit(body):
        r = api_client.post("/fhir/Claim/$submit", body, content_type="application/fhir+json",
                            HTTP_AUTHORIZATION=f"Bearer {token}")
        assert r.status_code == 200, r.content[:300]

    pended, certified = bodies(n + 1, indication=None), bodies(n)
    parsed = iter([json.loads(body) for body in bodies(n)])
    submit(next(pended))  # warm
    return medians_ms({
        "floor": lambda: floor_client.get("/bench/floor/"),
        "pended": lambda: submit(next(pended)),
        "certified": lambda: submit(next(certified)),
        # What the issue requires of every $submit, alone: the Bundle validated by fhir.resources.
        "validate": lambda: Bundle.model_validate(next(parsed)),
    }, n)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviews", type=int, default=100_000)
    parser.add_argument("--finished-share", type=float, default=0.9,
                        help="the oldest reviews, this share of them, are finished, with letters")
    parser.add_argument("--samples", type=int, default=200)
    parser.add_argument("--database", default="coverage_bench")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--output", default=str(PROJECT / "bench" / "results.json"))
    parser.add_argument("--export-letters", type=int, nargs=2, default=(1000, 100), metavar=("BIG", "SMALL"),
                        help="letters in the two export_letters runs (default 1000 100)")
    args = parser.parse_args()

    try:
        _server, db_url = scratch_database(args.database)
    except NeedsPostgres as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    env = configure(db_url)
    migrate_and_collect(env)

    import django

    django.setup()
    from django.db import connection

    from coverage_app.lib import icd10

    icd10.warm()
    print("seeding ...", flush=True)
    ctx = prepare()
    ctx["export_letters"] = args.export_letters
    seed(ctx, 10, args.finished_share)
    queries_small = queue_queries(ctx)
    started = time.perf_counter()
    seed(ctx, args.reviews, args.finished_share)
    print(f"seeded in {time.perf_counter() - started:.0f} s; analyzing ...", flush=True)
    with connection.cursor() as cursor:
        # What autovacuum leaves a live database with: statistics, and a visibility map that lets
        # the queue's id scans stay in the index.
        cursor.execute("VACUUM ANALYZE")

    print("measuring in process ...", flush=True)
    local = in_process(ctx, args.samples)
    print("measuring over HTTP against gunicorn ...", flush=True)
    with gunicorn(env, args.port, workers=2) as base:
        remote = over_http(base, ctx, args.samples)
    print("measuring letters, export and the rules engine ...", flush=True)
    letter = letters(ctx, 20)
    pas = fhir_submit(ctx, min(args.samples, 100))
    export_small = export(env, ctx["small_day"])
    export_big = export(env, ctx["export_day"])
    rate = engine(200_000)

    rows = []
    for where, m in (("in process", local), ("HTTP", remote)):
        for key, label in (("step_get", "questionnaire step GET"), ("step_post", "questionnaire step POST")):
            rows.append(Row(f"{label} ({where})", m[key], m["floor"], "<= 2x floor", m[key] <= 2 * m["floor"]))
        for key, label in (("queue_1", "queue page 1"), ("queue_500", "queue page 500"),
                           ("queue_open", "queue, open reviews (default view)")):
            rows.append(Row(f"{label}, {args.reviews:,} reviews ({where})", m[key], m["floor"], "<= 3x floor", m[key] <= 3 * m["floor"]))
    for key, page in (("queries_queue_1", "page 1"), ("queries_queue_500", "page 500")):
        rows.append(Row(f"queue queries per request, {page}, {args.reviews:,} reviews", local[key], queries_small,
                        f"= {queries_small} (10 reviews)", local[key] == queries_small, unit="queries"))
    rows.append(Row(f"one letter ({letter['pages']} pages) vs a bare WeasyPrint page", letter["letter"], letter["bare"],
                    "<= 3x floor", letter["letter"] <= 3 * letter["bare"]))
    rows.append(Row("  the same letter, per page", letter["letter"] / letter["pages"], letter["bare"], "(context, not judged)", None))
    rows.append(Row("FHIR Claim/$submit, pended (A4), in process", pas["pended"], pas["floor"], "<= 3x floor",
                    pas["pended"] <= 3 * pas["floor"]))
    rows.append(Row("  of which: the Bundle validated as FHIR R4 (fhir.resources)", pas["validate"], pas["floor"],
                    "(context, not judged)", None))
    rows.append(Row("FHIR Claim/$submit, certified at once (A1), vs its letter", pas["certified"], letter["letter"],
                    "(context: the letter)", None))
    rows.append(Row(f"export_letters, {export_big['count']:,} letters, one core", export_big["per_second"], None, "letters/s (reported)", None, unit="letters/s"))
    flat = export_big["peak_mb"] <= export_small["peak_mb"] * 1.25
    rows.append(Row(f"export_letters peak memory, {export_small['count']} vs {export_big['count']:,} letters", export_big["peak_mb"],
                    export_small["peak_mb"], "flat (<= 1.25x)", flat, unit="MB"))
    rows.append(Row("rules engine", rate, None, "> 100,000/s", rate > 100_000, unit="determinations/s"))

    width = max(len(r.figure) for r in rows)
    print()
    print(f"{'figure':<{width}}  {'median':>12}  {'floor':>10}  {'ratio':>6}  {'target':<22}  result")
    for r in rows:
        floor = "" if r.floor is None else f"{r.floor:,.1f}"
        ratio = "" if r.ratio is None else f"{r.ratio:.2f}"
        print(f"{r.figure:<{width}}  {r.median:>12,.1f}  {floor:>10}  {ratio:>6}  {r.target:<22}  {RESULT[r.passed]}")
    Path(args.output).parent.mkdir(parents=True, exist_ok=True)
    Path(args.output).write_text(json.dumps({
        "reviews": args.reviews, "samples": args.samples, "rows": [r.as_dict() for r in rows],
        "export": {"small": export_small, "big": export_big},
    }, indent=2, default=str))
    print(f"\nwritten to {args.output}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
