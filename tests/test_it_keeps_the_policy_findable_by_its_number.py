"""Policy staff cannot rename policy 0261 or delete it: the app, its versions and every decision find
it by that number (renaming it made /policy/ 404 and a director's decision 500)."""

import pytest
from django.urls import reverse

from coverage_app.models import CoveragePolicy, PolicyVersion


def change_url(policy):
    return reverse("admin:coverage_app_coveragepolicy_change", args=[policy.pk])


def test_it_shows_the_number_but_does_not_take_a_new_one(client, policy_staff, referred, director_with_credentials):
    policy = CoveragePolicy.objects.get(number="0261")
    client.force_login(policy_staff)
    html = client.get(change_url(policy)).content.decode()
    assert 'name="number"' not in html and "0261" in html
    client.post(change_url(policy), {
        "number": "9999", "title": policy.title, "effective_date": policy.effective_date.isoformat(),
        "next_review_date": policy.next_review_date.isoformat(),
        "revisions-TOTAL_FORMS": "1", "revisions-INITIAL_FORMS": "1", "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000", "revisions-0-id": policy.revisions.get().pk,
        "revisions-0-policy": policy.pk, "_save": "Save",
    })
    policy.refresh_from_db()
    assert policy.number == "0261"
    # ... so the policy page and a director's decision still find it.
    assert client.get(reverse("policy_detail")).status_code == 200
    client.force_login(director_with_credentials)
    r = client.post(reverse("review_decide", kwargs={"review_id": referred.public_id}),
                    {"decision": "uphold", "peer_to_peer": "offered", "rationale": "Autologous graft."})
    assert r.status_code == 302


@pytest.mark.parametrize("who", ["policy_staff", "admin_user"])
def test_it_refuses_to_delete_a_policy_with_versions(db, client, request, who):
    client.force_login(request.getfixturevalue(who))
    policy = CoveragePolicy.objects.get(number="0261")
    delete = reverse("admin:coverage_app_coveragepolicy_delete", args=[policy.pk])
    assert client.get(delete).status_code == 403
    assert client.post(delete, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:coverage_app_coveragepolicy_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [policy.pk], "post": "yes"})
    assert CoveragePolicy.objects.filter(number="0261").exists()


def test_copying_a_version_that_does_not_exist_says_so(client, policy_staff):
    client.force_login(policy_staff)
    missing = PolicyVersion.objects.order_by("-pk").first().pk + 1000
    r = client.post(reverse("admin:coverage_app_policyversion_copy", args=[missing]), follow=True)
    assert r.status_code == 200
    assert f"with ID “{missing}” doesn’t exist" in r.content.decode()
    assert PolicyVersion.objects.count() == 1
