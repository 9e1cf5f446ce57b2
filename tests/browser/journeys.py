"""Steps a nurse takes through the questionnaire, shared by the browser tests."""

from playwright.sync_api import Page, expect

from tests.conftest import DATE_OF_SERVICE


def save_and_continue(page: Page):
    page.get_by_role("button", name="Save and continue").click()


def fill_request(page: Page, *, service: str, member_id: str = "M20000001", dos: str = DATE_OF_SERVICE.isoformat()):
    page.get_by_label("Member name").fill("Jordan Blake")
    page.get_by_label("Member ID").fill(member_id)
    page.get_by_label("Member date of birth").fill("1970-04-02")
    page.get_by_label("Member mailing address").fill("12 Elm Street")
    page.get_by_label("City").fill("Chicago")
    page.locator("#id_member_state").fill("IL")
    page.get_by_label("ZIP code").fill("60622")
    page.get_by_label("Commercial / employer plan (ERISA)").check()
    page.get_by_label("Prior authorization (before the service)").check()
    page.get_by_label("Requesting provider").fill("Dana Whitfield, MD")
    page.get_by_label("Provider NPI").fill("1234567893")
    page.get_by_label(service).check()
    page.get_by_label("Number of infusions requested").fill("1")
    page.get_by_label("Servicing facility (where the infusion is given)").fill("Riverside Cancer Center")
    page.get_by_label("Servicing facility NPI").fill("1245319599")
    page.locator("#id_planned_date_of_service").fill(dos)
    page.get_by_label("Standard", exact=True).check()
    page.get_by_label("Diagnosis (ICD-10-CM codes)").fill("C92.02")


def fill_transplant(page: Page, *, kind: str, date: str = "2025-06-01", same_donor: bool = True):
    page.locator("#div_id_had_transplant").get_by_label("Yes").check()
    page.get_by_label(kind).check()
    page.get_by_label("Date of the transplant").fill(date)
    if kind.startswith("Allogeneic"):
        page.locator("#div_id_same_donor").get_by_label("Yes" if same_donor else "No").check()


def expect_step(page: Page, title: str):
    expect(page.locator("[aria-current=step]")).to_contain_text(title)
