"""A nurse asks for missing records in a real browser: the notice, a document, and the clock."""

import pytest
from playwright.sync_api import expect

from coverage_app.models import Document, Notice, Review
from tests.browser.conftest import log_in
from tests.browser.journeys import expect_step, fill_request, fill_transplant, save_and_continue

pytestmark = pytest.mark.browser

DLI_LABEL = "Donor lymphocyte infusion (DLI), CPT 38242"


def test_it_asks_for_records_attaches_what_arrives_and_resumes(page, browser_nurse, tmp_path):
    log_in(page)
    page.get_by_role("link", name="New request").click()
    fill_request(page, service=DLI_LABEL)
    save_and_continue(page)
    expect_step(page, "Transplant")
    fill_transplant(page, kind="Allogeneic (from a donor)")
    save_and_continue(page)
    expect_step(page, "Indication")
    page.locator("#div_id_hematologic_malignancy").get_by_label("Yes").check()
    page.get_by_label("Relapsed disease").check()
    save_and_continue(page)
    expect_step(page, "Summary")

    review = Review.objects.get(member_id="M20000001")
    page.goto(page.url.replace("/summary/", "/"))
    page.get_by_role("link", name="Request information").click()
    expect(page.get_by_text("Asked now, the answer is due by")).to_be_visible()
    page.get_by_label("Records showing relapsed, persistent or refractory disease").check()
    page.get_by_label("Anything else needed, and why").fill("The bone marrow biopsy report.")
    page.shots("information request")
    page.get_by_role("button", name="Issue the request for information").click()

    notice = Notice.objects.get(review=review)
    expect(page.get_by_text(f"Request for information {notice.reference_number} issued")).to_be_visible()
    expect(page.get_by_text("Clock paused", exact=True)).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download the PDF {notice.reference_number}").click()
    assert download.value.suggested_filename == f"{notice.reference_number}.pdf"

    report = tmp_path / "marrow.pdf"
    report.write_bytes(b"%PDF-1.4\n%%EOF\n")
    page.get_by_label("Attach a document (PDF or image, up to 10 MB)").set_input_files(str(report))
    page.get_by_label("Description").fill("Bone marrow biopsy, May 2")
    page.get_by_role("button", name="Attach", exact=True).click()
    expect(page.get_by_text("marrow.pdf attached.")).to_be_visible()
    assert Document.objects.get(review=review).description == "Bone marrow biopsy, May 2"

    page.get_by_label("What arrived").fill("Biopsy report faxed by the transplant program.")
    page.get_by_role("button", name="Information received: resume the review").click()
    expect(page.get_by_text("Information received: the review's clock runs again.")).to_be_visible()
    page.shots("resumed")
    review.refresh_from_db()
    assert review.status == Review.Status.IN_REVIEW and review.information_received_at is not None
