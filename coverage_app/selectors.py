"""Reads: the queries views and commands share."""

import datetime as dt

from django.db.models import Prefetch

from coverage_app.models import CoveragePolicy, Criterion, PolicyVersion

POLICY_NUMBER = "0261"


class NoVersionInEffect(LookupError):
    """No version of the policy was in effect on the date asked about."""


def policy_version_in_effect(on: dt.date, number: str = POLICY_NUMBER) -> PolicyVersion:
    """The version in effect on a date of service, with its criteria loaded in order."""
    version = (
        PolicyVersion.objects.filter(policy__number=number, effective_date__lte=on)
        .select_related("policy")
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("position")))
        .order_by("-effective_date")
        .first()
    )
    if version is not None:
        return version
    earliest = (
        PolicyVersion.objects.filter(policy__number=number).order_by("effective_date").first()
    )
    if earliest is None:
        raise NoVersionInEffect(f"policy {number} has no versions")
    raise NoVersionInEffect(
        f"no version of policy {number} was in effect on {on:%B} {on.day}, {on.year}; "
        f"the earliest took effect on {earliest.effective_date:%B} "
        f"{earliest.effective_date.day}, {earliest.effective_date.year}"
    )


def policy_with_history(number: str = POLICY_NUMBER) -> CoveragePolicy | None:
    return (
        CoveragePolicy.objects.filter(number=number)
        .prefetch_related("revisions", "versions")
        .first()
    )
