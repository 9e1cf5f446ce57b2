"""Policy staff set what letters print that differs from plan to plan (Plan settings in the admin
site); an issued letter keeps the settings it was printed with."""

import pytest
from django.urls import reverse

from coverage_app.letters import render_letter
from coverage_app.lib import taglines
from coverage_app.models import PlanSettings
from tests.conftest import pdf_text

pytestmark = pytest.mark.django_db


def _post(client, **changes):
    settings = PlanSettings.objects.get()
    data = {
        "state": settings.state, "member_services_phone": settings.member_services_phone,
        "member_services_tty": settings.member_services_tty,
        "tagline_languages": ", ".join(settings.tagline_languages),
        "authorization_valid_days": settings.authorization_valid_days, **changes,
    }
    return client.post(reverse("admin:coverage_app_plansettings_change", args=[settings.pk]), data)


def test_the_default_is_one_states_list_of_15_languages():
    settings = PlanSettings.objects.get()
    assert settings.state == taglines.DEFAULT_STATE
    assert settings.tagline_languages == list(taglines.STATE_LISTS[taglines.DEFAULT_STATE])
    assert len(settings.tagline_languages) == 15
    assert settings.authorization_valid_days == 90


def test_policy_staff_change_the_languages_and_a_wrong_code_is_named(client, policy_staff):
    client.force_login(policy_staff)
    r = _post(client, tagline_languages="es, xx, zz")
    assert r.status_code == 200
    assert r.context["adminform"].form.errors["tagline_languages"] == ["No tagline for: xx, zz."]
    r = _post(client, tagline_languages="es, es")
    assert r.context["adminform"].form.errors["tagline_languages"] == ["A language is listed twice."]
    california = ", ".join(taglines.STATE_LISTS["CA"])
    assert _post(client, state="CA", tagline_languages=california, member_services_phone="1-800-555-0999").status_code == 302
    settings = PlanSettings.objects.get()
    assert settings.tagline_languages == list(taglines.STATE_LISTS["CA"]) and settings.state == "CA"
    assert settings.history.count() == 1  # the change is in the audit trail


def test_nobody_adds_or_deletes_the_settings(client, policy_staff):
    client.force_login(policy_staff)
    assert client.get(reverse("admin:coverage_app_plansettings_add")).status_code == 403
    settings = PlanSettings.objects.get()
    assert client.post(reverse("admin:coverage_app_plansettings_delete", args=[settings.pk]), {"post": "yes"}).status_code == 403


def test_a_letter_keeps_the_settings_it_was_issued_with(client, policy_staff, approved):
    before = pdf_text(bytes(approved.letter.pdf))
    assert "Call 1-800-555-0261 (TTY: 711)" in before
    client.force_login(policy_staff)
    assert _post(client, member_services_phone="1-800-555-0999", authorization_valid_days=30).status_code == 302
    approved.refresh_from_db()
    _html, pdf = render_letter(approved, approved.review)  # from its snapshot, as issued
    assert "Call 1-800-555-0261 (TTY: 711)" in pdf_text(pdf) and "1-800-555-0999" not in pdf_text(pdf)
