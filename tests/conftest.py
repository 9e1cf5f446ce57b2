import json
from pathlib import Path

import pytest

from coverage_app.lib import rules

PROJECT = Path(__file__).resolve().parent.parent
POLICY_FILE = PROJECT / "coverage_app" / "policy_data" / "0261-2024-05-15.json"
EXAMPLES_DIR = PROJECT.parent / "shared" / "examples"


@pytest.fixture(scope="session")
def wording() -> dict[str, rules.CriterionWording]:
    """The criteria wording of version 2024-05-15, straight from the data file the migration loads."""
    data = json.loads(POLICY_FILE.read_text(encoding="utf-8"))
    return {
        c["code"]: rules.CriterionWording(c["statement"], c["policy_words"])
        for c in data["version"]["criteria"]
    }


def _user_in(django_user_model, username, group_name, **extra):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(
        username=username, password="pw-for-tests-0261", **extra
    )
    user.groups.add(Group.objects.get(name=group_name))
    return user


@pytest.fixture
def nurse(db, django_user_model):
    from coverage_app import roles

    return _user_in(django_user_model, "nurse1", roles.NURSE, first_name="Nina", last_name="Reyes")


@pytest.fixture
def director(db, django_user_model):
    from coverage_app import roles

    return _user_in(django_user_model, "director1", roles.DIRECTOR, first_name="Omar", last_name="Hale")


@pytest.fixture
def policy_staff(db, django_user_model):
    from coverage_app import roles

    return _user_in(django_user_model, "policy1", roles.POLICY_STAFF, is_staff=True)
