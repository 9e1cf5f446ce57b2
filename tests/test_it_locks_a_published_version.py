"""Once published, a version can no longer be edited, even before it takes effect: what policy staff
confirmed is what takes effect. To change it, they make a new draft from it."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from coverage_app import policy_versions
from coverage_app.models import LetterWording
from tests.test_admin_policy import current_version, version_form_data

NEXT_WEEK = dt.date.today() + dt.timedelta(days=7)


@pytest.fixture
def scheduled(policy_staff):
    draft = policy_versions.policy_version_copy(current_version())
    return policy_versions.policy_version_publish(version=draft, effective_date=NEXT_WEEK, user=policy_staff)


def test_it_refuses_to_edit_a_published_version_not_yet_in_effect(client, policy_staff, scheduled):
    client.force_login(policy_staff)
    url = reverse("admin:coverage_app_policyversion_change", args=[scheduled.pk])
    page = client.get(url).content.decode()
    assert "can no longer be edited because it is published and takes effect on" in page
    assert "Save and publish" not in page and 'name="coverage_statements"' not in page
    data = version_form_data(scheduled, statements=["Rewritten."])
    data["criteria-0-statement"] = "Rewritten."
    assert client.post(url, data).status_code == 403
    scheduled.refresh_from_db()
    assert scheduled.coverage_statements != ["Rewritten."]
    assert scheduled.criteria.get(code="DLI-1").statement != "Rewritten."


def test_it_shows_a_published_versions_statements_as_a_list(client, policy_staff, scheduled):
    client.force_login(policy_staff)
    page = client.get(reverse("admin:coverage_app_policyversion_change", args=[scheduled.pk])).content.decode()
    assert f"<ol><li>{scheduled.coverage_statements[0]}</li>" in page
    assert "[&quot;" not in page and '["' not in page


def test_it_publishes_a_version_once(client, policy_staff, scheduled):
    with pytest.raises(ValidationError, match="already published"):
        policy_versions.policy_version_publish(
            version=scheduled, effective_date=NEXT_WEEK + dt.timedelta(days=1), user=policy_staff)
    client.force_login(policy_staff)
    r = client.get(reverse("admin:coverage_app_policyversion_publish", args=[scheduled.pk]), follow=True)
    assert "This version is already published" in r.content.decode()
    scheduled.refresh_from_db()
    assert scheduled.effective_date == NEXT_WEEK


def test_it_refuses_to_edit_published_letter_wording_not_yet_in_effect(client, policy_staff):
    draft = policy_versions.letter_wording_copy(LetterWording.objects.get(kind="approval"))
    policy_versions.letter_wording_publish(wording=draft, effective_date=NEXT_WEEK, user=policy_staff)
    client.force_login(policy_staff)
    url = reverse("admin:coverage_app_letterwording_change", args=[draft.pk])
    assert client.post(url, {"kind": "approval", "text": "Rewritten."}).status_code == 403
    draft.refresh_from_db()
    assert draft.text != "Rewritten."
