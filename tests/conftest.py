import datetime as dt
import json
from pathlib import Path

import pytest

from coverage_app.lib import rules

PROJECT = Path(__file__).resolve().parent.parent
POLICY_FILE = PROJECT / "coverage_app" / "policy_data" / "0261-2024-05-15.json"
EXAMPLES_DIR = PROJECT / "tests" / "examples"  # cases with their expected outcome (README there)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """pytest-django empties the database after each browser test with TRUNCATE, which the record's
    tables refuse (migration 0015) unless the database says otherwise: the test database does."""
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                name = connection.ops.quote_name(connection.settings_dict["NAME"])
                cursor.execute(f"ALTER DATABASE {name} SET coverage_app.allow_truncate = 'on'")
            connection.close()  # the setting applies to new connections


@pytest.fixture
def seeded(transactional_db):
    """Tests on committed data (transactional_db: live servers, outages, backups) flush the database
    after each test; put back what migrations load."""
    import importlib

    from django.apps import apps

    importlib.import_module("coverage_app.migrations.0002_groups").create_groups(apps, None)
    # Policy staff's later permissions, as the migrations grant them.
    importlib.import_module("coverage_app.migrations.0007_policy_staff_letter_permissions").grant(apps, None)
    importlib.import_module("coverage_app.migrations.0010_policy_staff_audit_permissions").grant(apps, None)
    importlib.import_module("coverage_app.migrations.0003_policy_0261").load_policy(apps, None)
    importlib.import_module(
        "coverage_app.migrations.0006_letter_wording_and_frozen_determinations"
    ).load_wording(apps, None)
    importlib.import_module("coverage_app.migrations.0018_clocks_notices_documents_and_letter_elements").load(
        apps, None
    )
    importlib.import_module("coverage_app.migrations.0019_appeals").create_group(apps, None)
    importlib.import_module("coverage_app.migrations.0022_fhir_api_clients_and_pas_requests").grant(apps, None)


@pytest.fixture
def take_database_down(monkeypatch):
    """Call it to point the app's connection at a port where nothing listens (connection refused),
    as when PostgreSQL is down; the connection is put back afterwards. Needs transactional_db."""
    import socket

    from django.db import connection

    def take_down():
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            closed_port = s.getsockname()[1]
        connection.close()
        monkeypatch.setitem(connection.settings_dict, "HOST", "127.0.0.1")
        monkeypatch.setitem(connection.settings_dict, "PORT", closed_port)

    yield take_down
    connection.close()
    monkeypatch.undo()


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


# A month ahead of whenever the tests run: a prior-authorization request is for a service not yet
# given, and a fixed date would turn into the past one day.
DATE_OF_SERVICE = dt.date.today() + dt.timedelta(days=30)

# The request's mailing address and servicing facility, as the model stores them.
ADDRESS_AND_FACILITY = {
    "member_address_line1": "12 Elm Street",
    "member_address_line2": "Apartment 3",
    "member_city": "Chicago",
    "member_state": "IL",
    "member_zip": "60622",
    "units_requested": 1,
    "servicing_facility": "Riverside Cancer Center",
    "servicing_npi": "1245319599",
}

COMPLETE_REQUEST = {
    **ADDRESS_AND_FACILITY,
    "request_type": "pre_service",
    "member_name": "Jordan Blake",
    "member_id": "M20000001",
    "member_date_of_birth": "1970-04-02",
    "line_of_business": "commercial",
    "requesting_provider": "Dana Whitfield, MD",
    "provider_npi": "1234567893",
    "service": "dli",
    "planned_date_of_service": DATE_OF_SERVICE.isoformat(),
    "urgency": "standard",
    "diagnosis_codes": "C92.02",
}


@pytest.fixture
def make_review(db):
    """A review in the queue; keyword arguments set its fields."""

    from django.utils import timezone

    from coverage_app.services import review_create

    def make(received_at=None, urgency="standard", line_of_business="commercial", **fields):
        return review_create(
            received_at=received_at or timezone.now() - dt.timedelta(hours=1),
            urgency=urgency,
            line_of_business=line_of_business,
            **fields,
        )

    return make


@pytest.fixture
def nurse_review(make_review, nurse):
    """A DLI request assigned to the nurse, request step answered."""

    return make_review(
        assigned_to=nurse,
        status="in_review",
        member_name="Jordan Blake",
        member_id="M20000001",
        member_date_of_birth=dt.date(1970, 4, 2),
        requesting_provider="Dana Whitfield, MD",
        provider_npi="1234567893",
        service="dli",
        planned_date_of_service=DATE_OF_SERVICE,
        diagnosis_codes=["C92.02"],
        **ADDRESS_AND_FACILITY,
    )


@pytest.fixture
def director_with_credentials(director):
    from coverage_app.models import ReviewerProfile

    ReviewerProfile.objects.create(
        user=director, degree="MD", specialty="Hematology", license_number="MD-48213", license_state="MA"
    )
    return director


def as_posted(review, data: dict) -> dict:
    """A review page's form as the browser posts it: with the revision of the review it showed
    (a post without one is refused as an edit conflict)."""
    from coverage_app.models import Review

    return {**data, "revision": Review.objects.values_list("revision", flat=True).get(pk=review.pk)}


def complete_answers(review, **changes):
    """Answer the transplant and indication steps of a DLI request (allogeneic, relapsed)."""

    from coverage_app.models import Review

    answers = dict(
        had_transplant=True, transplant_type="allogeneic", transplant_date=dt.date(2025, 6, 1),
        same_donor=True, hematologic_malignancy=True, indication="relapsed",
    )
    answers.update(changes)
    Review.objects.filter(pk=review.pk).update(**answers)
    review.refresh_from_db()
    return review


@pytest.fixture
def approved(nurse, nurse_review):
    """A DLI request the nurse approved: an issued approval and its letter."""
    from coverage_app import services

    complete_answers(nurse_review)
    services.review_finish(action="approve", review=nurse_review, user=nurse, criterion_notes={}, overall_note="",
                            expected_revision=nurse_review.revision)
    return nurse_review.determinations.get()


@pytest.fixture
def referred(nurse, nurse_review):
    """A DLI request after an autologous transplant, sent to physician review."""
    from coverage_app import services

    complete_answers(nurse_review, transplant_type="autologous", same_donor=None)
    services.review_finish(
        action="refer",
        review=nurse_review, user=nurse, criterion_notes={"DLI-1": "Autologous in 2025"}, overall_note="For MD",
        expected_revision=nurse_review.revision,
    )
    nurse_review.refresh_from_db()
    return nurse_review


@pytest.fixture
def upheld(referred, director_with_credentials):
    from coverage_app import services

    return services.director_decide(
        review=referred, user=director_with_credentials, decision="uphold", peer_to_peer="offered",
        rationale="The transplant was autologous, so there are no donor lymphocytes to infuse.",
    )


def pdf_text(pdf: bytes) -> str:
    """Text of a PDF as a reader sees it: NFKC-normalised, whitespace collapsed."""
    import io
    import unicodedata

    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.fixture
def scratch_server_args():
    """A free port and a database name of this run's own, for the scripts that start gunicorn on
    a scratch database (make loadtest, make bench): two test runs at once never collide. The
    database is dropped afterwards."""
    import secrets
    import socket

    from scripts.scratch_server import drop_database

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    name = f"coverage_smoke_{secrets.token_hex(4)}"
    yield ["--database", name, "--port", str(port)]
    drop_database(name)
