"""The policy-staff pages of the admin speak in words: services and criteria by their meaning, and no
pointer to the code (RULES.md, the rules engine, a .py file)."""

import datetime as dt
import html as htmllib
import re

import pytest
from django.urls import reverse

from coverage_app import policy_versions
from coverage_app.lib import rules
from coverage_app.models import CoveragePolicy, Criterion, LetterWording
from tests.test_admin_policy import current_version, publish

TOMORROW = dt.date.today() + dt.timedelta(days=1)
# Raw values and internal references a member of policy staff should never have to read.
FORBIDDEN = re.compile(r"\bdli\b|\bhpc_boost\b|RULES\.md|rules engine|\w\.py\b|\blib/|coverage_app\.")


def visible_text(html: str) -> str:
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<svg\b.*?</svg>", " ", html, flags=re.S)
    return htmllib.unescape(re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
def pages(client, policy_staff):
    """Every page policy staff meet while keeping the policy and the letters."""
    client.force_login(policy_staff)
    version = current_version()
    draft = policy_versions.policy_version_copy(version)
    wording = LetterWording.objects.get(kind="adverse")
    wording_draft = policy_versions.letter_wording_copy(wording)
    urls = {
        "admin home": reverse("admin:index"),
        "policy": reverse("admin:coverage_app_coveragepolicy_change", args=[CoveragePolicy.objects.get().pk]),
        "versions": reverse("admin:coverage_app_policyversion_changelist"),
        "new version": reverse("admin:coverage_app_policyversion_add"),
        "version in effect": reverse("admin:coverage_app_policyversion_change", args=[version.pk]),
        "draft version": reverse("admin:coverage_app_policyversion_change", args=[draft.pk]),
        "version history": reverse("admin:coverage_app_policyversion_history", args=[version.pk]),
        "publish: the date": reverse("admin:coverage_app_policyversion_publish", args=[draft.pk]),
        "letter wording": reverse("admin:coverage_app_letterwording_changelist"),
        "wording in effect": reverse("admin:coverage_app_letterwording_change", args=[wording.pk]),
        "draft wording": reverse("admin:coverage_app_letterwording_change", args=[wording_draft.pk]),
        "publish wording: the date": reverse("admin:coverage_app_letterwording_publish", args=[wording_draft.pk]),
    }
    found = {name: client.get(url) for name, url in urls.items()}
    found["publish: the changes"] = publish(client, "policyversion", draft.pk, TOMORROW, confirm=False)
    found["publish wording: the changes"] = publish(client, "letterwording", wording_draft.pk, TOMORROW, confirm=False)
    return found


def test_it_shows_no_raw_code_or_internal_reference(pages):
    for where, response in pages.items():
        assert response.status_code == 200, where
        text = visible_text(response.content.decode())
        assert not FORBIDDEN.search(text), f"{where}: {FORBIDDEN.search(text).group()!r}"


def test_it_names_each_criterion_with_its_meaning(pages):
    text = visible_text(pages["draft version"].content.decode())
    for code, meaning in Criterion.MEANINGS.items():
        assert f"{code}: {meaning}" in text
    assert list(Criterion.MEANINGS) == list(rules.ALL_CRITERIA_IDS)


def test_it_names_a_criterions_service_in_words():
    assert dict(Criterion._meta.get_field("service").choices) == {
        "dli": "Donor lymphocyte infusion (DLI), CPT 38242",
        "hpc_boost": "Hematopoietic progenitor cell (HPC) boost, CPT 38243",
    }
