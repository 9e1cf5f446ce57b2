"""The EHR's side and the plan's side together: a request filed over FHIR (PAS $submit) pends,
a nurse finishes it in the browser, and $inquire shows the answer: A1 once she approves; A3
once a physician upholds a request that fails the criteria, with the reason in words."""

import json
import urllib.request

import pytest
from playwright.sync_api import expect

from coverage_app import services
from coverage_app.fhir import questionnaire
from tests.browser.conftest import log_in
from tests.fhir_helpers import dli_request, inquiry, review_action

pytestmark = pytest.mark.browser


class LiveEhr:
    def __init__(self, base: str, token: str):
        self.base, self.token = base, token

    def post(self, path: str, body: dict) -> dict:
        # The live server's own address for the questionnaire the answers name.
        text = json.dumps(body).replace("http://testserver/", f"{self.base}/")
        request = urllib.request.Request(f"{self.base}{path}", data=text.encode(), method="POST", headers={
            "Authorization": f"Bearer {self.token}", "Content-Type": "application/fhir+json"})
        with urllib.request.urlopen(request) as response:
            return json.load(response)


@pytest.fixture
def ehr(live_server, seeded):
    _client, token = services.api_client_create(name="Riverside EHR")
    return LiveEhr(live_server.url, token)


def open_from_queue(page):
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    page.get_by_role("link", name="UR-").click()
    expect(page.locator("#attested")).to_contain_text("the answers are the provider's attestation")
    page.get_by_role("button", name="Assign to me").click()


def confirm_steps(page, steps=3):
    for _ in range(steps):
        page.get_by_role("button", name="Save and continue").click()


def test_a_nurse_approves_what_the_ehr_filed_and_inquire_says_a1(page, ehr, browser_nurse):
    assert review_action(ehr.post("/fhir/Claim/$submit", dli_request(indication=None))) == "A4"
    log_in(page)
    open_from_queue(page)
    confirm_steps(page, 2)
    page.get_by_label("Relapsed disease").check()  # what the provider left unanswered
    confirm_steps(page, 1)
    expect(page.locator("#outcome")).to_contain_text("Criteria met")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("approved")
    answer = ehr.post("/fhir/Claim/$inquire", inquiry())
    assert review_action(answer) == "A1"
    reference = page.locator("[data-determination]").get_attribute("data-determination")
    assert answer["entry"][0]["resource"]["preAuthRef"] == reference


def test_a_physician_upholds_and_inquire_says_a3_with_the_reason(page, ehr, browser_nurse, browser_director):
    autologous = {"valueCoding": {"system": questionnaire.CODE_SYSTEM, "code": "autologous"}}
    assert review_action(ehr.post("/fhir/Claim/$submit", dli_request(transplant_type=autologous, same_donor=None))) == "A4"
    log_in(page)
    open_from_queue(page)
    confirm_steps(page, 3)
    expect(page.locator("[data-criterion='DLI-1']")).to_have_attribute("data-met", "false")
    page.get_by_role("button", name="Send to physician review").click()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "director", "director-pass-0261")
    page.get_by_role("link", name="Review and decide").click()
    page.get_by_label("Uphold: adverse determination (not medically necessary)").check()
    page.get_by_label("Offered, not held").check()
    page.get_by_label("Clinical rationale").fill("An autologous transplant leaves no donor lymphocytes to infuse.")
    page.get_by_role("button", name="Issue the determination and its letter").click()
    expect(page.get_by_text("The letter is ready")).to_be_visible()

    answer = ehr.post("/fhir/Claim/$inquire", inquiry())
    assert review_action(answer) == "A3"
    notes = " ".join(n["text"] for n in answer["entry"][0]["resource"]["processNote"])
    assert "allogeneic" in notes.lower()
