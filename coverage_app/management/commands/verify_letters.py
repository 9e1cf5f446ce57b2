"""`manage.py verify_letters [--since YYYY-MM-DD]`: is every issued letter still the one that was sent?

Each letter and notice is rendered once, when it is issued, and its PDF is kept in the database
beside the SHA-256 of its bytes (services.py). The triggers of migrations 0011 and 0018 keep the
application, and SQL run as its role, from changing them; they cannot stop a restore from a damaged
or incomplete backup, nor a storage fault. This command recomputes the hash of every stored PDF and compares it
with the one recorded at issue, so that such damage is found: after every restore (README, "Backup
and restore"; HIPAA Security Rule, 45 CFR 164.312(c)(1), integrity), and whenever wanted.

Prints one line per PDF that no longer matches, then a count line. Exit status 0: all match;
1: some do not match (or the database could not be read); 2: a bad argument.
"""

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, transaction
from django.utils import timezone

from coverage_app.lib import rules
from coverage_app.models import Letter, Notice

# PDFs fetched from the database at a time: a letter runs to tens of kilobytes, so a chunk stays
# within a few megabytes however many letters there are.
CHUNK_SIZE = 50

SINCE_FORMAT = "enter a date as YYYY-MM-DD, e.g. 2026-05-15"


@dataclass(frozen=True, slots=True)
class Mismatch:
    kind: str  # "letter" or "notice"
    reference_number: str
    case_number: str
    recorded: str
    computed: str

    def line(self) -> str:
        return (
            f"MISMATCH {self.kind} {self.reference_number} (case {self.case_number}): "
            f"recorded sha256 {self.recorded or '(none)'}, computed {self.computed}"
        )


def check(kind: str, reference_number: str, case_number: str, recorded: str, pdf) -> Mismatch | None:
    """None if the PDF's bytes still hash to the SHA-256 recorded when it was issued."""
    computed = hashlib.sha256(pdf).hexdigest()
    if computed == recorded:
        return None
    return Mismatch(kind, reference_number, case_number, recorded, computed)


def _count(n: int, noun: str) -> str:
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def summary(letters: int, notices: int, mismatches: int) -> str:
    """`Checked 1,234 letters and 56 notices: all match.` or `...: 2 do not match.`"""
    checked = f"Checked {_count(letters, 'letter')} and {_count(notices, 'notice')}"
    if not mismatches:
        return f"{checked}: all match."
    return f"{checked}: {mismatches:,} {'does' if mismatches == 1 else 'do'} not match."


def parse_since(value: str | None) -> dt.datetime | None:
    """The start of the day `value` (YYYY-MM-DD) in the plan's time zone (settings.TIME_ZONE)."""
    if value is None:
        return None
    try:
        day = rules.parse_date(value, field="--since")
    except rules.InvalidCase:
        raise rules.InvalidCase("--since", f"{SINCE_FORMAT}, not {rules.short_quote(value)}") from None
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min), timezone.get_default_timezone())


class Command(BaseCommand):
    requires_system_checks = []
    help = "Recompute the SHA-256 of every stored letter and notice PDF and compare it with the one recorded at issue."

    def add_arguments(self, parser):
        parser.add_argument(
            "--since", metavar="DATE", help="only letters and notices issued on or after this day, YYYY-MM-DD"
        )

    def handle(self, *args, **options):
        try:
            since = parse_since(options["since"])
        except rules.InvalidCase as e:
            raise CommandError(str(e), returncode=2) from None
        try:
            letters, notices, mismatches = self.verify(since)
        except DatabaseError as e:
            first_line = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise CommandError(
                " ".join(f"database: {first_line} (has `manage.py migrate` been run?)".split()), returncode=1
            ) from None
        self.stdout.write(summary(letters, notices, mismatches))
        if mismatches:
            self.stdout.flush()
            raise SystemExit(1)

    def verify(self, since: dt.datetime | None) -> tuple[int, int, int]:
        """(letters checked, notices checked, mismatches), printing each mismatch as found."""
        letter_rows = Letter.objects.order_by("pk")
        notice_rows = Notice.objects.order_by("pk")
        if since is not None:
            letter_rows = letter_rows.filter(determination__decided_at__gte=since)
            notice_rows = notice_rows.filter(issued_at__gte=since)
        sources = {
            "letter": letter_rows.values_list(
                "determination__reference_number", "determination__review__case_number", "sha256", "pdf"
            ),
            "notice": notice_rows.values_list("reference_number", "review__case_number", "sha256", "pdf"),
        }
        counts = {"letter": 0, "notice": 0}
        mismatches = 0
        # One transaction: the server-side cursors stream without being held past it, and the
        # PDFs come a chunk at a time, so memory stays flat with 100,000 letters.
        with transaction.atomic():
            for kind, rows in sources.items():
                for reference_number, case_number, recorded, pdf in rows.iterator(chunk_size=CHUNK_SIZE):
                    counts[kind] += 1
                    if found := check(kind, reference_number, case_number, recorded, pdf):
                        mismatches += 1
                        self.stdout.write(found.line())
        return counts["letter"], counts["notice"], mismatches
