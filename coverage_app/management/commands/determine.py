"""`manage.py determine PATH`: one case as JSON in, its determination as JSON out (the contract is in the README)."""

import json
import sys
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

from coverage_app.evaluation import as_json, determine
from coverage_app.lib import rules


def _json_int(digits: str) -> int | Decimal:
    # Python refuses to read an int of more than 4,300 digits; read it as a Decimal instead, so
    # the case is judged and the field holding the number is the one named as wrong.
    try:
        return int(digits)
    except ValueError:
        return Decimal(digits)


def one_line(message: str) -> str:
    return " ".join(message.split())


class Command(BaseCommand):
    # A script may call this thousands of times; the system checks belong to deployment.
    requires_system_checks = []
    help = "Judge one case (JSON, from PATH or - for standard input) against policy 0261."

    def add_arguments(self, parser):
        parser.add_argument("path", metavar="PATH", help="a JSON file, or - for standard input")

    def handle(self, *args, **options):
        # One line, no traceback: Django prints "CommandError: <field>: <what was wrong>".
        try:
            data = self.read_case(options["path"])
            result = determine(rules.case_from_mapping(data))
        except rules.InvalidCase as e:
            raise CommandError(one_line(str(e)), returncode=2) from None
        except DatabaseError as e:
            first_line = str(e).strip().splitlines()[0] if str(e).strip() else type(e).__name__
            raise CommandError(
                one_line(f"database: {first_line} (has `manage.py migrate` been run?)"), returncode=1
            ) from None
        self.stdout.write(json.dumps(as_json(result), indent=2, ensure_ascii=False))

    def read_case(self, path: str):
        try:
            if path == "-":
                text = sys.stdin.read()
            else:
                with open(path, encoding="utf-8") as f:
                    text = f.read()
        except OSError as e:
            raise rules.InvalidCase("PATH", f"cannot read {path}: {e.strerror}") from None
        except UnicodeDecodeError:
            raise rules.InvalidCase("PATH", f"{path} is not UTF-8 text") from None
        try:
            return json.loads(text, parse_int=_json_int)
        except json.JSONDecodeError as e:
            raise rules.InvalidCase(
                "case", f"not valid JSON ({e.msg} at line {e.lineno} column {e.colno})"
            ) from None
        except RecursionError:
            raise rules.InvalidCase("case", "not valid JSON (nested too deeply)") from None
