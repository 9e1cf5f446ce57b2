"""The rules of Medical Coverage Policy 0261 (DLI and HPC boost), as a pure function.

No Django here: a Case goes in, a Determination with a criterion-by-criterion trace comes out.
The questionnaire, the letters and `manage.py determine` all call `evaluate`.

The wording of each criterion belongs to a policy version (it lives in the database and can be
revised), so the caller passes it in; the logic of which criterion holds lives only here. Which
answers a case holds at all (a chimerism percentage only for the chimerism indication, say) is
the question table's (lib/questions.py).
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import NamedTuple

from coverage_app.lib import questions
from coverage_app.lib.vocabulary import CPT_CODES, CPT_DESCRIPTIONS, Indication, Service, TransplantType

# Service, TransplantType, Indication and the CPT codes are the vocabulary's; callers use them from here.


class Outcome(StrEnum):
    CRITERIA_MET = "criteria_met"
    CRITERIA_NOT_MET = "criteria_not_met"

# How each indication reads in a sentence, for plain-language reasons.
INDICATION_PHRASES = {
    Indication.RELAPSED: "relapsed disease",
    Indication.PERSISTENT: "persistent disease",
    Indication.REFRACTORY: "refractory disease",
    Indication.HIGH_RISK_OF_RELAPSE: "a high risk of relapse",
    Indication.PROMOTE_ENGRAFTMENT: "promoting engraftment",
    Indication.ENHANCE_CHIMERISM: "enhancing donor chimerism",
    Indication.OTHER: "a reason the policy does not list",
}
# The indications for which the policy covers DLI (DLI-3).
COVERED_DLI_INDICATIONS = frozenset(
    {
        Indication.RELAPSED,
        Indication.PERSISTENT,
        Indication.REFRACTORY,
        Indication.HIGH_RISK_OF_RELAPSE,
    }
)

# Every criterion id the policy has, by service, in the order a reviewer reads them.
CRITERIA_IDS = {
    Service.DLI: ("DLI-1", "DLI-2", "DLI-3"),
    Service.HPC_BOOST: ("HPC-1", "HPC-2a", "HPC-2b"),
}
ALL_CRITERIA_IDS = CRITERIA_IDS[Service.DLI] + CRITERIA_IDS[Service.HPC_BOOST]

FULL_DONOR_CHIMERISM = Decimal(100)


class InvalidCase(ValueError):
    """A case the engine cannot judge; names the field and what is wrong with it."""

    def __init__(self, field: str, message: str):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = message


@dataclass(frozen=True, slots=True)
class Case:
    service: Service
    transplant_type: TransplantType
    indication: Indication
    hematologic_malignancy: bool | None = None
    donor_chimerism_percent: Decimal | None = None
    cpt_code: str | None = None
    date_of_service: dt.date | None = None
    # Asked after an allogeneic transplant: will the cells come from the transplant's donor?
    same_donor: bool | None = None


@dataclass(frozen=True, slots=True)
class CriterionWording:
    """A criterion as a policy version words it: the test, and the policy's words it rests on."""

    statement: str
    policy_words: str


class CriterionResult(NamedTuple):
    # A NamedTuple, not a frozen dataclass: it is built for every criterion of every case, and
    # frozen dataclasses pay for object.__setattr__ on each field.
    id: str
    met: bool
    statement: str
    policy_words: str
    reason: str | None  # plain language, only when not met

    @property
    def text(self) -> str:
        return f"{self.statement} Policy: \u201c{self.policy_words}\u201d"


@dataclass(frozen=True, slots=True)
class Determination:
    outcome: Outcome
    service: Service
    criteria: tuple[CriterionResult, ...]
    # Why a physician must look at this case whatever the criteria say (PHYSICIAN_REVIEW_CHECKS).
    physician_review: tuple[str, ...] = ()

    @property
    def reasons(self) -> list[str]:
        return [c.reason for c in self.criteria if not c.met and c.reason]

    @property
    def criteria_met(self) -> bool:
        return self.outcome is Outcome.CRITERIA_MET

    @property
    def nurse_may_approve(self) -> bool:
        """A nurse approves only what meets every criterion and needs no physician's judgment."""
        return self.criteria_met and not self.physician_review


# ---------------------------------------------------------------------------------------------
# Reading a case from loose input (JSON, a form): every check names its field.


def _choice(data: Mapping, field: str, enum: type[StrEnum]):
    value = data.get(field)
    if value is None:
        raise InvalidCase(field, "is required")
    if not isinstance(value, str):
        raise InvalidCase(field, f"must be one of {_options(enum)}")
    try:
        return enum(value)
    except ValueError:
        raise InvalidCase(field, f"{short_quote(value)} is not one of {_options(enum)}") from None


def _options(enum: type[StrEnum]) -> str:
    return ", ".join(member.value for member in enum)


QUOTE_LENGTH = 40  # characters of a bad value that an error message repeats


def short_quote(value: object, show: Callable[[object], str] = repr) -> str:
    """`show(value)`, cut to QUOTE_LENGTH characters: a message never repeats a huge input whole."""
    # A number shows as its digits: str() refuses an int of more than 4,300 digits (Decimal's
    # does not), and a Decimal's repr would show Python, not what was typed.
    text = str(Decimal(value)) if type(value) in (int, Decimal) else show(value)
    return text if len(text) <= QUOTE_LENGTH else text[:QUOTE_LENGTH] + "\u2026"


def parse_percent(value: object, field: str = "donor_chimerism_percent") -> Decimal:
    if type(value) is Decimal and value.is_finite() and 0 <= value <= 100:
        return value  # the common case, from the questionnaire: nothing to convert
    # bool is an int in Python, but true is not a percentage.
    if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
        raise InvalidCase(field, "must be a number from 0 to 100")
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidCase(field, "must be a number from 0 to 100")
    try:
        # An int goes in whole: str() refuses one of more than 4,300 digits.
        number = Decimal(value) if isinstance(value, int) else Decimal(str(value).strip())
    except InvalidOperation:
        raise InvalidCase(
            field, f"{short_quote(value)} is not a number; give a number from 0 to 100"
        ) from None
    if not number.is_finite():
        raise InvalidCase(field, "must be a number from 0 to 100")
    if number < 0 or number > 100:
        raise InvalidCase(field, f"{short_quote(value, str)} is outside 0 to 100")
    return number


def parse_date(value: object, field: str = "date_of_service") -> dt.date:
    if isinstance(value, str):
        text = value.strip()
        # fromisoformat also takes 20240901 and week dates; the contract is YYYY-MM-DD only.
        if len(text) == 10 and text[4] == "-" and text[7] == "-":
            try:
                return dt.date.fromisoformat(text)
            except ValueError:
                pass
    raise InvalidCase(field, f"{short_quote(value)} is not a date written YYYY-MM-DD")


def case_from_mapping(data: object) -> Case:
    """Build a Case from JSON-like input, raising InvalidCase naming the first bad field: each
    value is read here, and the case as a whole is checked by `validate`."""
    if not isinstance(data, Mapping):
        raise InvalidCase("case", "must be a JSON object")
    service = _choice(data, "service", Service)

    cpt_code = data.get("cpt_code")
    if cpt_code is not None:
        if isinstance(cpt_code, bool) or not isinstance(cpt_code, (str, int)):
            raise InvalidCase("cpt_code", 'must be "38242" or "38243"')
        # str() refuses an int of more than 4,300 digits; as a Decimal it gives the same digits.
        cpt_code = str(Decimal(cpt_code) if isinstance(cpt_code, int) else cpt_code).strip()
        if cpt_code not in CPT_DESCRIPTIONS:
            raise InvalidCase("cpt_code", f'{short_quote(cpt_code)} is not "38242" or "38243"')

    transplant_type = _choice(data, "transplant_type", TransplantType)
    malignancy = _yes_no(data, "hematologic_malignancy")
    indication = _choice(data, "indication", Indication)
    percent = data.get("donor_chimerism_percent")
    date_of_service = data.get("date_of_service")
    case = Case(
        service=service,
        transplant_type=transplant_type,
        indication=indication,
        hematologic_malignancy=malignancy,
        donor_chimerism_percent=None if percent is None else parse_percent(percent),
        cpt_code=cpt_code,
        date_of_service=None if date_of_service is None else parse_date(date_of_service),
        same_donor=_yes_no(data, "same_donor"),
    )
    validate(case)
    return applicable(case)


def case_from_answers(answers: Mapping) -> Case:
    """The Case for a questionnaire's answers (lib/questions.py), once every question asked is
    answered; raises InvalidCase naming the first that is not."""
    gaps = questions.missing(answers, to_judge=True)
    if gaps:
        raise InvalidCase(gaps[0], "is not answered yet")
    answers = questions.without_inapplicable(answers)
    service = Service(answers["service"])
    percent = answers.get("donor_chimerism_percent")
    return Case(
        service=service,
        transplant_type=TransplantType(answers["transplant_type"]) if answers["had_transplant"] else TransplantType.NONE,
        indication=Indication(answers["indication"]),
        hematologic_malignancy=answers.get("hematologic_malignancy"),
        donor_chimerism_percent=None if percent is None else Decimal(percent),
        cpt_code=CPT_CODES[service],
        date_of_service=answers.get("planned_date_of_service"),
        same_donor=answers.get("same_donor"),
    )


def _yes_no(data: Mapping, field: str) -> bool | None:
    value = data.get(field)
    if value is not None and not isinstance(value, bool):
        raise InvalidCase(field, "must be true or false")
    return value


# The answers the engine needs when the question table asks them; the rest may be left out.
NEEDED_WHEN_ASKED = ("hematologic_malignancy", "donor_chimerism_percent")
# The answers a case carries only when the question table asks them.
CONDITIONAL = ("hematologic_malignancy", "donor_chimerism_percent", "same_donor")


@functools.lru_cache(maxsize=None)
def _asked(service: Service, transplant_type: TransplantType, indication: Indication) -> frozenset[str]:
    """Which CONDITIONAL answers the table asks for, given the answers that control them. Kept:
    the table's walk is a good part of a determination's time, and there are 42 combinations."""
    answers = {
        "service": service.value,
        "had_transplant": transplant_type is not TransplantType.NONE,
        "transplant_type": "" if transplant_type is TransplantType.NONE else transplant_type.value,
        "indication": indication.value,
    }
    return frozenset(name for name in CONDITIONAL if questions.applies(name, answers))


def applicable(case: Case) -> Case:
    """The case with every answer to a question the table does not ask removed: a question that
    is not asked must never sway the outcome."""
    return _keep(case, _asked(case.service, case.transplant_type, case.indication))


def _keep(case: Case, asked: frozenset[str]) -> Case:
    dropped = {name: None for name in CONDITIONAL if name not in asked and getattr(case, name) is not None}
    return dataclasses.replace(case, **dropped) if dropped else case


def validate(case: Case) -> None:
    """Check a Case, built in code or read by case_from_mapping: its types, that the CPT code agrees
    with the service, and that it answers what the table asks for and the engine needs."""
    _validated(case)


def _validated(case: Case) -> frozenset[str]:
    """validate(), returning which CONDITIONAL answers the table asks for."""
    for field, enum in (
        ("service", Service),
        ("transplant_type", TransplantType),
        ("indication", Indication),
    ):
        if not isinstance(getattr(case, field), enum):
            raise InvalidCase(field, f"must be one of {_options(enum)}")
    if case.cpt_code is not None and case.cpt_code != CPT_CODES[case.service]:
        raise InvalidCase(
            "cpt_code",
            f"{short_quote(case.cpt_code, str)} does not agree with service {case.service.value}, "
            f"whose code is {CPT_CODES[case.service]}",
        )
    for field in ("hematologic_malignancy", "same_donor"):
        if getattr(case, field) is not None and not isinstance(getattr(case, field), bool):
            raise InvalidCase(field, "must be true or false")
    if case.donor_chimerism_percent is not None:
        parse_percent(case.donor_chimerism_percent)
    asked = _asked(case.service, case.transplant_type, case.indication)
    for field in NEEDED_WHEN_ASKED:
        if field in asked and getattr(case, field) is None:
            raise InvalidCase(field, f"is required when {questions.describe(field)}")
    return asked


# ---------------------------------------------------------------------------------------------
# The criteria. Each check returns None when met, or the plain-language reason it is not.


def _transplant_phrase(case: Case) -> str:
    if case.transplant_type is TransplantType.NONE:
        return "this member has not had a stem cell transplant"
    return f"this member's transplant was {case.transplant_type.value}"


def _dli_1(case: Case) -> str | None:
    if case.transplant_type is TransplantType.ALLOGENEIC:
        return None
    return (
        "Donor lymphocyte infusion (DLI) is covered only after an allogeneic (donor) stem cell "
        f"transplant; {_transplant_phrase(case)}."
    )


def _dli_2(case: Case) -> str | None:
    if case.hematologic_malignancy:
        return None
    return (
        "Donor lymphocyte infusion (DLI) is covered only to treat a hematologic malignancy "
        "(a cancer of the blood or bone marrow); this member's disease is not a hematologic "
        "malignancy."
    )


def _dli_3(case: Case) -> str | None:
    if case.indication in COVERED_DLI_INDICATIONS:
        return None
    reason = (
        "Donor lymphocyte infusion (DLI) is covered only for a relapsed, persistent or refractory "
        "hematologic malignancy, or a high risk of relapse; this request is for "
        f"{INDICATION_PHRASES[case.indication]}."
    )
    if case.indication in (Indication.PROMOTE_ENGRAFTMENT, Indication.ENHANCE_CHIMERISM):
        reason += (
            " The policy states that DLI is not used to promote engraftment or to enhance "
            "chimerism; its intent is not to restore blood cell production."
        )
    return reason


def _hpc_1(case: Case) -> str | None:
    if case.transplant_type in (TransplantType.ALLOGENEIC, TransplantType.AUTOLOGOUS):
        return None
    return (
        "A hematopoietic progenitor cell (HPC) boost is covered only after a stem cell "
        "transplant; this member has not had one."
    )


def _hpc_2a(case: Case) -> str | None:
    if case.indication is Indication.PROMOTE_ENGRAFTMENT:
        return None
    return (
        "A hematopoietic progenitor cell (HPC) boost is covered to promote engraftment when the "
        "graft is working poorly; this request is for "
        f"{INDICATION_PHRASES[case.indication]}."
    )


def _hpc_2b(case: Case) -> str | None:
    if case.indication is not Indication.ENHANCE_CHIMERISM:
        return (
            "A hematopoietic progenitor cell (HPC) boost is covered to enhance chimerism when a "
            "study shows less than 100% donor cells; this request is for "
            f"{INDICATION_PHRASES[case.indication]}."
        )
    if case.transplant_type is not TransplantType.ALLOGENEIC:
        return (
            "Donor chimerism is measured only after an allogeneic (donor) stem cell transplant, "
            f"so the chimerism indication does not apply; {_transplant_phrase(case)}."
        )
    percent = case.donor_chimerism_percent
    if percent is None:
        return "A chimerism study result is needed for the chimerism indication; none was given."
    if percent < FULL_DONOR_CHIMERISM:
        return None
    return (
        "A hematopoietic progenitor cell (HPC) boost to enhance chimerism is covered only when a "
        "chimerism study shows less than 100% donor cells; this member's study showed "
        f"{percent.normalize():f}% donor cells."
    )


CHECKS = {
    "DLI-1": _dli_1,
    "DLI-2": _dli_2,
    "DLI-3": _dli_3,
    "HPC-1": _hpc_1,
    "HPC-2a": _hpc_2a,
    "HPC-2b": _hpc_2b,
}


# ---------------------------------------------------------------------------------------------
# What needs a physician's judgment even when the criteria are met ("Medical directors are expected
# to exercise clinical judgment"). Each check returns None, or why a physician must decide.


def _other_donor(case: Case) -> str | None:
    if case.same_donor is not False:
        return None
    return (
        "The policy states that the donor source for DLI and HPC boost is the same as that for the "
        "transplant; this request says the cells will come from a different donor."
    )


def _no_donor_cells(case: Case) -> str | None:
    # applicable() leaves a percentage only where the chimerism indication is asked.
    if case.donor_chimerism_percent != 0:
        return None
    return (
        "The chimerism study shows 0% donor cells: that is graft rejection (the donor cells are "
        "gone), not mixed chimerism, so whether a boost to enhance chimerism fits is a physician's "
        "decision."
    )


PHYSICIAN_REVIEW_CHECKS = (_other_donor, _no_donor_cells)


def criteria_that_apply(case: Case) -> tuple[str, ...]:
    """The criteria a reviewer must see for this case.

    HPC-2 is met by EITHER of its branches, so the trace shows the branch the request claims
    (engraftment or chimerism); a request claiming neither shows both, each not met. That way
    the outcome is met exactly when every criterion shown is met.
    """
    if case.service is Service.DLI:
        return CRITERIA_IDS[Service.DLI]
    if case.indication is Indication.PROMOTE_ENGRAFTMENT:
        return ("HPC-1", "HPC-2a")
    if case.indication is Indication.ENHANCE_CHIMERISM:
        return ("HPC-1", "HPC-2b")
    return CRITERIA_IDS[Service.HPC_BOOST]


def evaluate(case: Case, wording: Mapping[str, CriterionWording]) -> Determination:
    """Judge a case against policy 0261, using the criteria wording of the version in effect."""
    case = _keep(case, _validated(case))
    results = []
    for criterion_id in criteria_that_apply(case):
        try:
            words = wording[criterion_id]
        except KeyError:
            raise InvalidCase("policy", f"the policy version has no criterion {criterion_id}") from None
        reason = CHECKS[criterion_id](case)
        results.append(
            CriterionResult(
                id=criterion_id,
                met=reason is None,
                statement=words.statement,
                policy_words=words.policy_words,
                reason=reason,
            )
        )
    outcome = Outcome.CRITERIA_MET if all(r.met for r in results) else Outcome.CRITERIA_NOT_MET
    physician_review = tuple(why for check in PHYSICIAN_REVIEW_CHECKS if (why := check(case)))
    return Determination(
        outcome=outcome, service=case.service, criteria=tuple(results), physician_review=physician_review
    )
