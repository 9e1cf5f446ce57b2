"""What a review's answers look like on a page: the question table's names and readable values,
only those that apply."""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from coverage_app.lib import icd10, questions
from coverage_app.lib.questions import Kind
from coverage_app.lib.usdates import long_date, short_datetime
from coverage_app.models import Review


@dataclass(frozen=True)
class AnswerRow:
    field: str
    label: str
    value: str | list[str]

    @property
    def values(self) -> list[str]:
        return self.value if isinstance(self.value, list) else [self.value]


def display(question: questions.Question, value) -> str | list[str]:
    """An answer as the summary prints it."""
    if not questions.is_answered(value):
        return "Not answered"
    match question.kind:
        case Kind.CODES:
            return [f"{d.code} {d.description}" for d in map(icd10.describe, value)]
        case Kind.CHOICES:
            return [questions.choice_label(question.name, v) for v in value]
        case Kind.YES_NO | Kind.CHOICE:
            return questions.answer_label(question.name, value)
        case Kind.DECIMAL:
            return f"{value.normalize():f}{question.unit}"
        case Kind.DATE:
            return long_date(value)
    return str(value)


def answers_by_step(review: Review) -> list[tuple[questions.Step, list[AnswerRow]]]:
    answers = review.answers()
    return [
        (
            step,
            [
                AnswerRow(name, questions.BY_NAME[name].name_in_text, display(questions.BY_NAME[name], answers[name]))
                for name in step.fields
                if questions.applies(name, answers)
            ],
        )
        for step in questions.STEPS
        if step.fields
    ]


SERVICE_SHORT = {Review.Service.DLI: "DLI", Review.Service.HPC_BOOST: "HPC boost"}
STATUS_LABELS = dict(Review.Status.choices)
URGENCY_LABELS = dict(Review.Urgency.choices)  # a dict lookup per row, not get_FOO_display on an object
_PLACEHOLDER = uuid.UUID(int=0)


def queue_rows(values: Iterable[dict], now: dt.datetime) -> list[dict]:
    """Queue rows (selectors.QUEUE_COLUMNS) ready to print: labels, local times, overdue flags.

    Dicts, not objects: the template engine finds a dict key at its first try.
    """
    # One reverse() for the page, not one per row.
    link = reverse("review_detail", args=[_PLACEHOLDER])
    tz = timezone.get_current_timezone()
    rows = []
    for v in values:
        assignee = v["assigned_to__username"] and (
            f"{v['assigned_to__first_name']} {v['assigned_to__last_name']}".strip()
            or v["assigned_to__username"]
        )
        rows.append({
            "url": link.replace(str(_PLACEHOLDER), str(v["public_id"])),
            "case_number": v["case_number"],
            "member_name": v["member_name"] or "—",
            "member_id": v["member_id"],
            "service": SERVICE_SHORT.get(v["service"], "—"),
            "status": STATUS_LABELS.get(v["status"], v["status"]),
            "urgency": URGENCY_LABELS.get(v["urgency"], v["urgency"]),
            "received": short_datetime(v["received_at"].astimezone(tz)),
            "due": short_datetime(v["due_at"].astimezone(tz)),
            "overdue": v["due_at"] < now and v["status"] not in Review.FINISHED_STATUSES,
            "reviewer": assignee,
            # A review waiting for information shows when it is due, and whether it is late.
            "information_due": short_datetime(v["information_respond_by"].astimezone(tz))
            if v["status"] == Review.Status.WAITING_FOR_INFORMATION else "",
            "information_late": v["status"] == Review.Status.WAITING_FOR_INFORMATION
            and v["information_respond_by"] <= now,
        })
    return rows
