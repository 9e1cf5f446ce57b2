"""Random and hostile values in every form field: never a 500, always a message for what is invalid."""

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from coverage_app.models import Review
from tests.conftest import COMPLETE_REQUEST, as_posted

NASTY = st.sampled_from([
    "", " ", "<script>alert(1)</script>", '"><img src=x onerror=alert(1)>', "\x00", "abc\x00def",
    "\x1b[31m", "\u202eevil", "'; DROP TABLE coverage_app_review; --", "A" * 20000, "1e309", "-1",
    "NaN", "Infinity", "100.05", "99999", "2024-02-30", "9999-99-99", "0000-00-00", "31/12/2024",
    "file:///etc/passwd", "http://127.0.0.1:1/x", "True", "False", "None", "[]", "{}", "\r\n\t",
])
HOSTILE = st.one_of(
    NASTY,
    st.tuples(st.text(max_size=10), NASTY, st.text(max_size=10)).map("".join),  # nasty inside text
    st.text(max_size=400),
    st.integers(-10**12, 10**12).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.dates().map(lambda d: d.isoformat()),
)
SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def fields_of(base: dict):
    return st.fixed_dictionaries({name: HOSTILE for name in base})


def everywhere(base: dict, value: str) -> dict:
    """One value in every field: the cases chance might miss are always tried."""
    return {name: value for name in base}


TRANSPLANT = dict.fromkeys(["had_transplant", "transplant_type", "transplant_date", "same_donor"])
INDICATION = dict.fromkeys([
    "indication", "indication_detail", "graft_function_evidence", "donor_chimerism_percent",
    "chimerism_study_date", "chimerism_specimen", "hematologic_malignancy",
])
ALWAYS = ["a\x00b", "A" * 20000, "<script>alert(1)</script>", "-1e309"]


def assert_handled(response, form_key="form"):
    assert response.status_code in (200, 302), response.status_code
    if response.status_code == 200 and response.context and form_key in response.context:
        form = response.context[form_key]
        if form.is_bound and form.errors:
            assert set(form.errors) <= set(form.fields) | {"__all__"}
            html = response.content.decode()
            assert 'id="error-summary"' in html or "invalid-feedback" in html


def expected_for(params: dict) -> int:
    """200, or 400 for an address holding a NUL (coverage_app.middleware.RefuseNulMiddleware)."""
    return 400 if any("\x00" in f"{k}{v}" for k, v in params.items()) else 200


@pytest.fixture
def nurse_client(client, nurse):
    client.force_login(nurse)
    return client


@SETTINGS
@given(data=fields_of(COMPLETE_REQUEST))
@example(data=everywhere(COMPLETE_REQUEST, ALWAYS[0]))
@example(data=everywhere(COMPLETE_REQUEST, ALWAYS[1]))
@example(data=everywhere(COMPLETE_REQUEST, ALWAYS[2]))
@example(data=everywhere(COMPLETE_REQUEST, ALWAYS[3]))
def test_the_request_step_survives_anything(nurse_client, nurse_review, data):
    url = reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "request"})
    assert_handled(nurse_client.post(url, as_posted(nurse_review, {**COMPLETE_REQUEST, **data, "action": "continue"})))


@SETTINGS
@given(data=fields_of(TRANSPLANT))
@example(data=everywhere(TRANSPLANT, ALWAYS[0]))
@example(data=everywhere(TRANSPLANT, ALWAYS[1]))
@example(data=everywhere(TRANSPLANT, ALWAYS[2]))
@example(data=everywhere(TRANSPLANT, ALWAYS[3]))
def test_the_transplant_step_survives_anything(nurse_client, nurse_review, data):
    url = reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "transplant"})
    assert_handled(nurse_client.post(url, as_posted(nurse_review, {**data, "action": "continue"})))


@SETTINGS
@given(data=fields_of(INDICATION), service=st.sampled_from(["dli", "hpc_boost"]))
@example(data=everywhere(INDICATION, ALWAYS[0]), service="hpc_boost")
@example(data=everywhere(INDICATION, ALWAYS[1]), service="dli")
@example(data={**everywhere(INDICATION, ""), "indication": "enhance_chimerism", "donor_chimerism_percent": "1e309"}, service="hpc_boost")
def test_the_indication_step_survives_anything(nurse_client, nurse_review, data, service):
    Review.objects.filter(pk=nurse_review.pk).update(
        service=service, had_transplant=True, transplant_type="allogeneic", status="in_review"
    )
    url = reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "indication"})
    assert_handled(nurse_client.post(url, as_posted(nurse_review, {**data, "action": "continue"})))


@SETTINGS
@given(data=fields_of({"overall_note": 1, "note_DLI-1": 1, "action": 1, "revision": 1}))
@example(data=everywhere({"overall_note": 1, "note_DLI-1": 1, "action": 1, "revision": 1}, ALWAYS[0]))
@example(data=everywhere({"overall_note": 1, "note_DLI-1": 1, "action": 1, "revision": 1}, ALWAYS[1]))
@example(data=everywhere({"overall_note": 1, "note_DLI-1": 1, "action": 1, "revision": 1}, ALWAYS[2]))
@example(data=everywhere({"overall_note": 1, "note_DLI-1": 1, "action": 1, "revision": 1}, ALWAYS[3]))
def test_the_summary_survives_anything(nurse_client, nurse_review, data):
    Review.objects.filter(pk=nurse_review.pk).update(
        had_transplant=True, transplant_type="allogeneic", transplant_date="2025-06-01", same_donor=True,
        hematologic_malignancy=True, indication="relapsed", status="in_review",
    )
    url = reverse("review_summary", kwargs={"review_id": nurse_review.public_id})
    assert_handled(nurse_client.post(url, data))


@SETTINGS
@given(data=fields_of({"decision": 1, "peer_to_peer": 1, "rationale": 1}))
@example(data=everywhere({"decision": 1, "peer_to_peer": 1, "rationale": 1}, ALWAYS[0]))
@example(data=everywhere({"decision": 1, "peer_to_peer": 1, "rationale": 1}, ALWAYS[1]))
@example(data=everywhere({"decision": 1, "peer_to_peer": 1, "rationale": 1}, ALWAYS[2]))
@example(data=everywhere({"decision": 1, "peer_to_peer": 1, "rationale": 1}, ALWAYS[3]))
def test_the_director_decision_survives_anything(client, director_with_credentials, make_review, data):
    review = make_review(status=Review.Status.PENDING_PHYSICIAN_REVIEW)
    client.force_login(director_with_credentials)
    r = client.post(reverse("review_decide", kwargs={"review_id": review.public_id}), data)
    assert r.status_code in (200, 302)


@SETTINGS
@given(params=fields_of({"status": 1, "q": 1, "mine": 1, "page": 1}))
@example(params=everywhere({"status": 1, "q": 1, "mine": 1, "page": 1}, ALWAYS[0]))
@example(params=everywhere({"status": 1, "q": 1, "mine": 1, "page": 1}, ALWAYS[1]))
@example(params=everywhere({"status": 1, "q": 1, "mine": 1, "page": 1}, ALWAYS[2]))
@example(params=everywhere({"status": 1, "q": 1, "mine": 1, "page": 1}, ALWAYS[3]))
@example(params=everywhere({"status": 1, "q": 1, "mine": 1, "page": 1}, "99999999999999999999"))  # past bigint
def test_the_queue_survives_any_query(nurse_client, params):
    assert nurse_client.get(reverse("queue"), params).status_code == expected_for(params)


@SETTINGS
@given(params=fields_of({"start": 1, "end": 1}))
@example(params=everywhere({"start": 1, "end": 1}, ALWAYS[0]))
@example(params=everywhere({"start": 1, "end": 1}, ALWAYS[1]))
@example(params=everywhere({"start": 1, "end": 1}, ALWAYS[2]))
@example(params=everywhere({"start": 1, "end": 1}, ALWAYS[3]))
@example(params=everywhere({"start": 1, "end": 1}, "9999-12-31"))  # the day after does not exist
@example(params=everywhere({"start": 1, "end": 1}, "0001-01-01"))
def test_the_report_survives_any_period(client, policy_staff, params):
    client.force_login(policy_staff)
    r = client.get(reverse("reports"), params)
    assert r.status_code == expected_for(params)
    if r.status_code == 400:
        return
    if params and r.context["report"] is None:
        assert r.context["form"].errors
    r = client.get(reverse("reports_csv"), params)
    assert r.status_code == 200
    if not r["Content-Type"].startswith("text/csv"):
        assert r.context["form"].errors  # a bad period shows the page, with the reason


@SETTINGS
@given(data=fields_of({"username": 1, "password": 1}))
@example(data=everywhere({"username": 1, "password": 1}, ALWAYS[0]))
@example(data=everywhere({"username": 1, "password": 1}, ALWAYS[1]))
@example(data=everywhere({"username": 1, "password": 1}, ALWAYS[2]))
@example(data=everywhere({"username": 1, "password": 1}, ALWAYS[3]))
def test_the_login_page_survives_anything(client, db, data):
    assert client.post(reverse("login"), data).status_code in (200, 302, 429)


def test_html_typed_into_notes_shows_as_text(client, nurse, director_with_credentials, nurse_review):
    from coverage_app import services
    from tests.conftest import complete_answers

    complete_answers(nurse_review, transplant_type="autologous", same_donor=None)
    services.review_finish(action="refer", review=nurse_review, user=nurse,
                                       criterion_notes={"DLI-1": "<script>alert('x')</script>"},
                                       overall_note="<img src=x onerror=alert(1)>",
                                       expected_revision=nurse_review.revision)
    client.force_login(director_with_credentials)
    html = client.get(reverse("review_decide", kwargs={"review_id": nurse_review.public_id})).content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
    assert "<script>alert" not in html and "<img src=x" not in html


ADMIN_LIST = {"status": 1, "service": 1, "urgency": 1, "q": 1, "o": 1, "p": 1, "all": 1}


@SETTINGS
@given(params=fields_of(ADMIN_LIST))
@example(params=everywhere(ADMIN_LIST, ALWAYS[0]))
@example(params=everywhere(ADMIN_LIST, ALWAYS[1]))
@example(params=everywhere(ADMIN_LIST, ALWAYS[2]))
@example(params=everywhere(ADMIN_LIST, "99999999999999999999"))
def test_the_admin_lists_survive_any_filter(client, policy_staff, params):
    client.force_login(policy_staff)
    for model in ("review", "determination", "accesslog", "letterwording", "policyversion"):
        r = client.get(reverse(f"admin:coverage_app_{model}_changelist"), params)
        # The page, the admin's own redirect for a filter it does not know, or the NUL page.
        assert r.status_code in (200, 302, 400), (model, r.status_code)
        assert r.status_code != 400 or expected_for(params) == 400
