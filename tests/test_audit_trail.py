"""Who changed what and when (history), and who looked at which case (access log)."""

import datetime as dt

from django.urls import reverse

from coverage_app import policy_versions, services
from coverage_app.models import (
    AccessLog,
    LetterWording,
    PolicyVersion,
)
from tests.conftest import COMPLETE_REQUEST, as_posted


def test_each_change_to_a_review_is_in_its_history_with_who_made_it(client, nurse, nurse_review):
    client.force_login(nurse)
    url = reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "request"})
    client.post(url, as_posted(nurse_review, {**COMPLETE_REQUEST, "member_name": "Jordan B. Blake", "action": "continue"}))
    latest = nurse_review.history.first()
    assert latest.member_name == "Jordan B. Blake"
    assert latest.history_user == nurse
    assert latest.history_type == "~"
    assert set(latest.diff_against(latest.prev_record).changed_fields) == {"member_name", "revision"}


def test_issued_determinations_and_policy_changes_are_in_the_history(policy_staff, upheld, client):
    assert upheld.history.get().history_type == "+"
    version = PolicyVersion.objects.get(policy__number="0261")
    new = policy_versions.policy_version_copy(version)
    assert new.history.get().history_type == "+"
    assert new.criteria.first().history.count() == 1
    wording = policy_versions.letter_wording_copy(LetterWording.objects.get(kind="approval"))
    client.force_login(policy_staff)
    client.post(reverse("admin:coverage_app_letterwording_change", args=[wording.pk]),
                {"text": "Reworded."})  # a draft: no date until it is published
    change = wording.history.first()
    assert (change.text, change.history_user, change.history_type) == ("Reworded.", policy_staff, "~")


def test_history_pages_show_in_the_admin(client, policy_staff, upheld):
    client.force_login(policy_staff)
    r = client.get(reverse("admin:coverage_app_review_history", args=[upheld.review_id]))
    assert r.status_code == 200
    version = PolicyVersion.objects.get(policy__number="0261")
    assert client.get(reverse("admin:coverage_app_policyversion_history", args=[version.pk])).status_code == 200


def test_every_look_at_a_review_or_letter_is_logged(client, nurse, director, upheld):
    review = upheld.review
    client.force_login(nurse)
    client.get(reverse("review_detail", kwargs={"review_id": review.public_id}))
    client.get(reverse("letter_pdf", kwargs={"determination_id": upheld.public_id}))
    client.force_login(director)
    client.get(reverse("letter_html", kwargs={"determination_id": upheld.public_id}))
    rows = list(AccessLog.objects.order_by("at", "id").values_list("user__username", "kind", "review_id", "determination_id"))
    assert rows == [
        ("nurse1", "review", review.pk, None),
        ("nurse1", "letter", review.pk, upheld.pk),
        ("director1", "letter", review.pk, upheld.pk),
    ]


def test_looking_in_the_admin_is_logged_too(client, policy_staff, upheld):
    client.force_login(policy_staff)
    client.get(reverse("admin:coverage_app_review_change", args=[upheld.review_id]))
    client.get(reverse("admin:coverage_app_determination_change", args=[upheld.pk]))
    assert list(AccessLog.objects.values_list("user__username", "kind")) == [("policy1", "letter"), ("policy1", "review")]


def test_policy_staff_search_the_access_log_by_user_member_and_date(client, policy_staff, nurse, director, make_review, monkeypatch):
    one = make_review(member_id="M111", case_number="UR-111")
    two = make_review(member_id="M222", case_number="UR-222")
    services.access_record(user=nurse, review=one, kind="review", path="/x")
    # The log is append-only: the look is made on January 5, not moved there afterwards.
    monkeypatch.setattr("django.utils.timezone.now", lambda: dt.datetime(2026, 1, 5, 15, tzinfo=dt.timezone.utc))
    services.access_record(user=director, review=two, kind="review", path="/y")
    monkeypatch.undo()
    client.force_login(policy_staff)
    url = reverse("admin:coverage_app_accesslog_changelist")

    def found(**params):
        return [row.review.member_id for row in client.get(url, params).context["cl"].result_list]

    assert found(q="nurse1") == ["M111"]
    assert found(q="M222") == ["M222"]
    assert found(at__year="2026", at__month="1", at__day="5") == ["M222"]


def test_the_access_log_list_makes_a_fixed_number_of_queries(client, policy_staff, nurse, make_review, django_assert_max_num_queries):
    review = make_review()
    AccessLog.objects.bulk_create(AccessLog(user=nurse, review=review, kind="review", path="/") for _ in range(150))
    client.force_login(policy_staff)
    with django_assert_max_num_queries(14):
        client.get(reverse("admin:coverage_app_accesslog_changelist"))
