"""A case that fails the criteria goes from the nurse to the director, who upholds it; the letter downloads."""

import shutil
import subprocess

import pytest
from playwright.sync_api import expect

from coverage_app.models import Determination, Review
from tests.browser.conftest import log_in
from tests.browser.journeys import fill_request, fill_transplant, save_and_continue
from tests.conftest import pdf_text

pytestmark = pytest.mark.browser


def test_the_director_upholds_and_the_letter_downloads(page, browser_nurse, browser_director, output_dir):
    log_in(page)
    page.get_by_role("link", name="New request").click()
    fill_request(page, service="Donor lymphocyte infusion (DLI), CPT 38242")
    save_and_continue(page)
    fill_transplant(page, kind="Autologous (the member's own cells)")
    save_and_continue(page)
    page.locator("#div_id_hematologic_malignancy").get_by_label("Yes").check()
    page.get_by_label("Relapsed disease").check()
    save_and_continue(page)
    expect(page.locator("[data-criterion='DLI-1']")).to_have_attribute("data-met", "false")
    page.get_by_label("Note on DLI-1").fill("Autologous transplant on June 1, 2025.")
    page.shots("nurse-summary")
    page.get_by_role("button", name="Send to physician review").click()
    expect(page.get_by_role("status")).to_contain_text("sent to physician review")
    page.get_by_role("button", name="Log out").click()

    log_in(page, "director", "director-pass-0261")
    expect(page.get_by_role("heading", name="Physician review queue")).to_be_visible()
    page.shots("physician-queue")
    page.get_by_role("link", name="Review and decide").click()
    expect(page.get_by_text("Autologous transplant on June 1, 2025.")).to_be_visible()
    page.get_by_label("Uphold: adverse determination (not medically necessary)").check()
    page.get_by_label("Offered, not held").check()
    page.get_by_label("Clinical rationale").fill(
        "The transplant was autologous, so there are no donor lymphocytes to infuse."
    )
    page.shots("decision")
    page.get_by_role("button", name="Issue the determination and its letter").click()
    expect(page.get_by_text("The letter is ready")).to_be_visible()
    page.shots("issued")

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download the PDF").click()
    download = download_info.value
    pdf_path = output_dir / download.suggested_filename
    download.save_as(pdf_path)

    determination = Determination.objects.get()
    assert pdf_path.read_bytes() == bytes(determination.letter.pdf)
    assert Review.objects.get().status == Review.Status.ADVERSE_DETERMINATION
    assert "James Carter, MD, Hematology" in pdf_text(pdf_path.read_bytes())

    pdftoppm = shutil.which("pdftoppm")
    assert pdftoppm, "pdftoppm (poppler-utils) is missing: .ci/run installs it"
    subprocess.run([pdftoppm, "-png", "-r", "80", "-f", "1", "-l", "1", "-singlefile",
                    str(pdf_path), str(output_dir / "letter-page-1")], check=True)
    assert (output_dir / "letter-page-1.png").stat().st_size > 10_000
