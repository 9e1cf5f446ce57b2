"""Every URL in the URLconf, as each persona, against one table of expected answers.

A URL that is added without a row here fails the test: access is decided, not left to chance.
Answers: 200 (the page), 403 (refused), 405 (needs a POST), "login" (redirect to the app's log-in
page), "admin-login" (redirect to the admin's), or another status code.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

PERSONAS = ("anonymous", "nurse", "director", "policy_staff", "appeals_coordinator")

# Reviewers' pages: (anonymous, nurse, director, policy staff).
APP = {
    "accounts/login/": (200, 200, 200, 200, 200),
    "accounts/logout/": ("login", 405, 405, 405, 405),
    "accounts/password_change/": ("login", 200, 200, 200, 200),
    "accounts/password_change/done/": ("login", 200, 200, 200, 200),
    "": ("login", 302, 302, 302, 302),
    "policy/": ("login", 200, 200, 200, 200),
    "queue/": ("login", 200, 200, 403, 403),
    "reviews/new/": ("login", 200, 403, 403, 403),
    "reviews/<uuid:review_id>/": ("login", 200, 200, 403, 403),
    "reviews/<uuid:review_id>/assign/": ("login", 405, 403, 403, 403),
    "reviews/<uuid:review_id>/summary/": ("login", 200, 403, 403, 403),
    "reviews/<uuid:review_id>/decide/": ("login", 403, 200, 403, 403),
    "reviews/<uuid:review_id>/demographics/": ("login", 200, 403, 403, 403),  # the assigned nurse only
    "reviews/<uuid:review_id>/<slug:step>/": ("login", 200, 403, 403, 403),
    "physician/queue/": ("login", 403, 200, 403, 403),
    "reports/": ("login", 403, 403, 200, 403),
    "reports/csv/": ("login", 403, 403, 200, 403),
    "reports/metrics.csv": ("login", 403, 403, 200, 403),
    "reports/equity/": ("login", 403, 403, 200, 403),
    "reports/equity.csv": ("login", 403, 403, 200, 403),
    "letters/<uuid:determination_id>/": ("login", 200, 200, 200, 200),
    "letters/<uuid:determination_id>/pdf/": ("login", 200, 200, 200, 200),
    "letters/<uuid:determination_id>/correct/": ("login", 403, 200, 403, 403),
    "reviews/<uuid:review_id>/information/": ("login", 200, 403, 403, 403),
    "reviews/<uuid:review_id>/information/received/": ("login", 405, 403, 403, 403),
    "reviews/<uuid:review_id>/extend/": ("login", 200, 403, 403, 403),
    "reviews/<uuid:review_id>/documents/": ("login", 405, 403, 403, 403),
    "documents/<uuid:document_id>/": ("login", 200, 200, 403, 200),  # records: reviewers and appeals
    "notices/<uuid:notice_id>/": ("login", 200, 200, 200, 200),
    "notices/<uuid:notice_id>/pdf/": ("login", 200, 200, 200, 200),

    "appeals/": ("login", 200, 200, 403, 200),
    "appeals/<uuid:appeal_id>/": ("login", 200, 200, 403, 200),
    "appeals/<uuid:appeal_id>/accept/": ("login", 403, 403, 403, 405),
    "appeals/<uuid:appeal_id>/decide/": ("login", 403, 200, 403, 403),
    "appeals/<uuid:appeal_id>/documents/": ("login", 405, 403, 403, 405),
    "appeals/<uuid:appeal_id>/<slug:which>/": ("login", 403, 403, 403, 405),
    "letters/<uuid:determination_id>/appeal/": ("login", 200, 403, 403, 200),
    # The FHIR API: a bearer token, never a session (tests/test_it_answers_only_api_clients.py).
    "fhir/metadata": (200, 200, 200, 200, 200),
    "cds-services": (401, 401, 401, 401, 401),
    "cds-services/<str:service_id>": (405, 405, 405, 405, 405),
    "fhir/Questionnaire/$questionnaire-package": (405, 405, 405, 405, 405),
    "fhir/Questionnaire/<str:questionnaire_id>": (401, 401, 401, 401, 401),
    "fhir/Claim/$submit": (405, 405, 405, 405, 405),
    "fhir/Claim/$inquire": (405, 405, 405, 405, 405),
}

def staff_only(staff_answer):
    """An admin page: anonymous users meet the app's log-in page, logged-in non-staff (nurse,
    director, appeals coordinator) the admin's; policy staff get `staff_answer`."""
    return ("login", "admin-login", "admin-login", staff_answer, "admin-login")

# The admin site: only staff get in; what policy staff may do there is set by their group.
ADMIN_SITE = {
    "admin/": ("admin-login", "admin-login", "admin-login", 200, "admin-login"),
    "admin/login/": (200, 200, 200, 302, 200),  # non-staff see "not authorized" on the form
    "admin/logout/": ("admin-login", 302, 302, 405, 302),  # logging out takes a POST
    "admin/password_change/": ("admin-login", "admin-login", "admin-login", 200, "admin-login"),
    "admin/password_change/done/": ("admin-login", "admin-login", "admin-login", 200, "admin-login"),
    "admin/autocomplete/": ("admin-login", "admin-login", "admin-login", 403, "admin-login"),
    "admin/jsi18n/": ("admin-login", "admin-login", "admin-login", 200, "admin-login"),
    "admin/r/<path:content_type_id>/<path:object_id>/": ("admin-login", "admin-login", "admin-login", 404, "admin-login"),
    "admin/^(?P<app_label>auth|axes|coverage_app)/$": ("admin-login", "admin-login", "admin-login", 200, "admin-login"),
    "admin/(?P<url>.*)$": ("admin-login", "admin-login", "admin-login", 404, "admin-login"),
    "admin/coverage_app/policyversion/<int:object_id>/copy/": staff_only(302),  # GET only goes back
    "admin/coverage_app/letterwording/<int:object_id>/copy/": staff_only(302),  # GET only goes back
    "admin/coverage_app/policyversion/<int:object_id>/publish/": staff_only(302),  # published: back to its page
    "admin/coverage_app/letterwording/<int:object_id>/publish/": staff_only(302),  # published: back to its page
}

# Each model's admin pages for policy staff:
# (changelist, add, change, history, delete, object redirect, simple-history record)
MODELS = {
    "auth/group": (403, 403, 403, 403, 403, 302, None),
    "auth/user": (403, 403, 403, 403, 403, 302, None),
    "axes/accessattempt": (403, 403, 403, 403, 403, 302, None),
    "axes/accesslog": (403, 403, 403, 403, 403, 302, None),
    "axes/accessfailurelog": (403, 403, 403, 403, 403, 302, None),
    "coverage_app/coveragepolicy": (200, 200, 200, 200, 403, 302, 200),
    "coverage_app/policyversion": (200, 200, 200, 200, 403, 302, 200),
    "coverage_app/letterwording": (200, 200, 200, 200, 403, 302, 200),
    "coverage_app/review": (200, 403, 200, 200, 403, 302, 200),
    "coverage_app/determination": (200, 403, 200, 200, 403, 302, 200),
    "coverage_app/accesslog": (200, 403, 200, 200, 403, 302, None),
    "coverage_app/reviewerprofile": (403, 403, 403, 403, 403, 302, None),
    "coverage_app/plansettings": (200, 403, 200, 200, 403, 302, 200),
    "coverage_app/apiclient": (200, 403, 200, 200, 403, 302, 200),
}
MODEL_PAGES = ("", "add/", "<path:object_id>/change/", "<path:object_id>/history/",
               "<path:object_id>/delete/", "<path:object_id>/", "^([^/]+)/history/([^/]+)/$")


def table() -> dict:
    rows = {**APP, **ADMIN_SITE}
    for model, staff_answers in MODELS.items():
        for page, staff in zip(MODEL_PAGES, staff_answers, strict=True):
            if staff is not None:
                rows[f"admin/{model}/{page}"] = staff_only(staff)
    rows["admin/auth/user/<id>/password/"] = staff_only(403)
    return rows


def all_patterns(patterns=None, prefix="", namespace=None):
    for p in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(p, URLResolver):
            yield from all_patterns(p.url_patterns, prefix + str(p.pattern), p.namespace or namespace)
        else:
            assert isinstance(p, URLPattern)
            yield prefix + str(p.pattern), (f"{namespace}:{p.name}" if namespace else p.name), p


@pytest.fixture
def world(nurse, director_with_credentials, policy_staff, upheld, make_review, django_user_model):
    """One of everything a URL can point at."""
    from axes.models import AccessAttempt, AccessFailureLog
    from axes.models import AccessLog as AxesAccessLog
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType
    from django.core.files.uploadedfile import SimpleUploadedFile

    from django.utils import timezone

    from coverage_app import roles, services

    from coverage_app.models import (
        AccessLog,
        CoveragePolicy,
        LetterWording,
        PlanSettings,
        PolicyVersion,
        Review,
        ReviewerProfile,
    )

    review = Review.objects.get(pk=upheld.review_id)
    AccessLog.objects.create(user=nurse, review=review, kind="review", path="/")
    axes_fields = {"user_agent": "test", "ip_address": "10.0.0.1", "username": "x", "http_accept": "*/*", "path_info": "/"}
    objects = {
        "auth/group": Group.objects.first(),
        "auth/user": nurse,
        "coverage_app/coveragepolicy": CoveragePolicy.objects.first(),
        "coverage_app/policyversion": PolicyVersion.objects.first(),
        "coverage_app/letterwording": LetterWording.objects.first(),
        "coverage_app/review": review,
        "coverage_app/determination": upheld,
        "coverage_app/accesslog": AccessLog.objects.first(),
        "coverage_app/reviewerprofile": ReviewerProfile.objects.first(),
        "axes/accessattempt": AccessAttempt.objects.create(failures_since_start=1, **axes_fields),
        "axes/accesslog": AxesAccessLog.objects.create(**axes_fields),
        "axes/accessfailurelog": AccessFailureLog.objects.create(**axes_fields),
    }
    for model in ("coverage_app/coveragepolicy", "coverage_app/policyversion", "coverage_app/letterwording"):
        objects[model].save()  # loaded by a migration, so give each a row in its history
    objects["coverage_app/apiclient"] = services.api_client_create(name="Riverside EHR")[0]
    objects["coverage_app/plansettings"] = PlanSettings.objects.get()
    objects["coverage_app/plansettings"].save()
    editable = make_review(assigned_to=nurse, status=Review.Status.IN_REVIEW, service="dli")
    pending = make_review(status=Review.Status.PENDING_PHYSICIAN_REVIEW, submitted_by=nurse)
    other = make_review(assigned_to=nurse, status=Review.Status.IN_REVIEW, service="dli")
    notice = services.review_extend(review=other, user=nurse, reason="beyond_plan_control",
                                    justification="The records room flooded.", expected_revision=other.revision)
    document = services.document_add(review=other, user=nurse, upload=SimpleUploadedFile("a.pdf", b"%PDF-1.4 x"))
    appeal = services.appeal_log(determination=upheld, user=nurse, requester="member", received_at=timezone.now(),
                                 channel="mail")
    coordinator = django_user_model.objects.create_user("appeals1", password="x")
    coordinator.groups.add(Group.objects.get(name=roles.APPEALS_COORDINATOR))
    return {"objects": objects, "review": editable, "pending": pending, "determination": upheld,
            "notice": notice, "document": document, "appeal": appeal, "coordinator": coordinator,
            "content_type": ContentType.objects.get_for_model(Review)}


def url_for(route, name, world):
    review, determination = world["review"], world["determination"]
    if route == "reviews/<uuid:review_id>/decide/":
        return reverse(name, kwargs={"review_id": world["pending"].public_id})
    if route.startswith("reviews/<uuid:review_id>/<slug:step>"):
        return reverse(name, kwargs={"review_id": review.public_id, "step": "request"})
    if "<uuid:review_id>" in route:
        return reverse(name, kwargs={"review_id": review.public_id})
    if "<slug:which>" in route:
        return reverse(name, kwargs={"appeal_id": world["appeal"].public_id, "which": "ire-decision"})
    if "<uuid:appeal_id>" in route:
        return reverse(name, kwargs={"appeal_id": world["appeal"].public_id})
    if "<uuid:notice_id>" in route:
        return reverse(name, kwargs={"notice_id": world["notice"].public_id})
    if "<uuid:document_id>" in route:
        return reverse(name, kwargs={"document_id": world["document"].public_id})
    if "<uuid:determination_id>" in route:
        return reverse(name, kwargs={"determination_id": determination.public_id})
    if route == "cds-services/<str:service_id>":
        return "/cds-services/policy-0261-order-sign"
    if route == "fhir/Questionnaire/<str:questionnaire_id>":
        return "/fhir/Questionnaire/policy-0261"
    if route.startswith("admin/r/"):
        return f"/admin/r/{world['content_type'].pk}/{review.pk}/"
    if route == "admin/(?P<url>.*)$":
        return "/admin/no-such-page/"
    if route.startswith("admin/^(?P<app_label>"):
        return "/admin/coverage_app/"
    if route.startswith("admin/") and route.count("/") >= 3:
        model = "/".join(route.split("/")[1:3])
        obj = world["objects"].get(model)
        pk = obj.pk if obj is not None else 1
        page = route.split("/", 3)[3]
        if page.startswith("^([^/]+)/history/"):
            history = obj.history.first()
            return f"/admin/{model}/{pk}/history/{history.history_id}/"
        return "/" + route.replace("<path:object_id>", str(pk)).replace("<int:object_id>", str(pk)).replace("<id>", str(pk))
    return "/" + route


def outcome(response) -> object:
    if response.status_code == 302:
        location = response["Location"]
        if location.startswith("/accounts/login/"):
            return "login"
        if location.startswith("/admin/login/"):
            return "admin-login"
    return response.status_code


def test_every_url_has_a_row_in_the_table():
    routes = {route for route, _name, _p in all_patterns()}
    assert sorted(routes - set(table())) == [], "add a row for each new URL"
    assert sorted(set(table()) - routes) == [], "remove rows for URLs that are gone"


def test_every_url_answers_each_persona_as_the_table_says(client, world, request):
    users = {"anonymous": None, "nurse": request.getfixturevalue("nurse"),
             "director": request.getfixturevalue("director_with_credentials"),
             "policy_staff": request.getfixturevalue("policy_staff"),
             "appeals_coordinator": world["coordinator"]}
    rows = table()
    wrong = []
    for route, name, _pattern in all_patterns():
        url = url_for(route, name, world)
        for persona, expected in zip(PERSONAS, rows[route], strict=True):
            client.logout()
            if users[persona] is not None:
                client.force_login(users[persona])
            response = client.get(url)
            got = outcome(response)
            if got != expected:
                where = response.get("Location", "")
                wrong.append(f"{persona:12} GET {url}: expected {expected}, got {got} {where}")
    assert wrong == [], "\n".join(wrong)


def test_app_urls_address_objects_by_uuid_never_by_database_id():
    for route, name, _pattern in all_patterns():
        if not route.startswith("admin/"):
            assert "<int:" not in route and "<path:" not in route and "<pk" not in route, route
