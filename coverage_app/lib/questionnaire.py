"""Which questions apply to a request, given its answers so far. Pure: no Django.

The web forms ask only what applies; `without_inapplicable` clears an answer once an earlier change
means its question no longer applies, so a hidden answer never reaches the determination.
Answers are a mapping of Review field name to value.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from coverage_app.lib import rules

DLI, HPC = rules.Service.DLI.value, rules.Service.HPC_BOOST.value
ALLOGENEIC = rules.TransplantType.ALLOGENEIC.value
I = rules.Indication


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...]


STEPS = (
    Step(
        "request",
        "Request",
        (
            "member_name",
            "member_id",
            "member_date_of_birth",
            "line_of_business",
            "requesting_provider",
            "provider_npi",
            "service",
            "planned_date_of_service",
            "urgency",
            "diagnosis_codes",
        ),
    ),
    Step("transplant", "Transplant", ("had_transplant", "transplant_type", "transplant_date", "same_donor")),
    Step(
        "indication",
        "Indication",
        (
            "hematologic_malignancy",
            "indication",
            "indication_detail",
            "graft_function_evidence",
            "donor_chimerism_percent",
            "chimerism_study_date",
            "chimerism_specimen",
        ),
    ),
    Step("summary", "Summary", ()),
)
STEP_SLUGS = tuple(s.slug for s in STEPS)
STEP_OF_FIELD = {f: s.slug for s in STEPS for f in s.fields}

# The empty answer for each question that can be cleared.
EMPTY: dict[str, object] = {
    "transplant_type": "",
    "transplant_date": None,
    "same_donor": None,
    "hematologic_malignancy": None,
    "indication": "",
    "indication_detail": "",
    "graft_function_evidence": [],
    "donor_chimerism_percent": None,
    "chimerism_study_date": None,
    "chimerism_specimen": "",
}

DLI_INDICATIONS = (I.RELAPSED, I.PERSISTENT, I.REFRACTORY, I.HIGH_RISK_OF_RELAPSE, I.OTHER)


def is_answered(value: object) -> bool:
    return value not in (None, "", [], ())


def indication_choices(answers: Mapping) -> tuple[str, ...]:
    """The indications offered for this service and transplant: chimerism only after an allogeneic one."""
    service = answers.get("service")
    if service == DLI:
        return tuple(i.value for i in DLI_INDICATIONS)
    if service == HPC:
        choices = [I.PROMOTE_ENGRAFTMENT.value]
        if is_allogeneic(answers):
            choices.append(I.ENHANCE_CHIMERISM.value)
        choices.append(I.OTHER.value)
        return tuple(choices)
    return ()


def is_allogeneic(answers: Mapping) -> bool:
    return answers.get("had_transplant") is True and answers.get("transplant_type") == ALLOGENEIC


def applies(field: str, answers: Mapping) -> bool:
    """Whether the question `field` is asked, given the other answers."""
    indication = answers.get("indication")
    match field:
        case "transplant_type" | "transplant_date":
            return answers.get("had_transplant") is True
        case "same_donor":
            return is_allogeneic(answers)
        case "hematologic_malignancy":
            return answers.get("service") == DLI
        case "indication":
            return answers.get("service") in (DLI, HPC)
        case "indication_detail":
            return indication == I.OTHER.value
        case "graft_function_evidence":
            return indication == I.PROMOTE_ENGRAFTMENT.value
        case "donor_chimerism_percent" | "chimerism_study_date" | "chimerism_specimen":
            return indication == I.ENHANCE_CHIMERISM.value and indication in indication_choices(answers)
        case _:
            return True


def without_inapplicable(answers: Mapping) -> dict:
    """The answers with every answer to a question that no longer applies cleared."""
    result = dict(answers)
    # Clearing one answer can make another inapplicable (service -> indication -> chimerism).
    for _ in range(len(EMPTY)):
        changed = False
        if is_answered(result.get("indication")) and result["indication"] not in indication_choices(result):
            result["indication"] = EMPTY["indication"]
            changed = True
        for field, empty in EMPTY.items():
            if is_answered(result.get(field)) and not applies(field, result):
                result[field] = empty
                changed = True
        if not changed:
            return result
    return result


def cleared_fields(before: Mapping, after: Mapping) -> list[str]:
    return [f for f in EMPTY if is_answered(before.get(f)) and not is_answered(after.get(f))]


REQUIRED_ALWAYS = STEPS[0].fields + ("had_transplant", "indication")


def missing(answers: Mapping) -> list[str]:
    """Questions that apply but have no answer yet, in the order they are asked."""
    ordered = [f for s in STEPS for f in s.fields]
    return [
        f
        for f in ordered
        if (f in REQUIRED_ALWAYS or (f in EMPTY and applies(f, answers)))
        and not is_answered(answers.get(f))
    ]


def to_case(answers: Mapping) -> rules.Case:
    """The rules engine's Case for a complete set of answers (raises InvalidCase when incomplete)."""
    gaps = missing(answers)
    if gaps:
        raise rules.InvalidCase(gaps[0], "is not answered yet")
    answers = without_inapplicable(answers)
    transplant = (
        rules.TransplantType(answers["transplant_type"])
        if answers["had_transplant"]
        else rules.TransplantType.NONE
    )
    percent = answers.get("donor_chimerism_percent")
    service = rules.Service(answers["service"])
    return rules.Case(
        service=service,
        transplant_type=transplant,
        indication=rules.Indication(answers["indication"]),
        hematologic_malignancy=answers.get("hematologic_malignancy"),
        donor_chimerism_percent=None if percent is None else Decimal(percent),
        cpt_code=rules.CPT_CODES[service],
        date_of_service=answers.get("planned_date_of_service"),
        same_donor=answers.get("same_donor"),
    )
