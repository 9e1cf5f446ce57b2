"""The question table (lib/questions.py) is the one definition of what is asked when: for every
combination of the answers that control the others, the step forms, the page's show/hide
attributes, the clearing of answers and the rules engine agree with it, and with the policy."""

import datetime as dt
import itertools
import json
from decimal import Decimal

import pytest

from coverage_app.forms import STEP_FORMS
from coverage_app.lib import questions, rules

SERVICES = ["", "dli", "hpc_boost"]
TRANSPLANTS = [(None, ""), (False, ""), (True, ""), (True, "allogeneic"), (True, "autologous")]
INDICATIONS = ["", *(i.value for i in rules.Indication)]
COMBINATIONS = list(itertools.product(SERVICES, TRANSPLANTS, INDICATIONS))

# Every other question answered, so that clearing has something to clear.
EVERYTHING_ELSE = {
    "member_name": "A B", "member_id": "M1", "member_date_of_birth": dt.date(1970, 1, 1),
    "line_of_business": "commercial", "requesting_provider": "Dr C", "provider_npi": "1234567893",
    "planned_date_of_service": dt.date(2026, 12, 1), "urgency": "standard", "diagnosis_codes": ["C92.02"],
    "member_address_line1": "1 Main St", "member_address_line2": "", "member_city": "Chicago",
    "member_state": "IL", "member_zip": "60601", "request_type": "pre_service", "units_requested": 1,
    "servicing_facility": "Riverside", "servicing_npi": "1245319599",
    "transplant_date": dt.date(2025, 1, 1), "same_donor": True, "hematologic_malignancy": True,
    "indication_detail": "Why", "graft_function_evidence": ["persistent_cytopenias"],
    "donor_chimerism_percent": Decimal("50"), "chimerism_study_date": dt.date(2025, 6, 1),
    "chimerism_specimen": "bone_marrow",
}


def answers_for(service, transplant, indication) -> dict:
    had, kind = transplant
    return {**EVERYTHING_ELSE, "service": service, "had_transplant": had, "transplant_type": kind, "indication": indication}


def policy_asks(name: str, a: dict) -> bool | None:
    """What the policy and the questionnaire's design say, written out independently of the table
    for the questions that hang on others (None: not a dependent question)."""
    allo = a["had_transplant"] is True and a["transplant_type"] == "allogeneic"
    dli, hpc = a["service"] == "dli", a["service"] == "hpc_boost"
    offered = {
        "": False,
        "relapsed": dli, "persistent": dli, "refractory": dli, "high_risk_of_relapse": dli,
        "promote_engraftment": hpc, "enhance_chimerism": hpc and allo, "other": dli or hpc,
    }
    indication = a["indication"] if offered[a["indication"]] else ""
    return {
        "transplant_type": a["had_transplant"] is True,
        "transplant_date": a["had_transplant"] is True,
        "same_donor": allo,
        "hematologic_malignancy": dli,
        "indication": dli or hpc,
        "indication_detail": indication == "other",
        "graft_function_evidence": indication == "promote_engraftment",
        "donor_chimerism_percent": indication == "enhance_chimerism",
        "chimerism_study_date": indication == "enhance_chimerism",
        "chimerism_specimen": indication == "enhance_chimerism",
    }.get(name)


def shown_by_script(show_when: str, posted: dict) -> bool:
    """static/js/questionnaire.js's test, on the values the page would post."""
    return all(any(v in wanted for v in posted.get(name, [])) for name, wanted in json.loads(show_when))


def as_posted(value) -> list[str]:
    if value in (None, "", []):
        return []
    return [str(v) for v in value] if isinstance(value, list) else [str(value)]


@pytest.mark.parametrize("service, transplant, indication", COMBINATIONS)
def test_the_table_the_policy_the_clearing_and_the_forms_agree(db, service, transplant, indication):
    answers = questions.without_inapplicable(answers_for(service, transplant, indication))
    for q in questions.QUESTIONS:
        asked = questions.applies(q.name, answers)
        expected = policy_asks(q.name, answers_for(service, transplant, indication))
        if expected is not None:
            assert asked is expected, q.name
        # Clearing: an answer stands only where its question is asked.
        if not asked:
            assert not questions.is_answered(answers[q.name]), q.name

    for step, form_class in STEP_FORMS.items():
        # A step's page as the earlier steps left it, and what its script shows with this step's answers.
        earlier = {k: v for k, v in answers.items() if questions.STEP_SLUGS.index(questions.STEP_OF_FIELD[k])
                   < questions.STEP_SLUGS.index(step)}
        form = form_class(answers=earlier)
        posted = {name: as_posted(answers[name]) for name in form.fields}
        for q in (q for q in questions.QUESTIONS if q.step == step):
            asked = questions.applies(q.name, answers)
            if asked:
                assert q.name in form.fields, (step, q.name)
            if q.name in form.fields:
                field = form.fields[q.name]
                visible = not field.show_when or shown_by_script(field.show_when, posted)
                assert visible is asked, (step, q.name)
                if q.kind is questions.Kind.CHOICE:
                    assert [v for v, _ in field.choices] == [c.value for c in questions.offered(q.name, earlier)]


@pytest.mark.parametrize("service, transplant, indication", [
    c for c in COMBINATIONS if c[0] and c[2] and c[1][0] is not None and (c[1][0] is False or c[1][1])
])
def test_the_rules_engine_keeps_exactly_the_answers_the_table_asks_for(service, transplant, indication):
    answers = answers_for(service, transplant, indication)
    case = rules.applicable(rules.Case(
        service=rules.Service(service),
        transplant_type=rules.TransplantType(transplant[1]) if transplant[0] else rules.TransplantType.NONE,
        indication=rules.Indication(indication),
        hematologic_malignancy=True, donor_chimerism_percent=Decimal("50"), same_donor=True,
    ))
    for name in rules.CONDITIONAL:
        assert (getattr(case, name) is not None) is questions.applies(name, answers), name


def test_the_chimerism_condition_is_written_once():
    # The allogeneic transplant and the HPC boost are the chimerism choice's, and only its.
    hanging_on_allogeneic = [
        (q.name, c.value) for q in questions.QUESTIONS for c in q.choices
        if any(i.field == "transplant_type" for i in c.when)
    ]
    assert hanging_on_allogeneic == [("indication", "enhance_chimerism")]
    assert [q.name for q in questions.QUESTIONS if any(i.values == ("enhance_chimerism",) for i in q.when)] == [
        "donor_chimerism_percent", "chimerism_study_date", "chimerism_specimen"]


def test_one_set_of_labels_serves_the_form_and_the_summary(db):
    from coverage_app.presenters import display

    form = STEP_FORMS["transplant"](answers={})
    assert form.fields["had_transplant"].label == questions.BY_NAME["had_transplant"].label
    assert questions.BY_NAME["had_transplant"].name_in_text == "Stem cell transplant (HSCT)"
    assert display(questions.BY_NAME["donor_chimerism_percent"], Decimal("85.50")) == "85.5% donor cells"
    assert display(questions.BY_NAME["transplant_type"], "allogeneic") == "Allogeneic (from a donor)"
