"""Coverage statements are edited one text box each, with a blank one to add another: never as the
JSON list they are kept in."""

import re

from django.urls import reverse

from coverage_app import policy_versions
from tests.test_admin_policy import current_version, version_form_data


def test_it_shows_a_box_per_statement_and_a_blank_one(client, policy_staff):
    draft = policy_versions.policy_version_copy(current_version())
    client.force_login(policy_staff)
    html = client.get(reverse("admin:coverage_app_policyversion_change", args=[draft.pk])).content.decode()
    boxes = re.findall(r'<textarea name="coverage_statements"[^>]*aria-label="([^"]*)"[^>]*>\n(.*?)</textarea>', html, re.S)
    assert [label for label, _ in boxes] == [
        "Coverage statement 1", "Coverage statement 2", "Coverage statement 3", "A new coverage statement"]
    assert boxes[2][1] == draft.coverage_statements[2] and boxes[3][1] == ""
    assert "[&quot;" not in html


def test_it_saves_the_rows_in_order_without_the_blank_ones(client, policy_staff):
    draft = policy_versions.policy_version_copy(current_version())
    client.force_login(policy_staff)
    rows = ["First statement.", "", "  Second statement.\r\n", "A third, added."]
    r = client.post(reverse("admin:coverage_app_policyversion_change", args=[draft.pk]),
                    version_form_data(draft, statements=rows))
    assert r.status_code == 302
    draft.refresh_from_db()
    assert draft.coverage_statements == ["First statement.", "Second statement.", "A third, added."]


def test_it_asks_for_at_least_one_statement_beside_the_field(client, policy_staff):
    draft = policy_versions.policy_version_copy(current_version())
    client.force_login(policy_staff)
    r = client.post(reverse("admin:coverage_app_policyversion_change", args=[draft.pk]),
                    version_form_data(draft, statements=["", "  "]))
    assert r.status_code == 200
    assert r.context["adminform"].form.errors["coverage_statements"] == ["Give at least one coverage statement."]
    html = r.content.decode()
    assert "Give at least one coverage statement." in html[html.index("field-coverage_statements"):html.index("field-background")]
    draft.refresh_from_db()
    assert draft.coverage_statements == current_version().coverage_statements
