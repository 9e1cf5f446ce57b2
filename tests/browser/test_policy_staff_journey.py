"""Policy staff reword a criterion in a draft and publish it on purpose, in a real browser: the
date, the changes side by side, the confirmation, and the version scheduled."""

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from coverage_app.lib.usdates import long_date
from coverage_app.models import PolicyVersion
from coverage_app.selectors import policy_version_in_effect
from tests.browser.conftest import log_in

pytestmark = pytest.mark.browser

NEW_WORDING = "The member had a donor (allogeneic) stem cell transplant."


@pytest.fixture
def browser_policy_staff(seeded, django_user_model):
    """Made as seed_demo makes the `policy` account: a staff user in the policy staff group."""
    from django.contrib.auth.models import Group

    from coverage_app import roles

    user = django_user_model.objects.create_user(
        username="policy", password="policy-pass-0261", first_name="Priya", last_name="Shah", is_staff=True
    )
    user.groups.add(Group.objects.get(name=roles.POLICY_STAFF))
    return user


def go(page, control):
    """Click, and wait until the page it leads to has loaded (axe checks each page as it loads)."""
    with page.expect_navigation():
        control.click()


def test_it_drafts_rewords_and_publishes_a_version(page, browser_policy_staff):
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    log_in(page, "policy", "policy-pass-0261")
    page.wait_for_url("**/admin/")
    page.wait_for_load_state()
    go(page, page.get_by_role("link", name="Policy versions").first)
    go(page, page.get_by_role("link", name="Policy 0261, version effective May 15, 2024"))
    expect(page.get_by_text("can no longer be edited because it has taken effect")).to_be_visible()
    page.shots("version in effect")

    go(page, page.get_by_role("button", name="New version from this"))
    expect(page.get_by_text("No review, letter or policy page uses this version until it is published")).to_be_visible()
    expect(page.locator("#id_criteria-0-code option:checked")).to_have_text("DLI-1: DLI after an allogeneic transplant")
    page.locator("#id_criteria-0-statement").fill(NEW_WORDING)
    page.shots("draft reworded")
    go(page, page.get_by_role("button", name="Save and publish…"))

    page.get_by_label("Effective date").fill(tomorrow.isoformat())
    page.shots("publish date")
    go(page, page.get_by_role("button", name="Show the changes"))
    row = page.get_by_role("row", name="DLI-1: DLI after an allogeneic transplant (the test)")
    expect(row.locator("del").first).to_have_text("an allogeneic hematopoietic ")
    expect(row.locator("ins").first).to_have_text("a donor (allogeneic) ")
    page.shots("the changes")
    draft = PolicyVersion.objects.get(effective_date=None)  # nothing published before the confirmation

    go(page, page.get_by_role("button", name=f"Publish, effective {long_date(tomorrow)}"))
    expect(page.get_by_text(f"Published: this version is scheduled to take effect on {long_date(tomorrow)}.")).to_be_visible()
    expect(page.get_by_text(f"it is published and takes effect on {long_date(tomorrow)}")).to_be_visible()
    page.shots("published")

    go(page, page.get_by_role("link", name="Policy versions").first)
    expect(page.get_by_role("row", name=f"Policy 0261, version effective {tomorrow:%b} {tomorrow.day}, {tomorrow.year}")
           ).to_contain_text("Scheduled")
    page.shots("scheduled")
    draft.refresh_from_db()
    assert draft.effective_date == tomorrow
    assert policy_version_in_effect(tomorrow).criteria.get(code="DLI-1").statement == NEW_WORDING


def test_every_admin_page_policy_staff_use_passes_axe(page, browser_policy_staff, make_live_review):
    """Each list policy staff reach from the admin's home, and the first record of each: axe
    (conftest.py) checks every one as it loads."""
    make_live_review()
    log_in(page, "policy", "policy-pass-0261")
    page.wait_for_url("**/admin/")
    page.wait_for_load_state()
    lists = [a.get_attribute("href") for a in page.locator("#content-main th[scope=row] a, #content-main caption a").all()]
    lists = sorted({href for href in lists if href and href.startswith("/admin/coverage_app/")})
    for model in ("coveragepolicy", "policyversion", "letterwording", "plansettings", "review", "determination", "accesslog"):
        assert f"/admin/coverage_app/{model}/" in lists, lists
    for href in lists:
        page.goto(href)
        expect(page.locator("#content h1")).to_be_visible()
        first = page.locator("#result_list tbody tr th a, #result_list tbody tr td a").first
        if first.count():
            go(page, first)
            expect(page.locator("#content h1")).to_be_visible()
    page.goto("/admin/coverage_app/letterwording/")
    go(page, page.locator("#result_list tbody tr th a").first)
    expect(page.get_by_role("button", name="New version from this")).to_be_visible()
    assert page.axe.problems == []
