"""A reviewer's day in the browser: typed work is never lost, a question that stops applying says
so, messages speak with one voice and lead to their field, focus shows, the queue reads on a phone.
Every page these tests load is also checked by axe-core (conftest.py)."""

from pathlib import Path

import pytest
from playwright.sync_api import expect

from coverage_app.models import Review
from tests.browser.conftest import log_in
from tests.browser.journeys import expect_step, fill_request, fill_transplant, save_and_continue

pytestmark = pytest.mark.browser

HPC = "Hematopoietic progenitor cell (HPC) boost, CPT 38243"
ALLOGENEIC = "Allogeneic (from a donor)"
SCREENSHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def start_new_request(page):
    log_in(page)
    page.get_by_role("link", name="New request").click()
    expect_step(page, "Request")


def tab_to(page, locator, presses=80):
    """Press Tab until `locator` has the focus, as a keyboard user would reach it."""
    for _ in range(presses):
        page.keyboard.press("Tab")
        if locator.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def outline(locator) -> tuple[str, str, str]:
    return tuple(locator.evaluate(
        "el => { const s = getComputedStyle(el); return [s.outlineStyle, s.outlineWidth, s.outlineColor]; }"
    ))


def test_it_warns_before_leaving_typed_work_and_saves_it_on_every_way_out(page, browser_nurse):
    start_new_request(page)
    page.get_by_label("Member name").fill("Jordan Blake")
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.type), d.dismiss()))
    page.get_by_role("link", name="Work queue").click()
    assert dialogs == ["beforeunload"]
    expect(page.get_by_label("Member name")).to_have_value("Jordan Blake")

    fill_request(page, service=HPC, member_id="M20000042")
    page.get_by_role("button", name="Save and return to queue").click()
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    expect(page.get_by_role("status")).to_contain_text("created")
    assert dialogs == ["beforeunload"]  # saving is not leaving

    page.get_by_role("link", name="UR-").click()
    page.get_by_role("link", name="Continue the review").click()
    expect_step(page, "Transplant")
    # The step bar says which steps are complete.
    expect(page.get_by_role("button", name="1. Request (complete)")).to_be_visible()
    page.locator("#div_id_had_transplant").get_by_label("Yes").check()
    page.get_by_label(ALLOGENEIC).check()
    page.get_by_role("button", name="1. Request").click()  # a step button saves a draft first
    expect_step(page, "Request")
    assert dialogs == ["beforeunload"]
    page.get_by_role("button", name="2. Transplant").click()
    expect(page.get_by_label(ALLOGENEIC)).to_be_checked()
    page.get_by_label("Date of the transplant").fill("2025-06-01")
    page.get_by_role("button", name="Save and return to queue").click()
    expect(page.get_by_role("status")).to_contain_text("saved as a draft")
    review = Review.objects.get(member_id="M20000042")
    assert (review.had_transplant, review.transplant_type, str(review.transplant_date)) == (True, "allogeneic", "2025-06-01")


def test_it_says_beside_a_vanished_question_that_its_answer_will_be_cleared(page, browser_nurse):
    start_new_request(page)
    fill_request(page, service=HPC)
    save_and_continue(page)
    fill_transplant(page, kind=ALLOGENEIC)
    page.locator("#div_id_had_transplant").get_by_label("No").check()
    expect(page.get_by_label(ALLOGENEIC)).to_be_hidden()
    notes = page.locator(".clearing-note")
    expect(notes).to_have_count(3)
    expect(notes.first).to_have_text("“Type of transplant” no longer applies: its answer will be cleared when you save.")
    page.shots("clearing-notes")
    page.locator("#div_id_had_transplant").get_by_label("Yes").check()  # changed her mind
    expect(notes).to_have_count(0)
    expect(page.get_by_label(ALLOGENEIC)).to_be_checked()


def test_it_marks_messages_and_links_every_error_to_its_field(page, browser_nurse):
    start_new_request(page)
    fill_request(page, service=HPC)
    save_and_continue(page)
    save_and_continue(page)  # nothing answered on the transplant step
    group = page.locator("#div_id_had_transplant fieldset")
    expect(group).to_have_attribute("aria-invalid", "true")
    expect(group).to_have_attribute("aria-describedby", "id_had_transplant_error")
    expect(page.locator("#id_had_transplant_0")).to_have_attribute("aria-invalid", "true")
    page.locator("#error-summary").get_by_role("link").first.click()
    expect(page.locator("#id_had_transplant_0")).to_be_focused()
    page.shots("transplant-errors")
    fill_transplant(page, kind=ALLOGENEIC)
    save_and_continue(page)

    expect_step(page, "Indication")
    page.get_by_label("Enhance donor chimerism").check()
    # A question that appears on an answer is marked required like the others.
    expect(page.locator("#div_id_donor_chimerism_percent .asteriskField")).to_be_visible()
    expect(page.get_by_label("Donor chimerism (% donor cells)")).to_have_accessible_name("Donor chimerism (% donor cells) (required)")
    page.get_by_label("Donor chimerism (% donor cells)").fill("9,5")
    save_and_continue(page)
    chimerism = page.locator("#div_id_donor_chimerism_percent")
    expect(chimerism).to_contain_text("Use a point for decimals: 9.5, not 9,5.")
    expect(page.get_by_label("Donor chimerism (% donor cells)")).to_have_value("9,5")
    expect(page.locator("#div_id_chimerism_specimen")).to_contain_text("Answer this question.")
    expect(page.get_by_text("This field is required.")).to_have_count(0)
    page.locator("#error-summary").get_by_role("link", name="Donor chimerism").click()
    expect(page.get_by_label("Donor chimerism (% donor cells)")).to_be_focused()
    page.get_by_label("Donor chimerism (% donor cells)").fill("150")
    save_and_continue(page)
    expect(chimerism).to_contain_text("Enter a percentage from 0 to 100.")
    page.shots("indication-errors")


def test_focus_shows_on_the_bar_and_on_the_page(page, browser_nurse):
    start_new_request(page)
    link = page.get_by_role("link", name="Work queue")
    tab_to(page, link)
    assert outline(link) == ("solid", "3px", "rgb(255, 221, 0)")
    field = page.get_by_label("Member name")
    tab_to(page, field)
    assert outline(field) == ("solid", "3px", "rgb(33, 37, 41)")
    button = page.get_by_role("button", name="Save and continue")
    tab_to(page, button)
    assert outline(button) == ("solid", "3px", "rgb(33, 37, 41)")


@pytest.fixture
def phone_page(browser, live_server, output_dir, seeded):
    from tests.browser.conftest import _checked_page

    yield from _checked_page(browser, live_server, output_dir, viewport={"width": 390, "height": 844})


def test_the_queue_stacks_each_review_and_the_menu_folds_on_a_phone(phone_page, browser_nurse, make_live_review):
    page = phone_page
    make_live_review(member_name="Jordan Blake", member_id="M20000001")
    log_in(page)
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    row = page.locator(".queue-table tbody tr").first
    assert row.evaluate("el => getComputedStyle(el).display") == "block"
    member = row.locator("td[data-label=Member]")
    assert member.evaluate("el => getComputedStyle(el, '::before').content") == '"Member: "'
    queue_link = page.get_by_role("link", name="Work queue")
    expect(queue_link).to_be_hidden()
    page.get_by_role("button", name="Menu").click()
    expect(queue_link).to_be_visible()
    page.shots("phone-queue")


def test_it_draws_the_readme_screenshots(page, browser_nurse, make_live_review):
    """docs/screenshots/ (README) as these pages are today: the queue, and a summary."""
    from tests.conftest import complete_answers

    import datetime as dt

    from django.utils import timezone

    page.set_viewport_size({"width": 1280, "height": 800})
    # Received at set times today, so the pictures change only when the day does.
    morning = timezone.make_aware(dt.datetime.combine(timezone.localdate(), dt.time(8, 30)))
    make_live_review(member_name="Avery Stone", member_id="M20000100", received_at=morning)
    make_live_review(member_name="Sam Rivera", member_id="M20000102", status="pending_physician_review",
                     received_at=morning + dt.timedelta(minutes=20))
    mine = complete_answers(make_live_review(member_name="Jordan Blake", member_id="M20000101", status="in_review",
                                             assigned_to=browser_nurse, received_at=morning + dt.timedelta(minutes=45)))
    log_in(page)
    expect(page.get_by_role("heading", name="Work queue")).to_be_visible()
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / "queue.png")
    page.get_by_role("link", name=mine.case_number).click()
    page.get_by_role("link", name="Continue the review").click()
    expect_step(page, "Summary")
    expect(page.locator("#outcome")).to_contain_text("Criteria met")
    page.screenshot(path=SCREENSHOTS / "summary.png", full_page=True)
    assert (SCREENSHOTS / "queue.png").stat().st_size > 10_000


def test_the_reports_read_and_download_for_the_dates_on_the_form(page, seeded, django_user_model, make_live_review):
    import datetime as dt

    from django.contrib.auth.models import Group
    from django.utils import timezone

    from coverage_app import roles

    staff = django_user_model.objects.create_user(username="policy", password="policy-pass-0261", is_staff=True)
    staff.groups.add(Group.objects.get(name=roles.POLICY_STAFF))
    make_live_review(received_at=timezone.now() - dt.timedelta(days=40))
    log_in(page, "policy", "policy-pass-0261")
    page.get_by_role("link", name="Reports").click()
    today = timezone.localdate()
    page.get_by_label("From").fill((today + dt.timedelta(days=3)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#div_id_start")).to_contain_text("The period cannot start after today.")
    page.get_by_label("From").fill((today - dt.timedelta(days=60)).isoformat())
    page.get_by_label("To (inclusive)").fill((today - dt.timedelta(days=30)).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(page.locator("#counts")).to_be_visible()
    # Dates changed after "Show": the CSV follows the form, not the table on the page.
    page.get_by_label("From").fill((today - dt.timedelta(days=35)).isoformat())
    with page.expect_download() as download:
        page.get_by_role("button", name="Download CSV").click()
    assert (today - dt.timedelta(days=35)).isoformat() in download.value.suggested_filename
    page.shots("reports")
    page.get_by_role("link", name="health equity report").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Health equity")
    expect(page.locator("svg[role=img]").first).to_be_visible()
    page.shots("equity")


def test_the_nurse_records_self_reported_demographics_that_no_page_shows_back(page, browser_nurse, make_live_review):
    review = make_live_review(status="in_review", assigned_to=browser_nurse)
    log_in(page)
    page.goto(f"/reviews/{review.public_id}/")
    page.get_by_role("link", name="Record the member's self-reported demographics").click()
    page.get_by_label("White").check()
    page.get_by_label("Declined to answer").first.check()
    page.get_by_role("button", name="Record the member's answers").click()
    expect(page.locator("#div_id_race_ethnicity")).to_contain_text("not both")
    page.get_by_label("Declined to answer").first.uncheck()
    page.get_by_label("Preferred spoken language").select_option(label="Spanish")
    page.get_by_role("button", name="Record the member's answers").click()
    expect(page.get_by_role("status")).to_contain_text("not shown on any review page")
    expect(page.get_by_text("White")).to_have_count(0)
