"""A copy of a version is a draft: nothing that asks which version is in effect ever picks it, however
far the date, until policy staff publish it."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from coverage_app import policy_versions
from coverage_app.evaluation import determine
from coverage_app.letters import wording_in_effect
from coverage_app.lib import rules
from coverage_app.models import LetterWording, PolicyVersion
from coverage_app.selectors import policy_version_in_effect
from tests.test_admin_policy import current_version, version_form_data

FAR = dt.date.today() + dt.timedelta(days=3650)


def dli_on(day):
    return rules.Case(rules.Service.DLI, rules.TransplantType.ALLOGENEIC, rules.Indication.RELAPSED,
                      hematologic_malignancy=True, date_of_service=day)


def a_reworded_draft(client, policy_staff) -> PolicyVersion:
    client.force_login(policy_staff)
    client.post(reverse("admin:coverage_app_policyversion_copy", args=[current_version().pk]))
    draft = PolicyVersion.objects.get(effective_date=None)
    data = version_form_data(draft, statements=["Draft statement."])
    data["criteria-0-statement"] = "Draft words for DLI-1."
    assert client.post(reverse("admin:coverage_app_policyversion_change", args=[draft.pk]), data).status_code == 302
    return draft


def test_it_makes_a_copy_a_draft_without_a_date(client, policy_staff):
    draft = a_reworded_draft(client, policy_staff)
    assert draft.effective_date is None and draft.is_draft
    page = client.get(reverse("admin:coverage_app_policyversion_change", args=[draft.pk])).content.decode()
    assert "No review, letter or policy page uses this version until it is published" in page


def test_it_judges_no_case_by_a_draft_whatever_the_date(client, policy_staff):
    a_reworded_draft(client, policy_staff)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    for day in (tomorrow, tomorrow + dt.timedelta(days=1), FAR):
        assert policy_version_in_effect(day) == current_version()
        result = determine(dli_on(day))
        assert result.version == current_version()
        assert result.determination.criteria[0].statement != "Draft words for DLI-1."


def test_it_keeps_drafts_off_the_policy_page_even_after_the_old_automatic_date(client, policy_staff, monkeypatch):
    a_reworded_draft(client, policy_staff)
    # The day after tomorrow: a copy used to take effect by itself tomorrow.
    later = timezone.localdate() + dt.timedelta(days=2)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: later)
    html = client.get(reverse("policy_detail")).content.decode()
    assert "Draft words for DLI-1." not in html and "Draft statement." not in html
    assert html.count("<li>Effective ") == 1  # the versions listed: the published one alone


def test_it_shows_a_draft_as_draft_in_the_admin_whatever_the_date(client, policy_staff, monkeypatch):
    draft = a_reworded_draft(client, policy_staff)
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a, **k: FAR)
    url = reverse("admin:coverage_app_policyversion_changelist")
    assert list(client.get(url, {"status": "in effect"}).context["cl"].result_list) == [current_version()]
    assert list(client.get(url, {"status": "draft"}).context["cl"].result_list) == [draft]
    annotated = PolicyVersion.objects.annotate(
        current=policy_versions.in_effect_date_subquery(PolicyVersion, "policy", FAR)).get(pk=draft.pk)
    assert annotated.current == current_version().effective_date


def test_it_prints_no_letter_with_draft_wording(db):
    published = LetterWording.objects.get(kind="approval")
    draft = policy_versions.letter_wording_copy(published)
    LetterWording.objects.filter(pk=draft.pk).update(text="Draft approval words.")
    assert wording_in_effect(FAR)["approval"] == published.text
