"""Only policy staff (and superusers) publish: other staff, even with every permission on versions,
are refused by the page and by the service, not merely shown no button."""

import datetime as dt

import pytest
from django.contrib.auth.models import Permission
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from coverage_app import policy_versions
from coverage_app.models import LetterWording
from tests.test_admin_policy import current_version, publish

TOMORROW = dt.date.today() + dt.timedelta(days=1)


@pytest.fixture
def other_staff(db, django_user_model):
    """A staff user outside the policy staff group who may otherwise add and change versions."""
    user = django_user_model.objects.create_user("clerk1", password="pw-for-tests-0261", is_staff=True)
    user.user_permissions.add(*Permission.objects.filter(
        content_type__app_label="coverage_app", codename__regex=r"^(view|add|change)_(policyversion|criterion|letterwording)$"))
    return user


@pytest.fixture
def draft(db):
    return policy_versions.policy_version_copy(current_version())


def test_it_refuses_other_staff_on_the_page(client, other_staff, draft):
    client.force_login(other_staff)
    change = client.get(reverse("admin:coverage_app_policyversion_change", args=[draft.pk]))
    assert change.status_code == 200 and "Save and publish" not in change.content.decode()
    assert client.get(reverse("admin:coverage_app_policyversion_publish", args=[draft.pk])).status_code == 403
    assert publish(client, "policyversion", draft.pk, TOMORROW).status_code == 403
    wording = policy_versions.letter_wording_copy(LetterWording.objects.get(kind="approval"))
    assert publish(client, "letterwording", wording.pk, TOMORROW).status_code == 403
    draft.refresh_from_db()
    wording.refresh_from_db()
    assert draft.effective_date is None and wording.effective_date is None


def test_it_sends_a_nurse_to_the_admin_log_in(client, nurse, draft):
    client.force_login(nurse)
    r = publish(client, "policyversion", draft.pk, TOMORROW)
    assert r.status_code == 302 and r["Location"].startswith(reverse("admin:login"))
    draft.refresh_from_db()
    assert draft.effective_date is None


def test_it_refuses_in_the_service_whoever_calls_it(nurse, other_staff, draft):
    for user in (nurse, other_staff):
        with pytest.raises(PermissionDenied):
            policy_versions.policy_version_publish(version=draft, effective_date=TOMORROW, user=user)
    draft.refresh_from_db()
    assert draft.effective_date is None


def test_it_lets_policy_staff_and_superusers_publish(client, policy_staff, admin_user, draft):
    client.force_login(admin_user)
    assert publish(client, "policyversion", draft.pk, TOMORROW).status_code == 302
    draft.refresh_from_db()
    assert draft.effective_date == TOMORROW
    wording = policy_versions.letter_wording_copy(LetterWording.objects.get(kind="approval"))
    client.force_login(policy_staff)
    page = client.get(reverse("admin:coverage_app_letterwording_change", args=[wording.pk])).content.decode()
    assert "Save and publish" in page
    assert publish(client, "letterwording", wording.pk, TOMORROW).status_code == 302
