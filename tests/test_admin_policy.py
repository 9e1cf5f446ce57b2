"""Policy staff keep the policy, its versions and the letter wording in the admin site."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage_app import policy_versions
from coverage_app.evaluation import determine
from coverage_app.lib import rules
from coverage_app.models import (
    CoveragePolicy,
    LetterWording,
    PolicyRevision,
    PolicyVersion,
)

ADMIN_PAGES = [
    "admin:index",
    "admin:coverage_app_coveragepolicy_changelist",
    "admin:coverage_app_policyversion_changelist",
    "admin:coverage_app_letterwording_changelist",
    "admin:coverage_app_review_changelist",
    "admin:coverage_app_determination_changelist",
    "admin:coverage_app_accesslog_changelist",
]


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_load_for_policy_staff(client, policy_staff, name):
    client.force_login(policy_staff)
    assert client.get(reverse(name)).status_code == 200


@pytest.mark.parametrize("name", ADMIN_PAGES)
def test_admin_pages_are_refused_to_nurses(client, nurse, name):
    client.force_login(nurse)
    r = client.get(reverse(name))
    assert r.status_code == 302 and r["Location"].startswith(reverse("admin:login"))


def current_version():
    return PolicyVersion.objects.get(policy__number="0261", effective_date=dt.date(2024, 5, 15))


def version_form_data(version, statements=None, background=None) -> dict:
    """A policy version's change form as the browser posts it: a field per coverage statement and
    a form per criterion, as they stand (change the dict to edit)."""
    criteria = list(version.criteria.order_by("position"))
    data = {
        "coverage_statements": list(version.coverage_statements) if statements is None else statements,
        "background": version.background if background is None else background,
        "criteria-TOTAL_FORMS": str(len(criteria)), "criteria-INITIAL_FORMS": str(len(criteria)),
        "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "1000",
    }
    for i, c in enumerate(criteria):
        data.update({f"criteria-{i}-id": c.pk, f"criteria-{i}-version": version.pk, f"criteria-{i}-code": c.code,
                     f"criteria-{i}-statement": c.statement, f"criteria-{i}-policy_words": c.policy_words,
                     f"criteria-{i}-position": c.position})
    return data


def publish(client, model_name: str, pk: int, effective_date, confirm: bool = True):
    """Post the publish page's date; with `confirm`, as the confirmation page's button does."""
    data = {"effective_date": effective_date if isinstance(effective_date, str) else effective_date.isoformat()}
    if confirm:
        data["confirm"] = "Publish"
    return client.post(reverse(f"admin:coverage_app_{model_name}_publish", args=[pk]), data)


def test_the_version_list_shows_and_filters_by_status(client, policy_staff):
    staff = policy_staff
    scheduled = policy_versions.policy_version_copy(current_version())
    policy_versions.policy_version_publish(
        version=scheduled, effective_date=timezone.localdate() + dt.timedelta(days=3), user=staff)
    draft = policy_versions.policy_version_copy(current_version())
    client.force_login(staff)
    url = reverse("admin:coverage_app_policyversion_changelist")
    html = client.get(url).content.decode()
    assert "In effect" in html and "Scheduled" in html and "Draft" in html
    assert list(client.get(url, {"status": "draft"}).context["cl"].result_list) == [draft]
    assert list(client.get(url, {"status": "scheduled"}).context["cl"].result_list) == [scheduled]
    assert list(client.get(url, {"status": "in effect"}).context["cl"].result_list) == [current_version()]
    assert list(client.get(url, {"status": "superseded"}).context["cl"].result_list) == []


def test_a_version_in_effect_cannot_be_edited(client, policy_staff):
    version = current_version()
    client.force_login(policy_staff)
    url = reverse("admin:coverage_app_policyversion_change", args=[version.pk])
    page = client.get(url)
    assert "can no longer be edited because it has taken effect" in page.content.decode()
    r = client.post(url, version_form_data(version, background="rewritten"))
    assert r.status_code == 403
    version.refresh_from_db()
    assert version.background != "rewritten" and version.effective_date == dt.date(2024, 5, 15)


def test_new_version_from_this_copies_into_a_draft_and_publishing_puts_it_in_effect(client, policy_staff):
    client.force_login(policy_staff)
    old = current_version()
    r = client.post(reverse("admin:coverage_app_policyversion_copy", args=[old.pk]))
    new = PolicyVersion.objects.exclude(pk=old.pk).get()
    assert r["Location"] == reverse("admin:coverage_app_policyversion_change", args=[new.pk])
    assert new.effective_date is None
    assert [(c.code, c.service, c.policy_words) for c in new.criteria.order_by("position")] == [
        (c.code, c.service, c.policy_words) for c in old.criteria.order_by("position")
    ]

    # Policy staff reword a criterion; the draft is still editable.
    data = version_form_data(new, statements=["Revised statement."], background="Revised.")
    data["criteria-0-statement"] = "Revised DLI-1 test."
    r = client.post(reverse("admin:coverage_app_policyversion_change", args=[new.pk]), data)
    assert r.status_code == 302, r.context["adminform"].form.errors if r.context else r

    effective = timezone.localdate() + dt.timedelta(days=45)
    r = publish(client, "policyversion", new.pk, effective)
    assert r.status_code == 302
    new.refresh_from_db()
    assert new.effective_date == effective

    def dli_on(day):
        return rules.Case(rules.Service.DLI, rules.TransplantType.ALLOGENEIC, rules.Indication.RELAPSED,
                          hematologic_malignancy=True, date_of_service=day)

    later = determine(dli_on(effective))
    assert later.version == new and later.determination.criteria[0].statement == "Revised DLI-1 test."
    earlier = determine(dli_on(effective - dt.timedelta(days=1)))
    assert earlier.version == old
    assert earlier.determination.criteria[0].statement != "Revised DLI-1 test."


def new_version_data(criteria: list[tuple[str, str]]) -> dict:
    """The add page's form for a version made from scratch, with these (code, statement) criteria."""
    data = {"policy": CoveragePolicy.objects.get(number="0261").pk, "coverage_statements": ["A statement."],
            "background": "", "criteria-TOTAL_FORMS": str(len(criteria)), "criteria-INITIAL_FORMS": "0",
            "criteria-MIN_NUM_FORMS": "0", "criteria-MAX_NUM_FORMS": "1000"}
    for i, (code, statement) in enumerate(criteria):
        data.update({f"criteria-{i}-code": code, f"criteria-{i}-statement": statement,
                     f"criteria-{i}-policy_words": "Words.", f"criteria-{i}-position": i})
    return data


def test_a_version_must_keep_every_criterion(client, policy_staff):
    client.force_login(policy_staff)
    r = client.post(reverse("admin:coverage_app_policyversion_add"), new_version_data([("DLI-1", "Only one.")]))
    assert "exactly one of each criterion" in r.content.decode()
    assert PolicyVersion.objects.count() == 1


def test_the_admin_home_and_policy_page_warn_when_the_review_is_overdue(client, policy_staff):
    client.force_login(policy_staff)
    assert "Policy 0261 is past its next review date" in client.get(reverse("admin:index")).content.decode()
    policy = CoveragePolicy.objects.get(number="0261")
    page = client.get(reverse("admin:coverage_app_coveragepolicy_change", args=[policy.pk]))
    assert "This policy is past its next review date" in page.content.decode()


def test_mark_reviewed_records_the_annual_review(client, policy_staff):
    client.force_login(policy_staff)
    policy = CoveragePolicy.objects.get(number="0261")
    url = reverse("admin:coverage_app_coveragepolicy_changelist")
    ask = client.post(url, {"action": "mark_reviewed", "_selected_action": [policy.pk]})
    assert "Record the annual review" in ask.content.decode()
    client.post(url, {"action": "mark_reviewed", "_selected_action": [policy.pk], "apply": "1",
                      "summary": "Reviewed the literature; no changes."})
    policy.refresh_from_db()
    today = timezone.localdate()
    assert policy.next_review_date > today
    revision = PolicyRevision.objects.filter(policy=policy).order_by("-date", "-id").first()
    assert (revision.revision_type, revision.summary, revision.date) == (
        "Annual Review", "Reviewed the literature; no changes.", today)
    assert "past its next review date" not in client.get(reverse("admin:index")).content.decode()


def test_letter_wording_in_effect_is_locked_and_copied_into_a_draft(client, policy_staff):
    client.force_login(policy_staff)
    wording = LetterWording.objects.get(kind="peer_to_peer")
    url = reverse("admin:coverage_app_letterwording_change", args=[wording.pk])
    assert client.post(url, {"kind": "peer_to_peer", "text": "x"}).status_code == 403
    r = client.post(reverse("admin:coverage_app_letterwording_changelist"),
                    {"action": "new_version_from_this", "_selected_action": [wording.pk]})
    new = LetterWording.objects.filter(kind="peer_to_peer").exclude(pk=wording.pk).get()
    assert r["Location"] == reverse("admin:coverage_app_letterwording_change", args=[new.pk])
    assert new.text == wording.text and new.effective_date is None
    r = client.post(reverse("admin:coverage_app_letterwording_change", args=[new.pk]),
                    {"kind": "appeal_medicare", "text": "New peer-to-peer words."})
    assert r.status_code == 302
    new.refresh_from_db()
    assert (new.kind, new.text) == ("peer_to_peer", "New peer-to-peer words.")


def test_reviews_and_determinations_are_read_only_in_the_admin(client, policy_staff, upheld):
    client.force_login(policy_staff)
    review_url = reverse("admin:coverage_app_review_change", args=[upheld.review_id])
    assert client.get(review_url).status_code == 200
    assert client.post(review_url, {"member_name": "Changed"}).status_code == 403
    d_url = reverse("admin:coverage_app_determination_change", args=[upheld.pk])
    assert client.get(d_url).status_code == 200
    assert client.post(d_url, {"rationale": "x"}).status_code == 403
    assert client.get(reverse("admin:coverage_app_review_add")).status_code == 403
