"""Publishing sets a draft's effective date: tomorrow or later, and after every published version;
a wrong date gets its message beside the date field and publishes nothing."""

import datetime as dt
import re

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from coverage_app import policy_versions
from coverage_app.lib.usdates import long_date
from coverage_app.models import PolicyVersion
from tests.test_admin_policy import current_version, publish


@pytest.fixture
def draft(db):
    return policy_versions.policy_version_copy(current_version())


def date_field_group(html: str) -> str:
    """The publish form's date field: its label, help, errors and input, up to the buttons."""
    return html[html.index('for="id_effective_date"'):html.index('class="submit-row"')]


@pytest.mark.parametrize("days", [0, -1, -400])
def test_it_refuses_today_or_earlier_beside_the_date_field(client, policy_staff, draft, days):
    client.force_login(policy_staff)
    r = publish(client, "policyversion", draft.pk, timezone.localdate() + dt.timedelta(days=days))
    assert r.status_code == 200
    tomorrow = long_date(timezone.localdate() + dt.timedelta(days=1))
    field = date_field_group(r.content.decode())
    assert f"Choose {tomorrow} or later: a version cannot take effect today or in the past." in field
    assert re.search(r'<input type="date"[^>]*aria-invalid="true"[^>]*id="id_effective_date"', field)
    draft.refresh_from_db()
    assert draft.effective_date is None


def test_it_refuses_a_date_not_after_the_latest_published_version(client, policy_staff, draft):
    scheduled_on = timezone.localdate() + dt.timedelta(days=10)
    scheduled = policy_versions.policy_version_copy(current_version())
    policy_versions.policy_version_publish(version=scheduled, effective_date=scheduled_on, user=policy_staff)
    client.force_login(policy_staff)
    for day in (scheduled_on - dt.timedelta(days=1), scheduled_on):
        field = date_field_group(publish(client, "policyversion", draft.pk, day).content.decode())
        assert f"The version effective {long_date(scheduled_on)} is already published; choose a later date." in field
    assert PolicyVersion.objects.filter(effective_date=None).get() == draft
    assert publish(client, "policyversion", draft.pk, scheduled_on + dt.timedelta(days=1)).status_code == 302


@pytest.mark.parametrize("typed", ["2025-02-30", "next week", "99999-01-01", ""])
def test_it_answers_a_date_that_is_no_date_with_a_message(client, policy_staff, draft, typed):
    client.force_login(policy_staff)
    r = publish(client, "policyversion", draft.pk, typed)
    assert r.status_code == 200
    field = date_field_group(r.content.decode())
    assert "Enter a valid date." in field or "This field is required." in field
    draft.refresh_from_db()
    assert draft.effective_date is None


def test_it_publishes_from_tomorrow(client, policy_staff, draft):
    client.force_login(policy_staff)
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    assert publish(client, "policyversion", draft.pk, tomorrow).status_code == 302
    draft.refresh_from_db()
    assert draft.effective_date == tomorrow


def test_it_checks_the_date_in_the_service_too(policy_staff, draft):
    with pytest.raises(ValidationError) as e:
        policy_versions.policy_version_publish(version=draft, effective_date=timezone.localdate(), user=policy_staff)
    assert "effective_date" in e.value.message_dict
    draft.refresh_from_db()
    assert draft.effective_date is None
