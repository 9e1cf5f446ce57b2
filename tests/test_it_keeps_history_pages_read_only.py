"""django-simple-history's page of one past version only shows it: a POST is refused for everyone
(it used to save, putting a finished review back to "pending" or rewriting a determination)."""

from html.parser import HTMLParser

import pytest
from django.urls import reverse

from coverage_app.models import AccessLog, CoveragePolicy, Determination, LetterWording, PolicyVersion, Review


class FormFields(HTMLParser):
    """What a browser would post back from the page's form: every named input as shown."""

    def __init__(self):
        super().__init__()
        self.data, self._select, self._textarea = {}, None, None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and a.get("type") not in ("submit", "button"):
            if a.get("type") in ("checkbox", "radio") and "checked" not in a:
                return
            self.data[name] = a.get("value") or ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select and "selected" in a:
            self.data[self._select] = a.get("value") or ""
        elif tag == "textarea" and name:
            self._textarea = name
            self.data[name] = ""

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.data[self._textarea] += data


def history_page(obj) -> str:
    opts = obj._meta
    version = obj.history.first()  # the newest
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_simple_history", args=[obj.pk, version.history_id])


def objects(upheld):
    """Each model with a history page, and a change that must not be saved through it."""
    for model in (CoveragePolicy, PolicyVersion, LetterWording):
        model.objects.first().save()  # loaded by a migration: give it a row in its history
    return [
        (Review.objects.get(pk=upheld.review_id), "status", Review.Status.PENDING_PHYSICIAN_REVIEW),
        (Determination.objects.get(pk=upheld.pk), "outcome", Determination.Outcome.APPROVED),
        (LetterWording.objects.first(), "text", "Rewritten through the history page."),
        (PolicyVersion.objects.first(), "background", "Rewritten through the history page."),
        (CoveragePolicy.objects.first(), "title", "Renamed through the history page"),
    ]


@pytest.mark.parametrize("who", ["policy_staff", "admin_user"])
def test_it_refuses_a_post_to_every_history_page_whatever_the_permissions(client, request, upheld, who):
    client.force_login(request.getfixturevalue(who))
    for obj, field, forged in objects(upheld):
        url = history_page(obj)
        shown = client.get(url)
        assert shown.status_code == 200, url
        form = FormFields()
        form.feed(shown.content.decode())
        response = client.post(url, {**form.data, field: forged, "_save": "Save"})
        assert response.status_code == 403, url
        before = getattr(obj, field)
        obj.refresh_from_db()
        assert getattr(obj, field) == before, f"{url} saved {field}"
    assert Determination.objects.filter(review=upheld.review).count() == 1


def test_it_shows_a_past_version_as_text_with_no_revert_button(client, policy_staff, upheld):
    client.force_login(policy_staff)
    html = client.get(history_page(Review.objects.get(pk=upheld.review_id))).content.decode()
    assert "Adverse determination" in html  # the status, shown
    assert 'name="status"' not in html and 'name="member_name"' not in html
    assert "Revert" not in html


def test_it_logs_a_look_at_a_review_or_determination_through_its_history(client, policy_staff, upheld):
    review = Review.objects.get(pk=upheld.review_id)
    client.force_login(policy_staff)
    pages = [
        reverse("admin:coverage_app_review_history", args=[review.pk]),
        history_page(review),
        reverse("admin:coverage_app_determination_history", args=[upheld.pk]),
        history_page(Determination.objects.get(pk=upheld.pk)),
    ]
    for url in pages:
        assert client.get(url).status_code == 200
    logged = list(AccessLog.objects.order_by("id").values_list("path", "kind", "review_id", "determination_id"))
    assert logged == [
        (pages[0], "review", review.pk, None),
        (pages[1], "review", review.pk, None),
        (pages[2], "letter", review.pk, upheld.pk),
        (pages[3], "letter", review.pk, upheld.pk),
    ]
