"""`manage.py export_letters --date YYYY-MM-DD DIR [--merged]`: the day's letters for the mailroom.

Writes every letter and notice issued that day (in the plan's time zone: determinations' letters,
requests for information, notices of extension) as DIR/<reference>.pdf, and with --merged also
DIR/letters-YYYY-MM-DD.pdf holding them all, in the order issued, to print at once.
"""

import datetime as dt
import heapq
from io import BytesIO
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from pypdf import PdfWriter

from coverage_app.lib import rules
from coverage_app.models import Determination, Notice


class Command(BaseCommand):
    # A script may call this thousands of times; the system checks belong to deployment.
    requires_system_checks = []
    help = "Write the letters issued on one day as PDF files, one each, and optionally merged."

    def add_arguments(self, parser):
        parser.add_argument("--date", help="the day the letters were issued, YYYY-MM-DD")
        parser.add_argument("directory", nargs="?", metavar="DIR", help="folder to write into")
        parser.add_argument("--merged", action="store_true", help="also write one merged PDF")

    def handle(self, *args, **options):
        try:
            day = self.parse_day(options["date"])
            folder = self.prepare(options["directory"])
        except rules.InvalidCase as e:
            raise CommandError(str(e), returncode=2) from None

        tz = timezone.get_current_timezone()
        start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
        end = start + dt.timedelta(days=1)
        # Letters and notices in the order issued; one of each in memory at a time.
        letters = heapq.merge(
            Determination.objects.filter(decided_at__gte=start, decided_at__lt=end)
            .order_by("decided_at", "id")
            .values_list("decided_at", "reference_number", "letter__pdf")
            .iterator(chunk_size=20),
            Notice.objects.filter(issued_at__gte=start, issued_at__lt=end)
            .order_by("issued_at", "id")
            .values_list("issued_at", "reference_number", "pdf")
            .iterator(chunk_size=20),
            key=lambda row: row[0],
        )
        merged = PdfWriter() if options["merged"] else None
        count = 0
        try:
            # One letter in memory at a time: a day's mail can run to thousands.
            for _issued_at, reference, pdf in letters:
                data = bytes(pdf)
                (folder / f"{reference}.pdf").write_bytes(data)
                if merged is not None:
                    merged.append(BytesIO(data))
                count += 1
            summary = f"wrote {count} letter{'s' if count != 1 else ''} issued on {day.isoformat()} to {folder}"
            if merged is not None and count:
                target = folder / f"letters-{day.isoformat()}.pdf"
                with target.open("wb") as f:
                    merged.write(f)
                summary += f", merged into {target.name}"
        except OSError as e:
            raise CommandError(f"DIR: cannot write into {folder}: {e.strerror}", returncode=1) from None
        self.stdout.write(summary)

    def parse_day(self, value) -> dt.date:
        if not value:
            raise rules.InvalidCase("--date", "is required, written YYYY-MM-DD")
        return rules.parse_date(value, field="--date")

    def prepare(self, directory) -> Path:
        if not directory:
            raise rules.InvalidCase("DIR", "is required: the folder to write the letters into")
        folder = Path(directory)
        if folder.exists() and not folder.is_dir():
            raise rules.InvalidCase("DIR", f"{folder} exists and is not a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise rules.InvalidCase("DIR", f"cannot create {folder}: {e.strerror}") from None
        return folder
