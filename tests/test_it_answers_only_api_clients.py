"""The FHIR API answers an API client holding a live bearer token, logs each call under its name,
and refuses everyone else with an OperationOutcome; its CapabilityStatement is open to all."""

import hashlib
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome

from coverage_app import services
from coverage_app.models import AccessLog, ApiClient


def create(name="Riverside EHR") -> str:
    out = io.StringIO()
    call_command("create_api_client", name, stdout=out)
    return out.getvalue().rstrip("\n").splitlines()[-1]


@pytest.mark.django_db
def test_it_prints_the_token_once_and_keeps_only_its_hash():
    token = create()
    client = ApiClient.objects.get(name="Riverside EHR")
    assert len(token) >= 40 and " " not in token
    assert client.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    assert token not in str(ApiClient.objects.values().get())


@pytest.mark.django_db
def test_it_refuses_a_second_client_of_the_same_name_in_one_line():
    create()
    with pytest.raises(CommandError, match="^name: There is already a client named 'Riverside EHR'.$"):
        create()


@pytest.mark.django_db
def test_metadata_needs_no_token_and_is_a_capability_statement(client):
    r = client.get("/fhir/metadata")
    assert r.status_code == 200 and r["Content-Type"] == "application/fhir+json"
    statement = CapabilityStatement.model_validate(r.json())
    operations = {op.name for rest in statement.rest for res in rest.resource for op in (res.operation or [])}
    assert operations == {"submit", "inquire", "questionnaire-package"}


@pytest.mark.django_db
@pytest.mark.parametrize("header", ["", "Bearer ", "Bearer not-a-token", "Basic dXNlcjpwYXNz"])
def test_it_refuses_a_call_without_a_valid_token(client, header):
    create()
    r = client.get("/fhir/Questionnaire/policy-0261", HTTP_AUTHORIZATION=header)
    assert r.status_code == 401 and r["WWW-Authenticate"].startswith("Bearer")
    outcome = OperationOutcome.model_validate(r.json())
    assert outcome.issue[0].code == "login"
    assert not AccessLog.objects.exists()


@pytest.mark.django_db
def test_a_revoked_token_no_longer_works(client):
    token = create()
    services.api_client_revoke(client=ApiClient.objects.get())
    r = client.get("/fhir/Questionnaire/policy-0261", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 401


@pytest.mark.django_db
def test_each_call_is_logged_under_the_clients_name(client):
    token = create()
    r = client.get("/fhir/Questionnaire/policy-0261", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert r.status_code == 200
    row = AccessLog.objects.get()
    assert (row.api_client.name, row.user, row.kind, row.path) == ("Riverside EHR", None, "api", "/fhir/Questionnaire/policy-0261")


@pytest.mark.django_db
def test_it_refuses_a_body_over_5_mb_and_one_that_is_not_json(client):
    token = create()
    auth = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    big = b'{"resourceType": "Bundle", "x": "' + b"a" * (5 * 1024 * 1024) + b'"}'
    r = client.post("/fhir/Claim/$submit", big, content_type="application/fhir+json", **auth)
    assert r.status_code == 413 and r.json()["issue"][0]["code"] == "too-costly"
    r = client.post("/fhir/Claim/$submit", b"{not json", content_type="application/fhir+json", **auth)
    assert r.status_code == 400 and "not JSON" in r.json()["issue"][0]["diagnostics"]
    r = client.post("/fhir/Claim/$submit", b"[1, 2]", content_type="application/fhir+json", **auth)
    assert r.status_code == 400 and r.json()["issue"][0]["code"] == "structure"


@pytest.mark.django_db
def test_policy_staff_revoke_a_client_in_the_admin(client, policy_staff):
    token = create()
    api_client = ApiClient.objects.get()
    client.force_login(policy_staff)
    r = client.post(reverse("admin:coverage_app_apiclient_changelist"),
                    {"action": "revoke", "_selected_action": [api_client.pk]}, follow=True)
    assert "Revoked 1 client(s)" in r.content.decode()
    assert services.api_client_for_token(token) is None
