"""The first letter wording, and on PostgreSQL a trigger that refuses to change or delete an issued
determination: a correction is a new determination that supersedes the old one."""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "policy_data" / "letter-wording-2024-05-15.json"

FREEZE_SQL = """
CREATE OR REPLACE FUNCTION coverage_app_determination_frozen() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'an issued determination cannot be changed or deleted; issue a correction';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER determination_frozen BEFORE UPDATE OR DELETE ON coverage_app_determination
    FOR EACH ROW EXECUTE FUNCTION coverage_app_determination_frozen();
"""
UNFREEZE_SQL = """
DROP TRIGGER IF EXISTS determination_frozen ON coverage_app_determination;
DROP FUNCTION IF EXISTS coverage_app_determination_frozen();
"""


def load_wording(apps, schema_editor):
    LetterWording = apps.get_model("coverage_app", "LetterWording")
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))
    effective = dt.date.fromisoformat(data["effective_date"])
    for kind, text in data["wording"].items():
        LetterWording.objects.get_or_create(kind=kind, effective_date=effective, defaults={"text": text})


def unload_wording(apps, schema_editor):
    apps.get_model("coverage_app", "LetterWording").objects.filter(
        effective_date=dt.date(2024, 5, 15)
    ).delete()


def freeze(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FREEZE_SQL)


def unfreeze(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(UNFREEZE_SQL)


class Migration(migrations.Migration):
    dependencies = [("coverage_app", "0005_determinations")]

    operations = [
        migrations.RunPython(load_wording, unload_wording),
        migrations.RunPython(freeze, unfreeze),
    ]
