"""Playwright for Python driving Debian's Chromium against pytest-django's live server."""

import importlib
import os
import re
from pathlib import Path

import pytest

from tests.browser import accessibility

CHROMIUM = "/usr/bin/chromium"
OUTPUT_ROOT = Path(__file__).resolve().parents[2] / "test-output" / "browser"
# Chromium must not reach out to Google on this closed network, and runs as root here.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls the tests make
    # between browser steps are still plain synchronous code. Only while the browser is up.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
            yield b
            b.close()
    finally:
        os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture
def output_dir(request) -> Path:
    folder = OUTPUT_ROOT / re.sub(r"[^\w.-]+", "_", request.node.name)
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.png"):
        old.unlink()
    return folder


class Shots:
    def __init__(self, page, folder: Path):
        self.page, self.folder, self.n = page, folder, 0

    def __call__(self, name: str):
        self.n += 1
        self.page.screenshot(path=self.folder / f"{self.n:02d}-{name}.png", full_page=True)


def make_page(browser, live_server, output_dir, javascript: bool = True, **options):
    # bypass_csp lets axe-core's script in; only these test contexts set it.
    context = browser.new_context(
        java_script_enabled=javascript, base_url=live_server.url, bypass_csp=True, **options
    )
    context.set_default_timeout(10_000)
    # No transitions: axe may check a page while the mouse is on a button, and must not sample its
    # colours halfway between two states.
    context.add_init_script(
        "document.addEventListener('DOMContentLoaded', () => { const s = document.createElement('style');"
        " s.textContent = '*, *::before, *::after { transition: none !important; animation: none !important; }';"
        " document.head.appendChild(s); });"
    )
    page = context.new_page()
    return context, page, Shots(page, output_dir)


def _checked_page(browser, live_server, output_dir, **options):
    """A page whose every load axe checks; the test fails at the end on a serious violation."""
    context, page, shots = make_page(browser, live_server, output_dir, **options)
    page.shots = shots
    page.axe = accessibility.Watch(page)
    yield page
    context.close()
    page.axe.assert_clean()


@pytest.fixture
def page(browser, live_server, output_dir, seeded):
    yield from _checked_page(browser, live_server, output_dir)


@pytest.fixture
def nojs_page(browser, live_server, output_dir, seeded):
    yield from _checked_page(browser, live_server, output_dir, javascript=False)


@pytest.fixture
def browser_nurse(seeded, django_user_model):
    from django.contrib.auth.models import Group

    from coverage_app import roles

    user = django_user_model.objects.create_user(
        username="nurse", password="nurse-pass-0261", first_name="Maria", last_name="Lopez"
    )
    user.groups.add(Group.objects.get(name=roles.NURSE))
    return user


def log_in(page, username="nurse", password="nurse-pass-0261"):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Log in").click()


@pytest.fixture
def browser_director(seeded, django_user_model):
    from django.contrib.auth.models import Group

    from coverage_app import roles
    from coverage_app.models import ReviewerProfile

    user = django_user_model.objects.create_user(
        username="director", password="director-pass-0261", first_name="James", last_name="Carter"
    )
    user.groups.add(Group.objects.get(name=roles.DIRECTOR))
    ReviewerProfile.objects.create(
        user=user, degree="MD", specialty="Hematology", license_number="MD-48213", license_state="MA"
    )
    return user


@pytest.fixture
def make_live_review(seeded):
    """A review in the queue with its request step answered; keyword arguments set its fields."""
    import datetime as dt

    from django.utils import timezone

    from coverage_app.services import review_create
    from tests.conftest import ADDRESS_AND_FACILITY, DATE_OF_SERVICE

    def make(**fields):
        request = dict(
            received_at=timezone.now() - dt.timedelta(hours=1), urgency="standard", line_of_business="commercial",
            status="received", member_name="Jordan Blake", member_id="M20000001",
            member_date_of_birth=dt.date(1970, 4, 2), requesting_provider="Dana Whitfield, MD",
            provider_npi="1234567893", service="dli", planned_date_of_service=DATE_OF_SERVICE,
            diagnosis_codes=["C92.02"], **ADDRESS_AND_FACILITY,
        )
        return review_create(**{**request, **fields})

    return make
