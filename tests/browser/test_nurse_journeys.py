"""A nurse in a real browser (headless Chromium): the questionnaire from queue to finish."""

import pytest
from playwright.sync_api import expect

from coverage_app.models import Review
from tests.browser.conftest import log_in
from tests.browser.journeys import (
    expect_step,
    fill_request,
    fill_transplant,
    save_and_continue,
)

pytestmark = pytest.mark.browser

DLI_LABEL = "Donor lymphocyte infusion (DLI), CPT 38242"
HPC_LABEL = "Hematopoietic progenitor cell (HPC) boost, CPT 38243"
ALLOGENEIC = "Allogeneic (from a donor)"
AUTOLOGOUS = "Autologous (the member's own cells)"


def start_new_request(page):
    log_in(page)
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    page.shots("queue")
    page.get_by_role("link", name="New request").click()
    expect_step(page, "Request")


def test_it_approves_dli_for_relapsed_aml_after_an_allogeneic_transplant(page, browser_nurse):
    start_new_request(page)
    fill_request(page, service=DLI_LABEL)
    page.shots("request")
    save_and_continue(page)

    expect_step(page, "Transplant")
    fill_transplant(page, kind=ALLOGENEIC)
    page.shots("transplant")
    save_and_continue(page)

    expect_step(page, "Indication")
    page.locator("#div_id_hematologic_malignancy").get_by_label("Yes").check()
    page.get_by_label("Relapsed disease").check()
    expect(page.get_by_label("Donor chimerism (% donor cells)")).to_have_count(0)
    page.shots("indication")
    save_and_continue(page)

    expect_step(page, "Summary")
    expect(page.locator("#outcome")).to_contain_text("Criteria met")
    for code in ("DLI-1", "DLI-2", "DLI-3"):
        expect(page.locator(f"[data-criterion='{code}']")).to_have_attribute("data-met", "true")
    expect(page.locator("[data-criterion='DLI-1'] blockquote")).to_contain_text(
        "Donor lymphocyte infusion (DLI) is considered medically necessary following an allogeneic"
    )
    expect(page.get_by_role("button", name="Send to physician review")).to_have_count(0)
    page.get_by_label("Note on DLI-2").fill("AML relapse confirmed on marrow biopsy.")
    page.shots("summary")
    page.get_by_role("button", name="Approve").click()

    expect(page.get_by_role("status")).to_contain_text("approved: the criteria are met")
    page.shots("approved")

    # The letter's page is a page of the app: a way back, the PDF, printing, one H1, a main.
    reference = page.locator("[data-determination]").get_attribute("data-determination")
    page.get_by_role("link", name=f"View the letter {reference}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Letter {reference}")
    expect(page.locator("h1")).to_have_count(1)
    expect(page.get_by_role("main")).to_have_count(1)
    expect(page.get_by_role("navigation", name="Main")).to_be_visible()
    expect(page.locator("meta[name=viewport]")).to_have_count(1)
    expect(page.frame_locator("#issued-frame").get_by_text(reference).first).to_be_visible()
    page.evaluate("document.getElementById('issued-frame').contentWindow.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed === true")
    with page.expect_download() as download:
        page.get_by_role("link", name="Download PDF").click()
    assert download.value.suggested_filename == f"{reference}.pdf"
    page.shots("letter")
    page.get_by_role("link", name="Back to review").click()
    expect(page.locator("[data-determination]")).to_contain_text(reference)
    review = Review.objects.get(member_id="M20000001")
    assert review.status == Review.Status.APPROVED
    assert review.criterion_notes == {"DLI-2": "AML relapse confirmed on marrow biopsy."}
    assert review.submitted_by == browser_nurse
    assert review.nurse_determination["outcome"] == "criteria_met"


def test_it_sends_hpc_boost_at_full_chimerism_to_physician_review(page, browser_nurse):
    start_new_request(page)
    fill_request(page, service=HPC_LABEL)
    save_and_continue(page)
    fill_transplant(page, kind=ALLOGENEIC)
    save_and_continue(page)

    expect_step(page, "Indication")
    percent = page.get_by_label("Donor chimerism (% donor cells)")
    expect(percent).to_be_hidden()  # appears only once chimerism is chosen
    page.get_by_label("Enhance donor chimerism").check()
    expect(percent).to_be_visible()
    percent.fill("100")
    page.get_by_label("Date of the chimerism study").fill("2026-10-01")
    page.get_by_label("Peripheral blood").check()
    page.shots("indication")
    save_and_continue(page)

    expect(page.locator("#outcome")).to_contain_text("Criteria not met")
    expect(page.locator("[data-criterion='HPC-2b']")).to_have_attribute("data-met", "false")
    expect(page.locator("[data-criterion='HPC-2b']")).to_contain_text("showed 100% donor cells")
    expect(page.get_by_role("button", name="Approve")).to_have_count(0)
    page.get_by_label("Overall note").fill("Full donor chimerism on the latest study.")
    page.shots("summary")
    page.get_by_role("button", name="Send to physician review").click()

    expect(page.get_by_role("status")).to_contain_text("sent to physician review")
    page.shots("referred")
    review = Review.objects.get(member_id="M20000001")
    assert review.status == Review.Status.PENDING_PHYSICIAN_REVIEW
    assert review.overall_note == "Full donor chimerism on the latest study."


def test_it_never_asks_about_chimerism_after_an_autologous_transplant(page, browser_nurse):
    start_new_request(page)
    fill_request(page, service=HPC_LABEL)
    save_and_continue(page)
    fill_transplant(page, kind=AUTOLOGOUS)
    expect(page.locator("#div_id_same_donor")).to_be_hidden()
    save_and_continue(page)

    expect_step(page, "Indication")
    expect(page.get_by_label("Enhance donor chimerism")).to_have_count(0)
    expect(page.get_by_label("Donor chimerism (% donor cells)")).to_have_count(0)
    expect(page.get_by_text("Chimerism is offered only after an allogeneic transplant")).to_be_visible()
    page.get_by_label("Promote engraftment (poor graft function)").check()
    page.get_by_label("Transfusion dependence").check()
    page.shots("indication")
    save_and_continue(page)
    expect(page.locator("#outcome")).to_contain_text("Criteria met")
    page.shots("summary")


def test_it_clears_answers_that_no_longer_apply_when_the_service_changes(page, browser_nurse):
    start_new_request(page)
    fill_request(page, service=DLI_LABEL)
    save_and_continue(page)
    fill_transplant(page, kind=ALLOGENEIC)
    save_and_continue(page)
    page.locator("#div_id_hematologic_malignancy").get_by_label("Yes").check()
    page.get_by_label("Relapsed disease").check()
    save_and_continue(page)
    expect(page.locator("#outcome")).to_contain_text("Criteria met")

    # Back through the steps to the request, and change the service.
    page.get_by_role("link", name="1. Request").click()
    page.get_by_label(HPC_LABEL).check()
    page.shots("service-changed")
    save_and_continue(page)
    expect(page.get_by_text("These answers no longer apply and were cleared")).to_contain_text(
        "hematologic malignancy, indication"
    )
    save_and_continue(page)  # transplant unchanged

    expect_step(page, "Indication")
    expect(page.get_by_label("Relapsed disease")).to_have_count(0)
    expect(page.locator("input[name=indication]:checked")).to_have_count(0)
    page.shots("indication-cleared")
    review = Review.objects.get(member_id="M20000001")
    assert (review.service, review.indication, review.hematologic_malignancy) == ("hpc_boost", "", None)


def test_it_resumes_a_draft_after_logging_out_and_in(page, browser_nurse):
    start_new_request(page)
    fill_request(page, service=HPC_LABEL, member_id="M20000077")
    save_and_continue(page)
    page.locator("#div_id_had_transplant").get_by_label("Yes").check()
    page.get_by_label(ALLOGENEIC).check()
    page.get_by_role("button", name="Back").click()  # saves the draft on the way back
    expect_step(page, "Request")
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()

    log_in(page)
    page.get_by_label("Member ID or case number").fill("m20000077")
    page.get_by_role("button", name="Filter").click()
    page.shots("queue-search")
    page.get_by_role("link", name="UR-").click()
    page.get_by_role("link", name="Continue the review").click()
    # The work continues where a question is still unanswered: the transplant's date.
    expect_step(page, "Transplant")
    expect(page.get_by_label(ALLOGENEIC)).to_be_checked()
    page.get_by_role("button", name="1. Request").click()
    expect(page.get_by_label("Member ID")).to_have_value("M20000077")
    page.shots("resumed")


def test_it_shows_a_message_beside_a_bad_field_and_keeps_what_was_typed(page, browser_nurse):
    start_new_request(page)
    fill_request(page, service=DLI_LABEL)
    page.get_by_label("Provider NPI").fill("1234567890")
    page.get_by_label("Diagnosis (ICD-10-CM codes)").fill("C92.02, XYZ9")
    save_and_continue(page)
    expect(page.locator("#error-summary")).to_be_focused()
    expect(page.locator("#div_id_provider_npi")).to_contain_text("check digit")
    expect(page.locator("#div_id_diagnosis_codes")).to_contain_text("XYZ9 is not an ICD-10-CM code.")
    expect(page.get_by_label("Member name")).to_have_value("Jordan Blake")
    expect(page.get_by_label("Provider NPI")).to_have_value("1234567890")
    page.shots("errors")


def test_the_whole_journey_works_without_javascript(nojs_page, browser_nurse):
    page = nojs_page
    start_new_request(page)
    fill_request(page, service=HPC_LABEL)
    save_and_continue(page)
    # Without JavaScript every question of the step is on the page, saying when it applies.
    expect(page.get_by_label("Date of the transplant")).to_be_visible()
    fill_transplant(page, kind=ALLOGENEIC)
    page.shots("transplant")
    save_and_continue(page)
    page.get_by_label("Enhance donor chimerism").check()
    page.get_by_label("Donor chimerism (% donor cells)").fill("85")
    page.get_by_label("Date of the chimerism study").fill("2026-10-01")
    page.get_by_label("Bone marrow").check()
    page.shots("indication")
    save_and_continue(page)
    expect(page.locator("#outcome")).to_contain_text("Criteria met")
    page.shots("summary")
    page.get_by_role("button", name="Approve").click()
    expect(page.get_by_role("status")).to_contain_text("approved: the criteria are met")
    assert Review.objects.get(member_id="M20000001").status == Review.Status.APPROVED
