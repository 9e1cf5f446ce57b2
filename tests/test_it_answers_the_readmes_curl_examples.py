"""The README's curl examples for EHR integrators, as `make run` serves them on localhost:8000:
the order-sign hook, the submission (A1 at once) and the inquiry."""

import json
from pathlib import Path

import pytest

from coverage_app import services

DOCS = Path(__file__).resolve().parents[1] / "docs" / "fhir"
README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.mark.django_db
def test_the_readmes_examples_certify_and_inquire_as_written(client):
    _api, token = services.api_client_create(name="Demo EHR")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}", "HTTP_HOST": "localhost:8000"}

    def post(path, name):
        assert f"@docs/fhir/{name}" in README.read_text(encoding="utf-8")
        r = client.post(path, (DOCS / name).read_bytes(), content_type="application/fhir+json", **headers)
        assert r.status_code == 200, r.content[:500]
        return r.json()

    hook = post("/cds-services/policy-0261-order-sign", "order-sign-dli.json")
    assert "http://localhost:8000/fhir/Questionnaire/policy-0261" in json.dumps(hook["systemActions"])
    submitted = post("/fhir/Claim/$submit", "submit-dli.json")["entry"][0]["resource"]
    inquired = post("/fhir/Claim/$inquire", "inquire-dli.json")["entry"][0]["resource"]
    assert submitted["preAuthRef"] and inquired["preAuthRef"] == submitted["preAuthRef"]
