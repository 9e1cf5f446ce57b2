"""Whatever an EHR sends (any value at any element of a real PAS request, any questionnaire
answer), the FHIR API answers 200 or an OperationOutcome: never a 500, never a traceback."""

import copy
import json

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from coverage_app import services
from tests.fhir_helpers import Ehr, dli_request, example

ANY_JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30)
    | st.sampled_from(["", "\x00", "9" * 5000, "2026-02-30", "urn:uuid:x", "Patient/nope"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=10), inner, max_size=3),
    max_leaves=6,
)


def paths(value, prefix=()):
    """Every element's path in a JSON document."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from paths(child, (*prefix, key))
    elif isinstance(value, list):
        for i, child in enumerate(value):
            yield from paths(child, (*prefix, i))


def replaced(document, path, value):
    document = copy.deepcopy(document)
    if not path:
        return value
    target = document
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return document


SUBMIT = dli_request("fuzz-1")
SUBMIT_PATHS = list(paths(SUBMIT))
HOOK = example("crd/order-sign-dli-and-oxygen.json")
HOOK_PATHS = list(paths(HOOK))


@pytest.fixture
def ehr(client, db):
    _api, token = services.api_client_create(name="Fuzzing EHR")
    return Ehr(client, token)


@pytest.mark.django_db
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(SUBMIT_PATHS), value=ANY_JSON)
def test_any_value_anywhere_in_a_submission(ehr, path, value):
    r = ehr.post("/fhir/Claim/$submit", replaced(SUBMIT, path, value))
    assert r.status_code in (200, 400), (path, value, r.content[:300])
    body = r.json()
    assert body["resourceType"] == ("Bundle" if r.status_code == 200 else "OperationOutcome")


@pytest.mark.django_db
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(path=st.sampled_from(HOOK_PATHS), value=ANY_JSON)
def test_any_value_anywhere_in_an_order_sign_hook(ehr, path, value):
    r = ehr.post("/cds-services/policy-0261-order-sign", replaced(HOOK, path, value))
    assert r.status_code in (200, 400, 412), (path, value, r.content[:300])
    json.loads(r.content)
