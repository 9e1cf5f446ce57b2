"""Judging a case against the policy version in effect on its date of service."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone

from coverage_app.lib import questions, rules
from coverage_app.models import PolicyVersion
from coverage_app.selectors import NoVersionInEffect, policy_version_in_effect


@dataclass(frozen=True)
class VersionedDetermination:
    version: PolicyVersion
    determination: rules.Determination


def determine(case: rules.Case) -> VersionedDetermination:
    """Run the rules engine with the wording of the version in effect on the date of service.

    Raises rules.InvalidCase naming the field, including a date no version covers.
    """
    on = case.date_of_service or timezone.localdate()
    try:
        version = policy_version_in_effect(on)
    except NoVersionInEffect as e:
        raise rules.InvalidCase("date_of_service", str(e)) from None
    wording = {c.code: c.wording() for c in version.criteria.all()}
    return VersionedDetermination(version=version, determination=rules.evaluate(case, wording))


def judge(review) -> VersionedDetermination:
    """A review judged on its saved answers: what the summary shows, what a nurse's approval and a
    director's decision issue. Raises rules.InvalidCase naming the first question not answered."""
    return determine(rules.case_from_answers(review.answers()))


def appeal_answers(appeal) -> dict:
    """The answers an appeal is judged on: the review's, with those the appeal corrected."""
    corrected = {name: _typed(name, value) for name, value in appeal.answers.items() if name in questions.BY_NAME}
    return questions.without_inapplicable({**appeal.review.answers(), **corrected})


def _typed(name: str, value):
    """An answer as the appeal stores it in JSON (dates and decimals as text), as the review holds it."""
    kind = questions.BY_NAME[name].kind
    if value in (None, ""):
        return value
    if kind is questions.Kind.DATE:
        return dt.date.fromisoformat(value)
    if kind is questions.Kind.DECIMAL:
        return Decimal(value)
    return value


def judge_appeal(appeal) -> VersionedDetermination:
    """The rules run again on the appeal's answers, with no deference to the first decision."""
    return determine(rules.case_from_answers(appeal_answers(appeal)))


def criteria_shown(review) -> list[str]:
    """The criteria a review's summary shows, one note each: what `judge` would trace, found
    without reading the policy version (the summary's POST judges in the service, not here)."""
    try:
        case = rules.applicable(rules.case_from_answers(review.answers()))
    except rules.InvalidCase:
        return []
    return list(rules.criteria_that_apply(case))


def as_json(result: VersionedDetermination) -> dict:
    """The determination in the shape of the `determine` contract (the README)."""
    d = result.determination
    return {
        "outcome": d.outcome.value,
        "service": d.service.value,
        "policy": {
            "number": result.version.policy.number,
            "effective_date": result.version.effective_date.isoformat(),
        },
        "criteria": [{"id": c.id, "met": c.met, "text": c.text} for c in d.criteria],
        "reasons": d.reasons,
        "physician_review": list(d.physician_review),
    }


def snapshot(result: VersionedDetermination) -> dict:
    """What a review keeps of a determination: the contract's JSON plus each criterion's parts,
    so a letter can quote the policy's words as they stood, whatever later versions say."""
    data = as_json(result)
    for item, criterion in zip(data["criteria"], result.determination.criteria, strict=True):
        item.update(
            statement=criterion.statement,
            policy_words=criterion.policy_words,
            reason=criterion.reason,
        )
    return data
