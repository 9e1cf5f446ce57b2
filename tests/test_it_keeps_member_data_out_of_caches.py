"""Pages and downloads with member data tell browsers and proxies not to store them.

Shared hospital workstations keep whatever a browser caches on disk; static files may still be cached.
"""

import pytest
from django.urls import reverse
from django.utils.cache import patch_cache_control

from coverage_app import views


def assert_not_stored(response, url):
    assert response.status_code == 200, url
    assert "no-store" in response.get("Cache-Control", ""), f"{url}: {response.get('Cache-Control')!r}"


@pytest.mark.parametrize("name", ["queue", "review_detail", "review_step", "review_summary"])
def test_it_keeps_the_nurses_pages_out_of_caches(client, nurse, nurse_review, name):
    kwargs = {} if name == "queue" else {"review_id": nurse_review.public_id}
    if name == "review_step":
        kwargs["step"] = "request"
    url = reverse(name, kwargs=kwargs)
    client.force_login(nurse)
    assert_not_stored(client.get(url), url)


@pytest.mark.parametrize("name", ["letter_html", "letter_pdf"])
def test_it_keeps_letters_out_of_caches(client, nurse, upheld, name):
    url = reverse(name, kwargs={"determination_id": upheld.public_id})
    client.force_login(nurse)
    assert_not_stored(client.get(url), url)


@pytest.mark.parametrize("name", ["reports", "reports_csv"])
def test_it_keeps_reports_out_of_caches(client, policy_staff, approved, name):
    url = reverse(name)  # the last 30 days, which include the approval
    client.force_login(policy_staff)
    assert_not_stored(client.get(url), url)


def test_it_keeps_admin_pages_out_of_caches(client, policy_staff, nurse_review):
    # Django's admin already marks its views never_cache; this checks they stay uncached.
    url = reverse("admin:coverage_app_review_change", args=[nurse_review.pk])
    client.force_login(policy_staff)
    assert_not_stored(client.get(url), url)


def test_it_overrides_a_view_that_asked_for_caching(client, nurse, nurse_review, monkeypatch):
    real_render = views.render

    def cacheable_render(*args, **kwargs):
        response = real_render(*args, **kwargs)
        patch_cache_control(response, public=True, max_age=3600)
        return response

    monkeypatch.setattr(views, "render", cacheable_render)
    client.force_login(nurse)
    url = reverse("review_detail", kwargs={"review_id": nurse_review.public_id})
    cache_control = client.get(url)["Cache-Control"]
    assert "no-store" in cache_control
    assert "public" not in cache_control and "max-age=3600" not in cache_control


def test_it_leaves_static_files_cacheable(client, settings, db):
    settings.WHITENOISE_USE_FINDERS = True  # serve static/ without collectstatic, as in development
    response = client.get("/static/js/questionnaire.js")
    assert response.status_code == 200
    cache_control = response["Cache-Control"]
    assert "max-age" in cache_control and "no-store" not in cache_control
