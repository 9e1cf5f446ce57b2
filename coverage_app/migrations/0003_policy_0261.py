"""Loads policy 0261, version May 15, 2024, from the frozen data file beside the app."""

import datetime as dt
import json
from pathlib import Path

from django.db import migrations

DATA_FILE = Path(__file__).resolve().parent.parent / "policy_data" / "0261-2024-05-15.json"


def load_policy(apps, schema_editor):
    CoveragePolicy = apps.get_model("coverage_app", "CoveragePolicy")
    PolicyRevision = apps.get_model("coverage_app", "PolicyRevision")
    PolicyVersion = apps.get_model("coverage_app", "PolicyVersion")
    Criterion = apps.get_model("coverage_app", "Criterion")
    data = json.loads(DATA_FILE.read_text(encoding="utf-8"))

    p = data["policy"]
    policy, _ = CoveragePolicy.objects.get_or_create(
        number=p["number"],
        defaults={
            "title": p["title"],
            "effective_date": dt.date.fromisoformat(p["effective_date"]),
            "next_review_date": dt.date.fromisoformat(p["next_review_date"]),
        },
    )
    for r in data["revisions"]:
        PolicyRevision.objects.get_or_create(
            policy=policy,
            revision_type=r["revision_type"],
            date=dt.date.fromisoformat(r["date"]),
            defaults={"summary": r["summary"]},
        )
    v = data["version"]
    version, created = PolicyVersion.objects.get_or_create(
        policy=policy,
        effective_date=dt.date.fromisoformat(v["effective_date"]),
        defaults={"coverage_statements": v["coverage_statements"], "background": v["background"]},
    )
    if created:
        Criterion.objects.bulk_create(
            Criterion(version=version, position=i, **c) for i, c in enumerate(v["criteria"])
        )


def unload_policy(apps, schema_editor):
    CoveragePolicy = apps.get_model("coverage_app", "CoveragePolicy")
    PolicyVersion = apps.get_model("coverage_app", "PolicyVersion")
    PolicyVersion.objects.filter(policy__number="0261", effective_date=dt.date(2024, 5, 15)).delete()
    CoveragePolicy.objects.filter(number="0261", versions=None).delete()


class Migration(migrations.Migration):
    dependencies = [("coverage_app", "0002_groups")]

    operations = [migrations.RunPython(load_policy, unload_policy)]
