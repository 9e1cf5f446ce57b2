"""Publishing is in the history: who published, when, and the date it takes effect."""

import datetime as dt

from django.urls import reverse

from coverage_app import policy_versions
from coverage_app.models import LetterWording, PolicyVersion
from tests.test_admin_policy import current_version, publish

TOMORROW = dt.date.today() + dt.timedelta(days=1)


def test_it_records_the_publish_of_a_policy_version(client, policy_staff):
    draft = policy_versions.policy_version_copy(current_version())
    client.force_login(policy_staff)
    publish(client, "policyversion", draft.pk, TOMORROW)
    latest, before = PolicyVersion.objects.get(pk=draft.pk).history.all()[:2]
    assert (latest.history_type, latest.history_user, latest.effective_date) == ("~", policy_staff, TOMORROW)
    assert latest.history_change_reason == f"Published, effective {TOMORROW:%B} {TOMORROW.day}, {TOMORROW.year}"
    assert before.effective_date is None
    page = client.get(reverse("admin:coverage_app_policyversion_history", args=[draft.pk])).content.decode()
    assert latest.history_change_reason in page


def test_it_records_the_publish_of_letter_wording(client, policy_staff):
    draft = policy_versions.letter_wording_copy(LetterWording.objects.get(kind="adverse"))
    client.force_login(policy_staff)
    publish(client, "letterwording", draft.pk, TOMORROW)
    latest = LetterWording.objects.get(pk=draft.pk).history.first()
    assert (latest.history_user, latest.effective_date) == (policy_staff, TOMORROW)
    assert latest.history_change_reason.startswith("Published, effective ")
