import datetime as dt

import pytest

from coverage_app.lib import rules
from coverage_app.models import CoveragePolicy, Criterion, PolicyVersion
from coverage_app.selectors import NoVersionInEffect, policy_version_in_effect
from tests.conftest import PROJECT

POLICY_TEXT = PROJECT / "coverage_app" / "policy_data" / "coverage-policy-0261.txt"


def test_it_loads_policy_0261_by_migration(db):
    policy = CoveragePolicy.objects.get(number="0261")
    assert policy.title == "Donor Lymphocyte Infusion and Hematopoietic Progenitor Cell (HPC) Boost"
    assert policy.effective_date == dt.date(2024, 5, 15)
    assert policy.next_review_date == dt.date(2025, 5, 15)
    revision = policy.revisions.get()
    assert (revision.revision_type, revision.summary, revision.date) == (
        "Annual Review", "No clinical policy statement changes.", dt.date(2024, 5, 15)
    )
    version = policy.versions.get()
    assert version.effective_date == dt.date(2024, 5, 15)
    assert [c.code for c in version.criteria.order_by("position")] == list(rules.ALL_CRITERIA_IDS)


def test_it_quotes_the_published_policy_in_every_criterion(db):
    # Each quoted fragment (split at the elisions) must stand in the published policy text.
    published = " ".join(POLICY_TEXT.read_text(encoding="utf-8").replace("\n- ", " ").split())
    version = PolicyVersion.objects.get(policy__number="0261")
    for criterion in version.criteria.all():
        for fragment in criterion.policy_words.split("[...]"):
            assert fragment.strip(" .") in published, criterion.code
    for statement in version.coverage_statements:
        assert statement.replace("; ", " ") in published


def test_it_picks_the_version_in_effect_on_the_date_of_service(db):
    first = PolicyVersion.objects.get(policy__number="0261")
    second = PolicyVersion.objects.create(policy=first.policy, effective_date=dt.date(2025, 6, 1))
    assert policy_version_in_effect(dt.date(2024, 5, 15)) == first
    assert policy_version_in_effect(dt.date(2025, 5, 31)) == first
    assert policy_version_in_effect(dt.date(2025, 6, 1)) == second
    assert policy_version_in_effect(dt.date(2030, 1, 1)) == second


def test_it_refuses_a_date_before_any_version(db):
    with pytest.raises(NoVersionInEffect) as e:
        policy_version_in_effect(dt.date(2024, 5, 14))
    assert str(e.value) == (
        "no version of policy 0261 was in effect on May 14, 2024; "
        "the earliest took effect on May 15, 2024"
    )


def test_it_keeps_one_criterion_code_per_version(db):
    from django.db import IntegrityError, transaction

    version = PolicyVersion.objects.get(policy__number="0261")
    with pytest.raises(IntegrityError), transaction.atomic():
        Criterion.objects.create(version=version, code="DLI-1", service="dli", statement="x", policy_words="y")
