"""Publishing asks for confirmation on a page that sets the draft's words beside the version's it
follows, removed words struck and added words marked; only the confirming POST publishes."""

import datetime as dt
import re

from django.test import Client
from django.urls import reverse
from django.utils import timezone

from coverage_app.models import PolicyVersion
from coverage_app.selectors import policy_version_in_effect
from tests.test_admin_policy import current_version, publish, version_form_data

TOMORROW = dt.date.today() + dt.timedelta(days=1)


def a_draft_with_changes(client, policy_staff) -> PolicyVersion:
    client.force_login(policy_staff)
    client.post(reverse("admin:coverage_app_policyversion_copy", args=[current_version().pk]))
    draft = PolicyVersion.objects.get(effective_date=None)
    statements = list(draft.coverage_statements)
    statements[2] = statements[2].replace("any other indication", "every other indication")
    data = version_form_data(draft, statements=statements)
    data["criteria-0-statement"] = "The member had a donor (allogeneic) stem cell transplant."
    assert client.post(reverse("admin:coverage_app_policyversion_change", args=[draft.pk]), data).status_code == 302
    return draft


def row_of(html: str, label: str) -> str:
    match = re.search(r'<tr><th scope="row">' + re.escape(label) + r"</th>(.*?)</tr>", html, re.S)
    assert match, f"no row {label!r}"
    return match.group(1)


def test_it_shows_the_criteria_wording_old_and_new_side_by_side(client, policy_staff):
    draft = a_draft_with_changes(client, policy_staff)
    r = publish(client, "policyversion", draft.pk, timezone.localdate() + dt.timedelta(days=1), confirm=False)
    html = r.content.decode()
    assert r.status_code == 200 and "Step 2 of 2: confirm" in html
    old, new = re.findall(r"<td>(.*?)</td>", row_of(html, "DLI-1: DLI after an allogeneic transplant (the test)"))
    assert old.startswith("The member had ") and new.startswith("The member had ")
    assert "<del>an allogeneic hematopoietic </del>stem cell <del>transplant (HSCT); an autologous" in old
    assert new == "The member had <ins>a donor (allogeneic) </ins>stem cell <ins>transplant</ins>."
    old, new = re.findall(r"<td>(.*?)</td>", row_of(html, "Coverage statement 3"))
    assert "<del>any </del>" in old and "<ins>every </ins>" in new
    # Unchanged wording is named, not set out.
    assert "Unchanged: Coverage statement 1; Coverage statement 2; DLI-1: DLI after an allogeneic transplant (the policy&#x27;s words)" in html


def test_it_publishes_only_on_the_confirming_post(client, policy_staff):
    draft = a_draft_with_changes(client, policy_staff)
    url = reverse("admin:coverage_app_policyversion_publish", args=[draft.pk])
    assert client.get(url).status_code == 200
    assert publish(client, "policyversion", draft.pk, TOMORROW, confirm=False).status_code == 200
    draft.refresh_from_db()
    assert draft.effective_date is None
    assert policy_version_in_effect(TOMORROW) == current_version()

    r = publish(client, "policyversion", draft.pk, TOMORROW)
    assert r["Location"] == reverse("admin:coverage_app_policyversion_change", args=[draft.pk])
    draft.refresh_from_db()
    assert draft.effective_date == TOMORROW
    assert policy_version_in_effect(TOMORROW) == draft
    assert policy_version_in_effect(TOMORROW - dt.timedelta(days=1)) == current_version()
    page = client.get(r["Location"]).content.decode()
    assert f"scheduled to take effect on {TOMORROW:%B} {TOMORROW.day}, {TOMORROW.year}" in page


def test_it_refuses_a_confirmation_without_its_csrf_token(client, policy_staff):
    draft = a_draft_with_changes(client, policy_staff)
    confirm_page = publish(client, "policyversion", draft.pk, TOMORROW, confirm=False).content.decode()
    assert re.search(r'<form method="post">\s*<input type="hidden" name="csrfmiddlewaretoken"', confirm_page)
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(policy_staff)
    assert publish(strict, "policyversion", draft.pk, TOMORROW).status_code == 403
    draft.refresh_from_db()
    assert draft.effective_date is None


def test_it_says_so_when_nothing_changed(client, policy_staff):
    client.force_login(policy_staff)
    client.post(reverse("admin:coverage_app_policyversion_copy", args=[current_version().pk]))
    draft = PolicyVersion.objects.get(effective_date=None)
    html = publish(client, "policyversion", draft.pk, TOMORROW, confirm=False).content.decode()
    assert "Nothing changed:" in html and "<del>" not in html.split("removed words are")[1].split("</p>", 1)[1]
