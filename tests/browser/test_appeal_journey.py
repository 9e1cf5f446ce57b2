"""An appeal in a real browser: the coordinator logs it from the letter's reference number, a second
physician decides it afresh, and the appeal decision letter downloads."""

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import expect

from coverage_app import roles, services
from coverage_app.models import Appeal, Notice, ReviewerProfile
from tests.browser.conftest import log_in
from tests.conftest import ADDRESS_AND_FACILITY, DATE_OF_SERVICE, complete_answers, pdf_text

pytestmark = pytest.mark.browser


@pytest.fixture
def upheld_in_browser(browser_nurse, browser_director, make_review):
    review = make_review(
        assigned_to=browser_nurse, status="in_review", member_name="Jordan Blake", member_id="M20000001",
        requesting_provider="Dana Whitfield, MD", provider_npi="1234567893", service="dli",
        planned_date_of_service=DATE_OF_SERVICE, diagnosis_codes=["C92.02"], **ADDRESS_AND_FACILITY,
    )
    import datetime as dt

    review.member_date_of_birth = dt.date(1970, 4, 2)
    review.save(update_fields=["member_date_of_birth"])
    complete_answers(review, transplant_type="autologous", same_donor=None)
    services.review_finish(action="refer", review=review, user=browser_nurse, criterion_notes={}, overall_note="",
                           expected_revision=review.revision)
    return services.director_decide(review=review, user=browser_director, decision="uphold",
                                    peer_to_peer="offered", rationale="Autologous transplant.")


def test_an_appeal_goes_from_intake_to_its_decision_letter(page, upheld_in_browser, django_user_model, output_dir):
    coordinator = django_user_model.objects.create_user("appeals", password="appeals-pass-0261")
    coordinator.groups.add(Group.objects.get(name=roles.APPEALS_COORDINATOR))
    second = django_user_model.objects.create_user("director2", password="director2-pass-0261",
                                                   first_name="Ruth", last_name="Adeyemi")
    second.groups.add(Group.objects.get(name=roles.DIRECTOR))
    ReviewerProfile.objects.create(user=second, degree="MD", specialty="Hematology/Oncology",
                                   license_number="MD-77120", license_state="IL")

    log_in(page, "appeals", "appeals-pass-0261")
    expect(page.get_by_role("heading", name="Appeals")).to_be_visible()
    page.get_by_label("Letter reference number").fill(upheld_in_browser.reference_number)
    page.get_by_role("button", name="Find the determination").click()
    page.get_by_role("link", name="Log an appeal").click()
    page.get_by_label("The member", exact=True).check()
    page.get_by_label("Mail").check()
    page.get_by_label("New information sent with the appeal").fill("A letter from the transplant program.")
    page.shots("intake")
    page.get_by_role("button", name="Record the appeal").click()
    appeal = Appeal.objects.get()
    expect(page.get_by_text(f"Appeal {appeal.reference_number} recorded.")).to_be_visible()
    page.get_by_role("button", name="Log out").click()

    log_in(page, "director2", "director2-pass-0261")
    page.get_by_role("link", name="Appeals").click()
    page.get_by_role("link", name=appeal.reference_number).click()
    page.get_by_role("link", name="Decide the appeal").click()
    expect(page.get_by_text("A letter from the transplant program.")).to_be_visible()
    expect(page.locator("#rerun-trace [data-criterion='DLI-1']")).to_contain_text("Not met")
    page.get_by_label("Uphold: the service is not approved").check()
    page.get_by_label("Your rationale, afresh").fill("Still an autologous transplant: no donor cells exist.")
    page.get_by_label("Physician consulted").fill("Dr Lena Ortiz")
    page.get_by_label("Consultant's specialty").select_option("transplant")
    page.shots("decide")
    page.get_by_role("button", name="Issue the appeal decision").click()
    expect(page.get_by_text(f"Appeal {appeal.reference_number}: upheld.")).to_be_visible()
    notice = Notice.objects.get(kind="appeal_decision")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"Download the PDF {notice.reference_number}").click()
    path = output_dir / download.value.suggested_filename
    download.value.save_as(path)
    assert path.read_bytes() == bytes(notice.pdf)
    assert "Appeal decision: we upheld our decision" in pdf_text(path.read_bytes())
    page.shots("decided")
