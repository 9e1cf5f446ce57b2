"""Versions of the policy and of the letter wording: which is in effect, which may still be edited,
and the services that copy, publish and compare them and record the annual review (the admin site
calls these).

A new version is a draft: it has no effective date, nothing judges a request or prints a letter by
it, and policy staff edit it freely. Policy staff publish it on purpose, with an effective date from
tomorrow on. Once published it can no longer be edited, only superseded by a new draft copied
from it: what was scheduled is what takes effect.
"""

import dataclasses
import datetime as dt
import difflib
import re

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, OuterRef, Subquery
from django.utils import timezone

from coverage_app import roles
from coverage_app.lib.usdates import long_date
from coverage_app.models import (
    CoveragePolicy,
    Criterion,
    Determination,
    LetterWording,
    PolicyRevision,
    PolicyVersion,
)

DRAFT, SCHEDULED, IN_EFFECT, SUPERSEDED = "draft", "scheduled", "in effect", "superseded"
STATUSES = (DRAFT, SCHEDULED, IN_EFFECT, SUPERSEDED)


def in_effect_date_subquery(model, same: str, today: dt.date):
    """The effective date of the `model` row in effect `today` that shares the outer row's `same`
    (a policy version's policy, a letter wording's kind). Drafts have no date and never count."""
    return Subquery(
        model.objects.filter(**{same: OuterRef(same)}, effective_date__isnull=False, effective_date__lte=today)
        .order_by()
        .values(same)
        .annotate(current=Max("effective_date"))
        .values("current")[:1]
    )


def version_status(effective_date: dt.date | None, current_date: dt.date | None, today: dt.date) -> str:
    if effective_date is None:
        return DRAFT
    if effective_date > today:
        return SCHEDULED
    return IN_EFFECT if effective_date == current_date else SUPERSEDED


def _published_reason(effective_date: dt.date, taken_effect: str) -> str:
    if effective_date <= timezone.localdate():
        return taken_effect
    return f"it is published and takes effect on {long_date(effective_date)}"


def version_locked_reason(version: PolicyVersion) -> str | None:
    """Why a version can no longer be edited, or None while it can (a draft nobody used)."""
    if version.pk is None:
        return None
    if version.effective_date is not None:
        return _published_reason(version.effective_date, "it has taken effect")
    # Drafts are never picked to judge; this guards the record should one have been.
    if version.reviews.exists():
        return "a review was judged against it"
    if Determination.objects.filter(policy_version=version).exists():
        return "a determination used it"
    return None


def wording_locked_reason(wording: LetterWording) -> str | None:
    if wording.pk is None or wording.effective_date is None:
        return None
    return _published_reason(
        wording.effective_date, "it has taken effect, and letters may have been printed with it"
    )


# --- Copying into a draft --------------------------------------------------------------------------


@transaction.atomic
def policy_version_copy(version: PolicyVersion) -> PolicyVersion:
    """A new draft with the same words and criteria; it takes effect only once published."""
    new = PolicyVersion.objects.create(
        policy=version.policy,
        effective_date=None,
        coverage_statements=list(version.coverage_statements),
        background=version.background,
    )
    # One by one rather than bulk_create, so each gets its row in the history.
    for c in version.criteria.order_by("position"):
        Criterion.objects.create(
            version=new,
            code=c.code,
            service=c.service,
            statement=c.statement,
            policy_words=c.policy_words,
            position=c.position,
        )
    return new


@transaction.atomic
def letter_wording_copy(wording: LetterWording) -> LetterWording:
    return LetterWording.objects.create(kind=wording.kind, effective_date=None, text=wording.text)


# --- Publishing ------------------------------------------------------------------------------------


def may_publish(user) -> bool:
    """Publishing changes what every later review and letter uses: policy staff's call alone."""
    return bool(user.is_active and (user.is_superuser or roles.has_role(user, roles.POLICY_STAFF)))


def _published(model, **same):
    return model.objects.filter(**same, effective_date__isnull=False)


def policy_version_predecessor(version: PolicyVersion) -> PolicyVersion | None:
    """The published version a draft would follow: the latest one, in effect or scheduled."""
    return _published(PolicyVersion, policy_id=version.policy_id).order_by("-effective_date").first()


def letter_wording_predecessor(wording: LetterWording) -> LetterWording | None:
    return _published(LetterWording, kind=wording.kind).order_by("-effective_date").first()


def check_effective_date(effective_date: dt.date, predecessor) -> None:
    """A published date is from tomorrow on (today's reviews and letters keep the words they began
    with) and after every published one, so versions follow each other in the order published."""
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    if effective_date < tomorrow:
        raise ValidationError(
            {"effective_date": f"Choose {long_date(tomorrow)} or later: a version cannot take effect today or in the past."}
        )
    if predecessor is not None and effective_date <= predecessor.effective_date:
        raise ValidationError(
            {"effective_date": f"The version effective {long_date(predecessor.effective_date)} is already "
             f"published; choose a later date."}
        )


def _publish(row, predecessor_of, effective_date: dt.date, user):
    if not may_publish(user):
        raise PermissionDenied("Only policy staff publish a version.")
    row = type(row).objects.select_for_update().get(pk=row.pk)
    if row.effective_date is not None:
        raise ValidationError(f"This version is already published, effective {long_date(row.effective_date)}.")
    check_effective_date(effective_date, predecessor_of(row))
    row.effective_date = effective_date
    # Read by django-simple-history: the history row says who published it, and that it was a publish.
    row._history_user = user
    row._change_reason = f"Published, effective {long_date(effective_date)}"
    row.save(update_fields=["effective_date"])
    return row


@transaction.atomic
def policy_version_publish(*, version: PolicyVersion, effective_date: dt.date, user) -> PolicyVersion:
    """Publish a draft: from `effective_date` on, the rules, reviews and the policy page use it."""
    # One publisher of a policy's versions at a time, so two cannot claim the same date.
    CoveragePolicy.objects.select_for_update().get(pk=version.policy_id)
    return _publish(version, policy_version_predecessor, effective_date, user)


@transaction.atomic
def letter_wording_publish(*, wording: LetterWording, effective_date: dt.date, user) -> LetterWording:
    """Publish a draft paragraph: letters issued from `effective_date` on print it."""
    # Lock the published rows of the kind, so two publishers of the same kind take turns.
    list(_published(LetterWording, kind=wording.kind).select_for_update())
    return _publish(wording, letter_wording_predecessor, effective_date, user)


# --- What changed ------------------------------------------------------------------------------------


@dataclasses.dataclass(frozen=True)
class Change:
    """One piece of wording, before and after: each side a list of (text, changed) segments."""

    label: str
    old: list[tuple[str, bool]]
    new: list[tuple[str, bool]]

    @property
    def changed(self) -> bool:
        return any(changed for _, changed in self.old + self.new)


# A word or a mark, with the spaces after it: a run of changed words reads as one stretch.
_WORDS = re.compile(r"\w+\s*|[^\w\s]\s*|\s+")


def word_diff(label: str, old: str, new: str) -> Change:
    """The words removed from `old` and added in `new` (difflib, word by word)."""
    a, b = _WORDS.findall(old), _WORDS.findall(new)
    before: list[tuple[str, bool]] = []
    after: list[tuple[str, bool]] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if i2 > i1:
            before.append(("".join(a[i1:i2]), op != "equal"))
        if j2 > j1:
            after.append(("".join(b[j1:j2]), op != "equal"))
    return Change(label, before, after)


def policy_version_changes(draft: PolicyVersion, old: PolicyVersion | None) -> list[Change]:
    """Each coverage statement, each criterion's test and policy words, and the background of the
    draft beside the version it follows."""
    old_statements = list(old.coverage_statements) if old else []
    new_statements = list(draft.coverage_statements)
    changes = [
        word_diff(f"Coverage statement {i + 1}",
                  old_statements[i] if i < len(old_statements) else "",
                  new_statements[i] if i < len(new_statements) else "")
        for i in range(max(len(old_statements), len(new_statements)))
    ]
    old_criteria = {c.code: c for c in old.criteria.all()} if old else {}
    blank = Criterion(statement="", policy_words="")
    for c in draft.criteria.order_by("position"):
        before = old_criteria.get(c.code, blank)
        name = c.get_code_display()
        changes.append(word_diff(f"{name} (the test)", before.statement, c.statement))
        changes.append(word_diff(f"{name} (the policy's words)", before.policy_words, c.policy_words))
    changes.append(word_diff("Background", old.background if old else "", draft.background))
    return changes


def letter_wording_changes(draft: LetterWording, old: LetterWording | None) -> list[Change]:
    return [word_diff(draft.get_kind_display(), old.text if old else "", draft.text)]


# --- The annual review ---------------------------------------------------------------------------------


@transaction.atomic
def policy_mark_reviewed(policy: CoveragePolicy, summary: str) -> PolicyRevision:
    """Record the annual review in the revision history and set the next review a year on."""
    today = timezone.localdate()
    revision = PolicyRevision.objects.create(
        policy=policy, revision_type="Annual Review", summary=summary.strip(), date=today
    )
    try:
        policy.next_review_date = today.replace(year=today.year + 1)
    except ValueError:  # February 29
        policy.next_review_date = today.replace(year=today.year + 1, day=28)
    policy.save(update_fields=["next_review_date"])
    return revision


def overdue_policies():
    return CoveragePolicy.objects.filter(next_review_date__lt=timezone.localdate()).order_by("number")
