"""A NUL character in an address (a search, an admin list filter) gets a 400 page that says so:
PostgreSQL refuses NUL in text, and admin list filters holding one answered 500."""

import pytest
from django.contrib import admin
from django.test import Client
from django.urls import reverse

CHANGELISTS = [
    (model, model_admin) for model, model_admin in admin.site._registry.items()
    if model._meta.app_label == "coverage_app"
]


def queries(model_admin):
    yield {"q": "M2\x00"}
    for spec in model_admin.list_filter:
        name = spec if isinstance(spec, str) else getattr(spec, "parameter_name", None) or f"{spec[0]}__gte"
        yield {name: "\x00"}
        yield {f"{name}__exact": "a\x00b"}


@pytest.mark.parametrize("model, model_admin", CHANGELISTS, ids=lambda x: getattr(x, "__name__", ""))
def test_it_answers_a_nul_in_an_admin_list_with_a_message(admin_user, model, model_admin):
    client = Client(raise_request_exception=False)
    client.force_login(admin_user)
    url = reverse(f"admin:coverage_app_{model._meta.model_name}_changelist")
    for params in queries(model_admin):
        r = client.get(url, params)
        assert r.status_code == 400, (params, r.status_code)
        assert "holds a character that cannot be searched for or stored" in r.content.decode()


@pytest.mark.parametrize("name", ["queue", "physician_queue", "reports", "policy_detail"])
def test_it_answers_a_nul_in_an_app_query_with_a_message(client, nurse, director, policy_staff, name):
    for user in (nurse, director, policy_staff):
        client.force_login(user)
        r = client.get(reverse(name), {"q": "M2\x00", "status": "open"})
        assert r.status_code == 400
        assert "Log out" in r.content.decode()  # the app's own page, for whoever is logged in


def test_it_lets_ordinary_addresses_through(client, nurse):
    client.force_login(nurse)
    assert client.get(reverse("queue"), {"q": "M2 <script>"}).status_code == 200
