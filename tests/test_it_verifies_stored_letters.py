"""`manage.py verify_letters [--since DATE]` recomputes the SHA-256 of every stored letter and notice
PDF and compares it with the hash recorded at issue: a restored backup or a storage fault that
changed a PDF is reported, one line each, and the command exits 1; otherwise a count line and 0."""

import datetime as dt
import hashlib
import io
import os
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.utils import timezone

from coverage_app import services
from coverage_app.management.commands.verify_letters import summary
from coverage_app.models import Letter, Notice
from tests.conftest import ADDRESS_AND_FACILITY, DATE_OF_SERVICE, PROJECT, complete_answers

# Changing an issued row past the record's triggers takes PostgreSQL's session_replication_role.
needs_postgresql = pytest.mark.skipif(connection.vendor != "postgresql", reason="the triggers are PostgreSQL's")


def extended_and_approved(make_review, nurse):
    """A second DLI request, as the nurse_review fixture makes it: the nurse takes its extension
    (a notice) and approves it (a letter)."""
    review = make_review(
        assigned_to=nurse, status="in_review", member_name="Avery Stone", member_id="M20000002",
        member_date_of_birth=dt.date(1968, 9, 14), requesting_provider="Dana Whitfield, MD",
        provider_npi="1234567893", service="dli", planned_date_of_service=DATE_OF_SERVICE,
        diagnosis_codes=["C92.02"], **ADDRESS_AND_FACILITY,
    )
    complete_answers(review)
    notice = services.review_extend(review=review, user=nurse, reason="beyond_plan_control",
                                    justification="Our system was down.", expected_revision=review.revision)
    review.refresh_from_db()
    services.review_finish(action="approve", review=review, user=nurse, criterion_notes={}, overall_note="",
                            expected_revision=review.revision)
    return notice, review.determinations.get()


def verify(*args):
    """(exit status, lines printed) of the command, as manage.py would end."""
    out = io.StringIO()
    try:
        call_command("verify_letters", *args, stdout=out)
        status = 0
    except SystemExit as e:
        status = e.code
    return status, out.getvalue().splitlines()


def with_triggers_off(sql, params):
    """Run `sql` past the record's triggers, as a storage fault or a bad restore would change a
    row; only for this test's transaction, which is rolled back afterwards."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL session_replication_role = replica")
        cursor.execute(sql, params)
        cursor.execute("SET LOCAL session_replication_role = origin")


@pytest.fixture
def issued(approved, make_review, nurse):
    """Two letters and one notice, issued through the services."""
    notice, second = extended_and_approved(make_review, nurse)
    return approved, second, notice


def test_it_counts_every_letter_and_notice_and_finds_them_unchanged(issued):
    assert verify() == (0, ["Checked 2 letters and 1 notice: all match."])


def test_it_checks_an_empty_database(db):
    assert verify() == (0, ["Checked 0 letters and 0 notices: all match."])


@needs_postgresql
def test_it_counts_only_what_was_issued_since_the_day_in_the_plans_time_zone(issued):
    first, second, notice = issued
    tz = timezone.get_default_timezone()
    day = timezone.localdate() - dt.timedelta(days=10)
    # The evening before `day` in the plan's time zone: already `day` in UTC, if the zone is west of it.
    evening_before = timezone.make_aware(dt.datetime.combine(day, dt.time(23, 30)) - dt.timedelta(days=1), tz)
    midnight = timezone.make_aware(dt.datetime.combine(day, dt.time.min), tz)
    with_triggers_off("UPDATE coverage_app_determination SET decided_at = %s WHERE id = %s", [evening_before, first.pk])
    with_triggers_off("UPDATE coverage_app_notice SET issued_at = %s WHERE id = %s", [midnight, notice.pk])

    assert verify("--since", day.isoformat()) == (0, ["Checked 1 letter and 1 notice: all match."])
    assert verify("--since", (day - dt.timedelta(days=1)).isoformat()) == (
        0, ["Checked 2 letters and 1 notice: all match."]
    )
    assert verify("--since", (day + dt.timedelta(days=1)).isoformat()) == (
        0, ["Checked 1 letter and 0 notices: all match."]
    )
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert verify("--since", tomorrow.isoformat()) == (0, ["Checked 0 letters and 0 notices: all match."])


@needs_postgresql
def test_it_reports_a_changed_pdf_and_a_changed_hash_and_exits_1(issued):
    first, second, notice = issued
    letter = Letter.objects.get(pk=second.pk)
    tampered = bytes(letter.pdf) + b"\n%tampered\n"
    with_triggers_off("UPDATE coverage_app_letter SET pdf = %s WHERE determination_id = %s", [tampered, second.pk])
    with_triggers_off("UPDATE coverage_app_notice SET sha256 = %s WHERE id = %s", ["0" * 64, notice.pk])

    status, lines = verify()
    assert status == 1
    notice_pdf = bytes(Notice.objects.get(pk=notice.pk).pdf)
    assert sorted(lines[:-1]) == sorted([
        f"MISMATCH letter {second.reference_number} (case {second.review.case_number}): "
        f"recorded sha256 {letter.sha256}, computed {hashlib.sha256(tampered).hexdigest()}",
        f"MISMATCH notice {notice.reference_number} (case {notice.review.case_number}): "
        f"recorded sha256 {'0' * 64}, computed {hashlib.sha256(notice_pdf).hexdigest()}",
    ])
    assert lines[-1] == "Checked 2 letters and 1 notice: 2 do not match."
    # The untouched letter is not named.
    assert not any(first.reference_number in line for line in lines)
    # What was issued before --since is not checked, changed or not.
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert verify("--since", tomorrow.isoformat()) == (0, ["Checked 0 letters and 0 notices: all match."])


def test_its_count_line_reads_as_english():
    assert summary(1234, 56, 0) == "Checked 1,234 letters and 56 notices: all match."
    assert summary(1, 1, 1) == "Checked 1 letter and 1 notice: 1 does not match."
    assert summary(100_000, 0, 2) == "Checked 100,000 letters and 0 notices: 2 do not match."


@pytest.mark.parametrize("since", ["2026-02-30", "15/05/2026", "yesterday", ""])
def test_it_names_a_bad_since_in_one_line_and_exits_2(tmp_path, since):
    # A real process: the exit status and the absence of a traceback are what a script sees. The
    # database is never opened (an SQLite file that would be created if it were).
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "config.settings"}
    env.pop("DEBUG", None)
    p = subprocess.run([sys.executable, "manage.py", "verify_letters", "--since", since],
                       cwd=PROJECT, env=env, capture_output=True, text=True)
    assert (p.returncode, p.stdout) == (2, "")
    assert p.stderr == f"CommandError: --since: enter a date as YYYY-MM-DD, e.g. 2026-05-15, not {since!r}\n"
    assert not (tmp_path / "unused.sqlite3").exists()


def test_call_command_gets_the_same_error(db):
    with pytest.raises(CommandError, match=r"^--since: enter a date as YYYY-MM-DD, e.g. 2026-05-15") as e:
        call_command("verify_letters", since="2026-13-01", stdout=io.StringIO())
    assert e.value.returncode == 2


@needs_postgresql
def test_it_reads_only_the_columns_it_needs_through_a_streaming_cursor(issued, monkeypatch):
    from django.db.models.query import QuerySet
    from django.test.utils import CaptureQueriesContext

    chunk_sizes = []
    iterator = QuerySet.iterator

    def recording(self, chunk_size=None):
        chunk_sizes.append(chunk_size)
        return iterator(self, chunk_size=chunk_size)

    monkeypatch.setattr(QuerySet, "iterator", recording)
    with CaptureQueriesContext(connection) as queries:
        assert verify()[0] == 0
    # Letters and notices each a few dozen at a time, never the whole table in memory...
    assert len(chunk_sizes) == 2 and all(size and size <= 100 for size in chunk_sizes)
    # ...through server-side cursors, the rows fetched as they are checked, and without the
    # letters' and notices' HTML, as large as their PDFs.
    cursors = [q["sql"] for q in queries.captured_queries if " CURSOR FOR SELECT " in q["sql"]]
    assert len(cursors) == 2 and all(sql.startswith("DECLARE ") for sql in cursors)
    assert not any('"html"' in sql or '"content"' in sql for sql in cursors)
