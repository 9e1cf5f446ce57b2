"""The questionnaire, defined once: every question, its step, kind, wording, choices and the
condition under which it is asked. Pure: no Django.

Everything else is derived from this table: which questions apply and which answers to clear
(below), the step forms and the page's show/hide attributes (forms.py), the model's choices
(models.py), the summary rows (presenters.py) and the rules engine's applicability (lib/rules.py). Adding a question is one entry here, plus, where it matters to the policy, one line
in the rules.

A condition (`when`) is a tuple of `Is` that must all hold. `Is(field, values)` holds when `field`
is itself asked, its answer counts, and the answer is one of `values`. An answer to a choice
question counts only while its choice is offered: a choice has a `when` of its own (chimerism is
offered only for an HPC boost after an allogeneic transplant), so conditions that hang on a choice
inherit the choice's condition without repeating it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum

from coverage_app.lib.deadlines import LineOfBusiness, RequestType, Urgency
from coverage_app.lib.vocabulary import Indication, Service, TransplantType


class Kind(StrEnum):
    YES_NO = "yes_no"
    CHOICE = "choice"  # one of the choices
    CHOICES = "choices"  # any number of the choices
    DATE = "date"
    DECIMAL = "decimal"
    NUMBER = "number"  # a whole number
    CODES = "codes"  # ICD-10-CM diagnosis codes
    TEXT = "text"
    LONG_TEXT = "long_text"


# The empty answer of each kind: what an answer is cleared to.
EMPTY = {
    Kind.YES_NO: None,
    Kind.CHOICE: "",
    Kind.CHOICES: [],
    Kind.DATE: None,
    Kind.DECIMAL: None,
    Kind.NUMBER: None,
    Kind.CODES: [],
    Kind.TEXT: "",
    Kind.LONG_TEXT: "",
}


@dataclass(frozen=True)
class Is:
    """Holds when the answer to `field` is one of `values` (and counts: see the module's note)."""

    field: str
    values: tuple

    def __init__(self, field: str, *values):
        object.__setattr__(self, "field", field)
        object.__setattr__(self, "values", values)


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    when: tuple[Is, ...] = ()


@dataclass(frozen=True)
class Question:
    name: str
    step: str
    kind: Kind
    label: str  # as the form asks it
    short: str = ""  # as summaries and messages name it; the label when empty
    when: tuple[Is, ...] = ()
    choices: tuple[Choice, ...] = ()
    required: bool = True  # whenever it is asked
    help: str = ""
    max_length: int | None = None
    minimum: Decimal | None = None
    maximum: Decimal | None = None
    decimal_places: int = 0
    unit: str = ""  # printed after a number in summaries: "85.5% donor cells"
    attrs: tuple[tuple[str, str], ...] = ()  # input attributes: autocomplete, inputmode
    # False for what only letters need (where to mail them, what to authorize): the criteria can be
    # judged before it is answered, though the review cannot finish without it.
    to_judge: bool = True

    @property
    def name_in_text(self) -> str:
        return self.short or self.label

    @property
    def range_message(self) -> str:
        """What a number question says to an answer outside its range or not a number at all."""
        noun = "percentage" if self.unit.startswith("%") else "number"
        return f"Enter a {noun} from {self.minimum:f} to {self.maximum:f}."

    @property
    def empty(self):
        return EMPTY[self.kind]


@dataclass(frozen=True)
class Step:
    slug: str
    title: str
    fields: tuple[str, ...]


YES = True
DLI, HPC = Service.DLI.value, Service.HPC_BOOST.value
ALLOGENEIC = TransplantType.ALLOGENEIC.value
# The chimerism study's questions are asked for the chimerism indication, which is offered only
# where its choice below says (an HPC boost after an allogeneic transplant).
FOR_CHIMERISM = (Is("indication", Indication.ENHANCE_CHIMERISM.value),)

QUESTIONS: tuple[Question, ...] = (
    # Request
    Question("member_name", "request", Kind.TEXT, "Member name", max_length=200, attrs=(("autocomplete", "off"),)),
    Question("member_id", "request", Kind.TEXT, "Member ID", max_length=30),
    Question("member_date_of_birth", "request", Kind.DATE, "Member date of birth", short="Date of birth"),
    Question(
        "line_of_business", "request", Kind.CHOICE, "Line of business",
        choices=(
            Choice(LineOfBusiness.COMMERCIAL.value, "Commercial / employer plan (ERISA)"),
            Choice(LineOfBusiness.MEDICARE_ADVANTAGE.value, "Medicare Advantage"),
        ),
    ),
    # Where the member's letters are mailed (printed where a window envelope shows it).
    Question(
        "member_address_line1", "request", Kind.TEXT, "Member mailing address", short="Mailing address",
        max_length=100, help="Street address or P.O. box, as letters to the member are mailed.",
        attrs=(("autocomplete", "off"),),
        to_judge=False,
    ),
    Question(
        "member_address_line2", "request", Kind.TEXT, "Address line 2 (optional)", short="Address line 2",
        max_length=100, required=False, attrs=(("autocomplete", "off"),),
        to_judge=False,
    ),
    Question("member_city", "request", Kind.TEXT, "City", max_length=60, attrs=(("autocomplete", "off"),), to_judge=False),
    Question(
        "member_state", "request", Kind.TEXT, "State", max_length=2, help="The two-letter postal code, e.g. IL.",
        attrs=(("autocomplete", "off"), ("maxlength", "2")), to_judge=False,
    ),
    Question(
        "member_zip", "request", Kind.TEXT, "ZIP code", max_length=10, help="5 digits, or ZIP+4 (60690-0261).",
        attrs=(("autocomplete", "off"), ("inputmode", "numeric")),
        to_judge=False,
    ),
    Question(
        "request_type", "request", Kind.CHOICE, "Type of request",
        choices=(
            Choice(RequestType.PRE_SERVICE.value, "Prior authorization (before the service)"),
            Choice(RequestType.POST_SERVICE.value, "Post-service (the service was already given)"),
        ),
        help="A post-service (retrospective) request has its own deadlines and is never urgent.",
    ),
    Question("requesting_provider", "request", Kind.TEXT, "Requesting provider", max_length=200),
    Question(
        "provider_npi", "request", Kind.TEXT, "Provider NPI", max_length=10,
        help="The provider's 10-digit National Provider Identifier.",
        attrs=(("inputmode", "numeric"), ("maxlength", "10")),
    ),
    Question(
        "service", "request", Kind.CHOICE, "Service requested",
        choices=(
            Choice(DLI, "Donor lymphocyte infusion (DLI), CPT 38242"),
            Choice(HPC, "Hematopoietic progenitor cell (HPC) boost, CPT 38243"),
        ),
    ),
    Question(
        "units_requested", "request", Kind.NUMBER, "Number of infusions requested", short="Infusions requested",
        minimum=Decimal(1), maximum=Decimal(10), help="From 1 to 10.", attrs=(("inputmode", "numeric"),),
        to_judge=False,
    ),
    Question(
        "servicing_facility", "request", Kind.TEXT, "Servicing facility (where the infusion is given)",
        short="Servicing facility", max_length=200,
        to_judge=False,
    ),
    Question(
        "servicing_npi", "request", Kind.TEXT, "Servicing facility NPI", max_length=10,
        help="The facility's 10-digit National Provider Identifier.",
        attrs=(("inputmode", "numeric"), ("maxlength", "10")),
        to_judge=False,
    ),
    Question(
        "planned_date_of_service", "request", Kind.DATE, "Date of service", short="Date of service",
        help="The planned date, or for a post-service request the date it was given. Coverage is judged "
        "against the policy version in effect on this date.",
    ),
    Question(
        "urgency", "request", Kind.CHOICE, "Urgency",
        choices=(Choice(Urgency.STANDARD.value, "Standard"), Choice(Urgency.URGENT.value, "Urgent / expedited")),
        help="Urgent (Medicare: expedited) requests are due in 72 hours; standard ones in 15 calendar "
        "days (commercial) or 7 (Medicare Advantage).",
    ),
    Question(
        "diagnosis_codes", "request", Kind.CODES, "Diagnosis (ICD-10-CM codes)", short="Diagnosis",
        help="One or more billable codes, separated by commas or spaces, e.g. C92.02.",
    ),
    # Transplant
    Question(
        "had_transplant", "transplant", Kind.YES_NO,
        "Has the member had a hematopoietic stem cell transplant (HSCT)?", short="Stem cell transplant (HSCT)",
    ),
    Question(
        "transplant_type", "transplant", Kind.CHOICE, "Type of transplant", when=(Is("had_transplant", YES),),
        choices=(
            Choice(ALLOGENEIC, "Allogeneic (from a donor)"),
            Choice(TransplantType.AUTOLOGOUS.value, "Autologous (the member's own cells)"),
        ),
    ),
    Question("transplant_date", "transplant", Kind.DATE, "Date of the transplant", when=(Is("had_transplant", YES),)),
    Question(
        "same_donor", "transplant", Kind.YES_NO, "Will the cells come from the same donor as the transplant?",
        short="Same donor as the transplant", when=(Is("transplant_type", ALLOGENEIC),),
        help="The policy states that the donor source for DLI and HPC boost is the same as that for the "
        "transplant.",
    ),
    # Indication
    Question(
        "hematologic_malignancy", "indication", Kind.YES_NO,
        "Is the disease being treated a hematologic malignancy (a cancer of the blood or bone marrow)?",
        short="Hematologic malignancy", when=(Is("service", DLI),),
    ),
    Question(
        "indication", "indication", Kind.CHOICE, "Indication", when=(Is("service", DLI, HPC),),
        choices=(
            Choice(Indication.RELAPSED.value, "Relapsed disease", when=(Is("service", DLI),)),
            Choice(Indication.PERSISTENT.value, "Persistent disease", when=(Is("service", DLI),)),
            Choice(Indication.REFRACTORY.value, "Refractory disease", when=(Is("service", DLI),)),
            Choice(Indication.HIGH_RISK_OF_RELAPSE.value, "High risk of relapse", when=(Is("service", DLI),)),
            Choice(
                Indication.PROMOTE_ENGRAFTMENT.value, "Promote engraftment (poor graft function)",
                when=(Is("service", HPC),),
            ),
            # Donor chimerism is measured only after an allogeneic transplant.
            Choice(
                Indication.ENHANCE_CHIMERISM.value, "Enhance donor chimerism",
                when=(Is("service", HPC), Is("transplant_type", ALLOGENEIC)),
            ),
            Choice(Indication.OTHER.value, "Another reason"),
        ),
    ),
    Question(
        "indication_detail", "indication", Kind.LONG_TEXT, "Describe the other reason", short="Other reason",
        when=(Is("indication", Indication.OTHER.value),), max_length=2000,
    ),
    Question(
        "graft_function_evidence", "indication", Kind.CHOICES, "Evidence of poor graft function",
        when=(Is("indication", Indication.PROMOTE_ENGRAFTMENT.value),), help="Tick all that apply.",
        choices=(
            Choice("persistent_cytopenias", "Persistent cytopenias"),
            Choice("transfusion_dependence", "Transfusion dependence"),
        ),
    ),
    Question(
        "donor_chimerism_percent", "indication", Kind.DECIMAL, "Donor chimerism (% donor cells)",
        short="Donor chimerism", when=FOR_CHIMERISM,
        minimum=Decimal(0), maximum=Decimal(100), decimal_places=1, unit="% donor cells",
        help="From 0 to 100, one decimal place, e.g. 85.5.", attrs=(("inputmode", "decimal"),),
    ),
    Question(
        "chimerism_study_date", "indication", Kind.DATE, "Date of the chimerism study",
        when=FOR_CHIMERISM,
    ),
    Question(
        "chimerism_specimen", "indication", Kind.CHOICE, "Specimen tested", short="Specimen tested",
        when=FOR_CHIMERISM,
        choices=(
            Choice("peripheral_blood", "Peripheral blood"),
            Choice("bone_marrow", "Bone marrow"),
            Choice("t_cell_fraction", "T-cell fraction"),
            Choice("other", "Other"),
        ),
    ),
)

BY_NAME: dict[str, Question] = {q.name: q for q in QUESTIONS}
STEPS: tuple[Step, ...] = tuple(
    Step(slug, title, tuple(q.name for q in QUESTIONS if q.step == slug))
    for slug, title in (("request", "Request"), ("transplant", "Transplant"), ("indication", "Indication"), ("summary", "Summary"))
)
STEP_SLUGS = tuple(s.slug for s in STEPS)
STEP_OF_FIELD = {q.name: q.step for q in QUESTIONS}


def _check_table() -> None:
    """Conditions look back: a question's hang on earlier questions, a choice's on earlier steps
    (a step's form offers its choices as the earlier steps left them)."""
    seen: set[str] = set()
    for q in QUESTIONS:
        assert q.name not in seen, f"{q.name} twice"
        for c in q.when:
            assert c.field in seen, f"{q.name} hangs on {c.field}, which is not asked before it"
        for choice in q.choices:
            for c in choice.when:
                assert c.field in seen and STEP_SLUGS.index(STEP_OF_FIELD[c.field]) < STEP_SLUGS.index(q.step), (
                    f"{q.name}={choice.value} hangs on {c.field}, which is not asked in an earlier step"
                )
        assert (q.kind in (Kind.CHOICE, Kind.CHOICES)) == bool(q.choices), f"{q.name}: choices and kind disagree"
        seen.add(q.name)


_check_table()


# --- Which questions apply -------------------------------------------------------------------------


def is_answered(value: object) -> bool:
    return value not in (None, "", [], ())


def offered(name: str, answers: Mapping) -> tuple[Choice, ...]:
    """The choices of question `name` offered given the other answers."""
    return tuple(c for c in BY_NAME[name].choices if all(holds(i, answers) for i in c.when))


def counts(name: str, answers: Mapping) -> bool:
    """Whether the answer to `name` stands: it is asked, and a choice answer is one still offered."""
    if not applies(name, answers):
        return False
    q = BY_NAME[name]
    value = answers.get(name)
    if q.kind is Kind.CHOICE and is_answered(value):
        return value in {c.value for c in offered(name, answers)}
    return True


def holds(condition: Is, answers: Mapping) -> bool:
    return counts(condition.field, answers) and answers.get(condition.field) in condition.values


def applies(name: str, answers: Mapping) -> bool:
    """Whether question `name` is asked, given the other answers."""
    return all(holds(c, answers) for c in BY_NAME[name].when)


def without_inapplicable(answers: Mapping) -> dict:
    """The answers with every answer that does not count cleared (in table order, so clearing an
    earlier one clears what hangs on it)."""
    result = dict(answers)
    for q in QUESTIONS:
        if is_answered(result.get(q.name)) and not counts(q.name, result):
            result[q.name] = q.empty
    return result


def cleared_fields(before: Mapping, after: Mapping) -> list[str]:
    return [q.name for q in QUESTIONS if is_answered(before.get(q.name)) and not is_answered(after.get(q.name))]


def missing(answers: Mapping, *, to_judge: bool = False) -> list[str]:
    """Required questions that are asked but not answered yet, in the order they are asked; with
    `to_judge`, only those the criteria are judged on."""
    return [
        q.name for q in QUESTIONS
        if q.required and (q.to_judge or not to_judge) and applies(q.name, answers) and not is_answered(answers.get(q.name))
    ]


def complete_steps(answers: Mapping) -> frozenset[str]:
    """The questionnaire steps whose required questions are all answered, as are every earlier
    step's (a later step's questions hang on the earlier answers)."""
    gaps = {STEP_OF_FIELD[name] for name in missing(answers)}
    done: set[str] = set()
    for step in STEP_SLUGS[:-1]:  # the summary asks nothing
        if step in gaps:
            break
        done.add(step)
    return frozenset(done)


# --- What a step's page asks -----------------------------------------------------------------------


def _earlier(field: str, step: str) -> bool:
    return STEP_SLUGS.index(STEP_OF_FIELD[field]) < STEP_SLUGS.index(step)


def may_apply(name: str, answers: Mapping) -> bool:
    """Whether question `name` can be asked on its step's page, given the earlier steps' answers:
    its conditions on earlier steps hold, and those on its own step can still come true."""
    step = BY_NAME[name].step
    for c in BY_NAME[name].when:
        if _earlier(c.field, step):
            if not holds(c, answers):
                return False
        elif not may_apply(c.field, answers) or (
            BY_NAME[c.field].choices and not {ch.value for ch in offered(c.field, answers)} & set(c.values)
        ):
            return False
    return True


def asked_on(step: str, answers: Mapping) -> tuple[Question, ...]:
    """The questions of a step's page, as the earlier steps' answers leave them."""
    return tuple(q for q in QUESTIONS if q.step == step and may_apply(q.name, answers))


def show_when(name: str) -> str:
    """The page script's condition for showing question `name` (data-show-when): its conditions
    on questions of the same page, as JSON pairs of a field and the values it posts. Empty when
    the question does not depend on its own page."""
    q = BY_NAME[name]
    same_page = [[c.field, [_posted(v) for v in c.values]] for c in q.when if not _earlier(c.field, q.step)]
    return json.dumps(same_page) if same_page else ""


def _posted(value) -> str:
    """A value as an HTML form posts it (Django's radio for True posts "True")."""
    return str(value)


def describe(name: str) -> str:
    """When question `name` is asked, in words: "indication is enhance_chimerism, service is
    hpc_boost and transplant_type is allogeneic" (the choice's own condition included)."""
    parts: list[str] = []
    for c in BY_NAME[name].when:
        parts.append(f"{c.field} is {' or '.join(_posted(v) for v in c.values)}")
        for choice in BY_NAME[c.field].choices:
            if choice.value in c.values:
                parts += [f"{i.field} is {' or '.join(map(_posted, i.values))}" for i in choice.when]
    return ", ".join(parts[:-1]) + " and " + parts[-1] if len(parts) > 1 else "".join(parts)


def choice_label(name: str, value) -> str:
    return next((c.label for c in BY_NAME[name].choices if c.value == value), str(value))


def unanswered_before(step: str, answers: Mapping) -> list[str]:
    """The earlier steps' questions that this step's questions and choices hang on (directly or
    through one another), asked but not answered yet: the step cannot be shown before them."""
    wanted: set[str] = set()
    todo = [
        c.field
        for q in QUESTIONS
        if q.step == step
        for c in (*q.when, *(i for choice in q.choices for i in choice.when))
    ]
    while todo:
        field = todo.pop()
        if field not in wanted:
            wanted.add(field)
            todo += [c.field for c in BY_NAME[field].when]
    return [
        q.name
        for q in QUESTIONS
        if q.name in wanted and _earlier(q.name, step) and applies(q.name, answers)
        and not is_answered(answers.get(q.name))
    ]


def answer_label(name: str, value) -> str:
    """An answer as people read it: "Yes", a choice's label, or the value."""
    if BY_NAME[name].kind is Kind.YES_NO:
        return "Yes" if value else "No"
    return choice_label(name, value)


def asked_when(name: str) -> str:
    """For the page without its script: when question `name` is asked, if that hangs on an answer
    of its own page ("Asked when “Type of transplant” is Allogeneic (from a donor).")."""
    q = BY_NAME[name]
    parts = [
        f"\u201c{BY_NAME[c.field].name_in_text}\u201d is {' or '.join(answer_label(c.field, v) for v in c.values)}"
        for c in q.when
        if not _earlier(c.field, q.step)
    ]
    return f"Asked when {' and '.join(parts)}." if parts else ""
