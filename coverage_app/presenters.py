"""What a review's answers look like on a page: labels and readable values, only those that apply."""

import datetime as dt
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from coverage_app.forms import STEP_FORMS
from coverage_app.lib import icd10, questionnaire
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


LABELS = {
    "member_name": "Member name",
    "member_id": "Member ID",
    "member_date_of_birth": "Date of birth",
    "line_of_business": "Line of business",
    "requesting_provider": "Requesting provider",
    "provider_npi": "Provider NPI",
    "service": "Service requested",
    "planned_date_of_service": "Planned date of service",
    "urgency": "Urgency",
    "diagnosis_codes": "Diagnosis",
    "had_transplant": "Stem cell transplant (HSCT)",
    "transplant_type": "Type of transplant",
    "transplant_date": "Date of the transplant",
    "same_donor": "Same donor as the transplant",
    "hematologic_malignancy": "Hematologic malignancy",
    "indication": "Indication",
    "indication_detail": "Other reason",
    "graft_function_evidence": "Evidence of poor graft function",
    "donor_chimerism_percent": "Donor chimerism",
    "chimerism_study_date": "Date of the chimerism study",
    "chimerism_specimen": "Specimen tested",
}


def display(review: Review, field: str) -> str | list[str]:
    value = getattr(review, field)
    if not questionnaire.is_answered(value):
        return "Not answered"
    if field == "diagnosis_codes":
        return [f"{d.code} {d.description}" for d in map(icd10.describe, value)]
    if field == "graft_function_evidence":
        labels = dict(Review.GraftEvidence.choices)
        return [labels.get(v, v) for v in value]
    if field == "donor_chimerism_percent":
        return f"{value.normalize():f}% donor cells"
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, dt.date):
        return long_date(value)
    get_display = getattr(review, f"get_{field}_display", None)
    return get_display() if get_display else str(value)


def answers_by_step(review: Review) -> list[tuple[questionnaire.Step, list[AnswerRow]]]:
    answers = review.answers()
    return [
        (
            step,
            [
                AnswerRow(f, LABELS[f], display(review, f))
                for f in step.fields
                if questionnaire.applies(f, answers)
            ],
        )
        for step in questionnaire.STEPS
        if step.slug in STEP_FORMS
    ]


SERVICE_SHORT = {Review.Service.DLI: "DLI", Review.Service.HPC_BOOST: "HPC boost"}
STATUS_LABELS = dict(Review.Status.choices)
URGENCY_LABELS = dict(Review.Urgency.choices)
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
        })
    return rows
