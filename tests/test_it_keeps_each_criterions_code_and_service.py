"""A criterion's code fixes which rule it is and so its service: staff choose the code of a new
criterion (the service follows) and reword a copied one, whose code stays put."""

from django.urls import reverse

from coverage_app import policy_versions
from coverage_app.lib import rules
from coverage_app.models import Criterion, PolicyVersion
from tests.test_admin_policy import current_version, new_version_data, version_form_data


def test_it_gives_a_criterion_the_service_of_its_code(client, policy_staff):
    client.force_login(policy_staff)
    r = client.post(reverse("admin:coverage_app_policyversion_add"),
                    new_version_data([(code, f"Test {code}.") for code in rules.ALL_CRITERIA_IDS]))
    assert r.status_code == 302
    draft = PolicyVersion.objects.get(effective_date=None)
    assert dict(draft.criteria.values_list("code", "service")) == Criterion.SERVICE_OF


def test_it_keeps_a_copied_criterions_code(client, policy_staff):
    new = policy_versions.policy_version_copy(current_version())
    client.force_login(policy_staff)
    data = version_form_data(new)
    hpc = next(i for i, c in enumerate(new.criteria.order_by("position")) if c.code == "HPC-1")
    data["criteria-0-code"], data[f"criteria-{hpc}-code"] = "HPC-1", "DLI-1"  # a swap, refused quietly
    data["criteria-0-statement"] = "Reworded."
    assert client.post(reverse("admin:coverage_app_policyversion_change", args=[new.pk]), data).status_code == 302
    assert new.criteria.get(position=0).code == "DLI-1"
    assert new.criteria.get(code="DLI-1").statement == "Reworded."
