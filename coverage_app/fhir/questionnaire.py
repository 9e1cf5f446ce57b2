"""DTR (HL7 Da Vinci Documentation Templates and Rules, STU 2.x): the policy's questions as a FHIR R4
Questionnaire, the $questionnaire-package operation, and answers read back from a
QuestionnaireResponse. Pure: no database. Generated from lib/questions.py, never copied from it.

What the Questionnaire asks. The Claim carries the request step (member, provider, CPT code, date
of service); the Questionnaire asks the rest: the transplant and indication steps, plus `service`
(dli / hpc_boost), because the indication step's questions and options depend on it and
enableWhen can only refer to an item of the Questionnaire. Items are grouped by step; a group's
linkId is "step-<slug>" (the bare slug would clash: "indication" is a step and a question), a
question's linkId is the table's name. Coded answers use one code system, CODE_SYSTEM, whose codes
are the table's choice values.

transplant_type. The web form asks had_transplant (yes/no), then transplant_type
(allogeneic/autologous); the determine contract codes it as allogeneic / autologous / none. The
Questionnaire asks the contract's single question: FOLDS below says which web answers each code
stands for. The table is read both ways: a condition on had_transplant or transplant_type becomes
an enableWhen on transplant_type's codes (had_transplant = yes: allogeneic or autologous), and an
answer read back becomes the web answers.

Conditions. A question's `when` is a conjunction of `Is`; R4 enableWhen is either a conjunction
(enableBehavior all) or a disjunction (any) of single comparisons, so a `when` of one `Is` with
several values, or of several single-valued `Is`, is encoded exactly. None of the table's questions
has several `Is` one of which is multi-valued (that AND of ORs would need the SDC
enableWhenExpression, a FHIRPath, which the DTR Standard Questionnaire marks must-support);
building such an item raises instead of emitting a wrong enableWhen, so a table change that needs
it fails the tests. An R4 enableWhen on a disabled item counts as unanswered, as the table's
condition on a question that is not asked does.

Options offered only on a condition (Choice.when: the DLI indications, promote engraftment for an
HPC boost, enhance chimerism for an HPC boost after an allogeneic transplant). An R4 answerOption
is unconditional. SDC's answerOptionsToggleExpression could switch them, but the DTR Standard
Questionnaire allows it once per item and `indication` has three different conditions. So:
(1) each such option's display states its condition ("... — only when “Service requested” is
..."); (2) the condition of a question that hangs on such an option carries the option's condition
too (the chimerism questions are enabled only for enhance_chimerism AND hpc_boost AND allogeneic),
exactly as the web form's "counts"; (3) answers_from_response refuses an option that is not offered
given the response's other answers (`questions.offered`), naming the valueCoding. It checks only a
question the response's answers ask: an answer to a disabled item is passed on, and the caller's
questions.without_inapplicable clears it, as the web form does.

One code system holds every item's codes, so "other" (indication, chimerism_specimen) is one code
in it; an answer is always read against its own item's options.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from fhir.resources.R4B.parameters import Parameters
from fhir.resources.R4B.questionnaireresponse import QuestionnaireResponse
from pydantic import ValidationError

from coverage_app.fhir.outcome import FhirError, Issue, from_validation_error
from coverage_app.lib import questions
from coverage_app.lib.questions import BY_NAME, STEPS, Is, Kind, Question
from coverage_app.lib.vocabulary import CPT_CODES, TransplantType

QUESTIONNAIRE_ID = "policy-0261"
TITLE = "Medical Coverage Policy 0261: Donor lymphocyte infusion (DLI, CPT 38242) and HPC boost (CPT 38243)"
# The app's codes (the question table's choice values), as one FHIR code system.
CODE_SYSTEM = "https://coverage-review.example/fhir/CodeSystem/policy-0261"

DTR = "http://hl7.org/fhir/us/davinci-dtr/StructureDefinition"
DTR_STD_QUESTIONNAIRE = f"{DTR}/dtr-std-questionnaire"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
MAX_DECIMAL_PLACES = "http://hl7.org/fhir/StructureDefinition/maxDecimalPlaces"
CPT = "http://www.ama-assn.org/go/cpt"
# The output parameter's name in DTR 2.2 (STU 2.0 and 2.1 called it "PackageBundle").
PACKAGE_BUNDLE = "packagebundle"

# The steps the Questionnaire asks, and the one question of another step it asks as well.
ASKED_STEPS = ("transplant", "indication")
ALSO_ASKED = ("service",)

# Web questions the Questionnaire asks as one item: item linkId -> {code: the web answers it stands for}.
FOLDS: dict[str, dict[str, dict]] = {
    "transplant_type": {
        TransplantType.ALLOGENEIC.value: {"had_transplant": True, "transplant_type": TransplantType.ALLOGENEIC.value},
        TransplantType.AUTOLOGOUS.value: {"had_transplant": True, "transplant_type": TransplantType.AUTOLOGOUS.value},
        TransplantType.NONE.value: {"had_transplant": False, "transplant_type": ""},
    },
}
# What the folded item says where the web form's questions have no words of their own.
FOLD_TEXT = {
    "transplant_type": "Has the member had a hematopoietic stem cell transplant (HSCT)? If so, of which type?",
}
FOLD_LABELS = {("transplant_type", TransplantType.NONE.value): "No stem cell transplant"}
FOLDED_INTO = {field: item for item, codes in FOLDS.items() for web in codes.values() for field in web}

# Kind -> (item type, the answer's value[x]). R4 has no "coding" item type: a coded answer is "choice".
TYPES = {
    Kind.YES_NO: ("boolean", "valueBoolean"),
    Kind.CHOICE: ("choice", "valueCoding"),
    Kind.CHOICES: ("choice", "valueCoding"),
    Kind.DATE: ("date", "valueDate"),
    Kind.DECIMAL: ("decimal", "valueDecimal"),
    Kind.NUMBER: ("integer", "valueInteger"),
    Kind.TEXT: ("string", "valueString"),
    Kind.LONG_TEXT: ("text", "valueString"),
}


def _folded(link_id: str) -> tuple[str, ...]:
    """The web questions an item asks, in the table's order (an item not folded: its own)."""
    return tuple(q.name for q in questions.QUESTIONS if FOLDED_INTO.get(q.name, q.name) == link_id)


def _asks(link_id: str) -> Question:
    """The table's question whose wording and required flag an item takes: a folded item's first
    web question (had_transplant). Its kind and choices are always those of the web question of its
    own name (transplant_type)."""
    return BY_NAME[_folded(link_id)[0]]


def _asked() -> tuple[tuple[str, str, tuple[str, ...]], ...]:
    """(group linkId, step title, the step's item linkIds), in the table's order."""
    groups = []
    for step in STEPS:
        links: list[str] = []
        for name in step.fields:
            if step.slug in ASKED_STEPS or name in ALSO_ASKED:
                link = FOLDED_INTO.get(name, name)
                if link not in links:
                    links.append(link)
        if links:
            groups.append((f"step-{step.slug}", step.title, tuple(links)))
    return tuple(groups)


GROUPS = _asked()
GROUP_IDS = frozenset(group for group, _, _ in GROUPS)
ITEMS: tuple[str, ...] = tuple(link for _, _, links in GROUPS for link in links)


# --- Codes, conditions -------------------------------------------------------------------------


def _options(link_id: str) -> dict[str, questions.Choice]:
    """An item's options by code: the table's choices (a folded item's codes get theirs)."""
    if link_id in FOLDS:
        own = {c.value: c for c in BY_NAME[link_id].choices}
        return {code: own.get(code) or questions.Choice(code, FOLD_LABELS[(link_id, code)]) for code in FOLDS[link_id]}
    return {c.value: c for c in BY_NAME[link_id].choices}


def _fhir_conditions(condition: Is) -> list[tuple[str, tuple]]:
    """A table condition as (linkId, values) pairs that must all hold. A folded web question is a
    condition on its item's codes; a condition on a choice carries the choice's own condition (the
    web form counts an answer only while its choice is offered; an R4 answerOption always is)."""
    link = FOLDED_INTO.get(condition.field, condition.field)
    if link not in ITEMS:
        raise ValueError(f"a condition hangs on {condition.field}, which the Questionnaire does not ask")
    values = condition.values
    if link in FOLDS:
        values = tuple(code for code, web in FOLDS[link].items() if web[condition.field] in condition.values)
    inherited = {c.when for c in BY_NAME[condition.field].choices if c.value in condition.values}
    if len(inherited) > 1:
        raise ValueError(f"{condition} holds on choices with different conditions: needs an enableWhenExpression")
    result = [(link, values)]
    for i in inherited.pop() if inherited else ():
        result += _fhir_conditions(i)
    return result


def _conjunction(when: tuple[Is, ...]) -> list[tuple[str, tuple]]:
    """The conditions of `when` by item, each item once (values that must all hold intersect)."""
    merged: dict[str, tuple] = {}
    for condition in when:
        for link, values in _fhir_conditions(condition):
            merged[link] = tuple(v for v in merged[link] if v in values) if link in merged else values
            if not merged[link]:
                raise ValueError(f"{when} can never hold")
    return list(merged.items())


def _item_when(link_id: str) -> tuple[Is, ...]:
    """The table's condition of an item (a folded item: its web questions' conditions on others)."""
    folded = _folded(link_id)
    return tuple(c for f in folded for c in BY_NAME[f].when if c.field not in folded)


def _coding(link_id: str, code: str) -> dict:
    choice = _options(link_id)[code]
    display = choice.label
    if choice.when:  # stated where the clinician reads it: R4 cannot make an option conditional
        display += " \u2014 only when " + " and ".join(
            f"\u201c{BY_NAME[link].name_in_text}\u201d is "
            + " or ".join(f"\u201c{_options(link)[v].label}\u201d" for v in values)
            for link, values in _conjunction(choice.when)
        )
    return {"system": CODE_SYSTEM, "code": code, "display": display}


def _answer(link_id: str, value) -> dict:
    kind = BY_NAME[link_id].kind
    if kind is Kind.YES_NO:
        return {"answerBoolean": value}
    if kind in (Kind.CHOICE, Kind.CHOICES):
        return {"answerCoding": _coding(link_id, value)}
    raise ValueError(f"a condition on {link_id} ({kind}) has no enableWhen encoding here")


def enable_when(link_id: str, when: tuple[Is, ...] | None = None) -> dict:
    """The enableWhen (and enableBehavior) of an item, from the table's condition (or `when`)."""
    conditions = _conjunction(_item_when(link_id) if when is None else when)
    if len(conditions) > 1 and any(len(values) > 1 for _, values in conditions):
        raise ValueError(f"{link_id}: an AND of ORs needs the SDC enableWhenExpression, which is not built here")
    entries = [{"question": link, "operator": "=", **_answer(link, v)} for link, values in conditions for v in values]
    if not entries:
        return {}
    behavior = {"enableBehavior": "any" if len(conditions) == 1 else "all"} if len(entries) > 1 else {}
    return {"enableWhen": entries, **behavior}


# --- The Questionnaire ---------------------------------------------------------------------------


def _number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def _item(link_id: str) -> dict:
    q = _asks(link_id)
    kind = BY_NAME[link_id].kind
    item_type, value_key = TYPES[kind]
    item = {"linkId": link_id, "text": FOLD_TEXT.get(link_id, q.label), "type": item_type, "required": q.required}
    if kind is Kind.CHOICES:
        item["repeats"] = True
    item.update(enable_when(link_id))
    if kind in (Kind.TEXT, Kind.LONG_TEXT) and q.max_length:
        item["maxLength"] = q.max_length
    extensions = []
    if kind in (Kind.DECIMAL, Kind.NUMBER):
        bound = "valueDecimal" if kind is Kind.DECIMAL else "valueInteger"
        extensions += [{"url": MIN_VALUE, bound: _number(q.minimum)}, {"url": MAX_VALUE, bound: _number(q.maximum)}]
    if kind is Kind.DECIMAL:
        extensions.append({"url": MAX_DECIMAL_PLACES, "valueInteger": q.decimal_places})
    if extensions:
        item["extension"] = extensions
    if value_key == "valueCoding":
        item["answerOption"] = [{"valueCoding": _coding(link_id, code)} for code in _options(link_id)]
    return item


def questionnaire(canonical: str) -> dict:
    """The policy's Questionnaire (FHIR R4 JSON), whose url is `canonical`."""
    return {
        "resourceType": "Questionnaire",
        "id": QUESTIONNAIRE_ID,
        "meta": {"profile": [DTR_STD_QUESTIONNAIRE]},
        "url": canonical,
        "name": "Policy0261",
        "title": TITLE,
        "status": "active",
        "subjectType": ["Patient"],
        "item": [
            {"linkId": group, "text": title, "type": "group", "item": [_item(link) for link in links]}
            for group, title, links in GROUPS
        ],
    }


questionnaire("urn:check")  # a table change the Questionnaire cannot encode fails at import, as _check_table does


# --- $questionnaire-package ---------------------------------------------------------------------


def _ours(value: str, canonical: str | None) -> bool:
    """Whether a canonical (url, or url|version: this Questionnaire has one version) names ours;
    without `canonical`, any server's .../Questionnaire/policy-0261."""
    url = value.split("|", 1)[0]
    if canonical is not None:
        return url == canonical.split("|", 1)[0]
    return url == f"Questionnaire/{QUESTIONNAIRE_ID}" or url.endswith(f"/Questionnaire/{QUESTIONNAIRE_ID}")


def questionnaire_package(canonical: str, parameters: dict | None = None) -> dict:
    """The $questionnaire-package output: Parameters whose "packagebundle" is a collection Bundle
    of the Questionnaire and a draft QuestionnaireResponse (DTR requires one) for the member of the
    input's coverage, with the service pre-filled from an order's CPT code. `parameters`, the
    operation's input (coverage, order, questionnaire, context, changedsince), may be None."""
    coverage, orders = None, []
    if parameters is not None:
        if not isinstance(parameters, dict) or parameters.get("resourceType") != "Parameters":
            raise FhirError.one("invalid", "The input of $questionnaire-package must be a Parameters resource.")
        try:
            Parameters.model_validate(parameters)
        except ValidationError as e:
            raise from_validation_error("Parameters", e) from None
        for i, parameter in enumerate(parameters.get("parameter") or []):
            at = f"Parameters.parameter[{i}]"
            name, resource = parameter.get("name"), parameter.get("resource")
            if name == "questionnaire":
                value = parameter.get("valueCanonical")
                if value is None:
                    raise FhirError.one("invalid", "The questionnaire parameter takes a valueCanonical.", at)
                if not _ours(value, canonical):
                    raise FhirError.one(
                        "not-found", f"No questionnaire {value}: this server has {canonical}.", f"{at}.valueCanonical", status=404
                    )
            elif name == "coverage":
                if not resource or resource.get("resourceType") != "Coverage":
                    raise FhirError.one("invalid", "The coverage parameter takes a Coverage resource.", f"{at}.resource")
                coverage = resource
            elif name == "order" and resource:
                orders.append(resource)
            # context and changedsince: accepted; there is one Questionnaire, whatever they say.
    bundle = {
        "resourceType": "Bundle",
        "type": "collection",
        "entry": [
            {"fullUrl": canonical, "resource": questionnaire(canonical)},
            {"resource": _draft_response(canonical, coverage, orders)},
        ],
    }
    return {"resourceType": "Parameters", "parameter": [{"name": PACKAGE_BUNDLE, "resource": bundle}]}


def _draft_response(canonical: str, coverage: dict | None, orders: list[dict]) -> dict:
    response = {"resourceType": "QuestionnaireResponse", "questionnaire": canonical, "status": "in-progress"}
    extensions = []
    if coverage:
        if coverage.get("beneficiary"):
            response["subject"] = coverage["beneficiary"]
        if coverage.get("id"):
            extensions.append({"url": f"{DTR}/qr-coverage", "valueReference": {"reference": f"Coverage/{coverage['id']}"}})
    extensions += [
        {"url": f"{DTR}/qr-context", "valueReference": {"reference": f"{o['resourceType']}/{o['id']}"}}
        for o in orders if o.get("id")
    ]
    if extensions:
        response["extension"] = extensions
    by_cpt = {cpt: service.value for service, cpt in CPT_CODES.items()}
    services = {
        by_cpt[c.get("code")]
        for o in orders for c in (o.get("code") or {}).get("coding") or []
        if c.get("system") == CPT and c.get("code") in by_cpt
    }
    if len(services) == 1:  # the order says which service: the clinician need not say it again
        group, title, _ = next(g for g in GROUPS if "service" in g[2])
        origin = {"url": f"{DTR}/information-origin", "extension": [{"url": "source", "valueCode": "auto-server"}]}
        answer = {"valueCoding": _coding("service", services.pop()), "extension": [origin]}
        response["item"] = [{"linkId": group, "text": title, "item": [
            {"linkId": "service", "text": BY_NAME["service"].label, "answer": [answer]}
        ]}]
    return response


# --- Answers read back -----------------------------------------------------------------------------


def answers_from_response(qr: dict, expression_root: str = "QuestionnaireResponse", *, canonical: str | None = None,
                          validated: bool = False) -> dict:
    """The answers of a QuestionnaireResponse to this Questionnaire, keyed and valued as the web
    form's (lib/questions.py): bool, datetime.date, Decimal, int, str, a choice's code, a list of
    codes; transplant_type becomes had_transplant (+ transplant_type). Unanswered items are absent:
    completeness is the caller's business. `expression_root` is the FHIRPath of the response in the
    caller's document ("Bundle.entry[3].resource"); each problem raises as one Issue whose
    expression builds on it. `canonical`: the Questionnaire's url, if the caller knows it.
    `validated`: the caller has validated it as FHIR R4 already (inside its Bundle)."""
    if not isinstance(qr, dict) or qr.get("resourceType") != "QuestionnaireResponse":
        raise FhirError.one("invalid", "Expected a QuestionnaireResponse.", expression_root)
    if not validated:
        try:
            QuestionnaireResponse.model_validate(qr)
        except ValidationError as e:
            raise from_validation_error(expression_root, e) from None
    issues: list[Issue] = []
    if not qr.get("questionnaire"):
        issues.append(Issue("required", f"The response must name its questionnaire, {QUESTIONNAIRE_ID}.", f"{expression_root}.questionnaire"))
    elif not _ours(qr["questionnaire"], canonical):
        issues.append(Issue(
            "not-found", f"The response answers {qr['questionnaire']}, not the questionnaire {QUESTIONNAIRE_ID}.",
            f"{expression_root}.questionnaire",
        ))
    found: dict[str, list[tuple[object, str]]] = {}  # linkId -> [(the value, the FHIRPath of its value[x])]
    _walk(qr.get("item") or [], expression_root, found, issues)

    answers: dict = {}
    for link, values in found.items():
        if not values:
            continue
        if link in FOLDS:
            answers.update(FOLDS[link][values[0][0]])
        else:
            answers[link] = [v for v, _ in values] if BY_NAME[link].kind is Kind.CHOICES else values[0][0]
    for link, values in found.items():  # a choice counts only while offered: see the module's note
        if BY_NAME[link].kind in (Kind.CHOICE, Kind.CHOICES) and questions.applies(link, answers):
            offered = {c.value for c in questions.offered(link, answers)}
            for value, path in values:
                code = FOLDS[link][value][link] if link in FOLDS else value
                if code and code not in offered:
                    issues.append(Issue("business-rule", f"{_coding(link, value)['display']!r} is not an answer to "
                                        f"{link!r} with the response's other answers.", path))
    if issues:
        raise FhirError(issues)
    return answers


def _walk(items: list, path: str, found: dict, issues: list[Issue]) -> None:
    """Collects each question item's values into `found`, walking groups (and anything nested)."""
    for i, item in enumerate(items):
        at = f"{path}.item[{i}]"
        link = item.get("linkId")
        if link in GROUP_IDS:
            if item.get("answer"):
                issues.append(Issue("invalid", f"{link!r} is a group: it has items, not answers.", f"{at}.answer[0]"))
            _walk(item.get("item") or [], at, found, issues)
            continue
        if link not in ITEMS:
            issues.append(Issue("invalid", f"Unknown linkId {link!r}: the questionnaire {QUESTIONNAIRE_ID} has no such item.", f"{at}.linkId"))
            continue
        if link in found:
            issues.append(Issue("invalid", f"The item {link!r} appears twice.", f"{at}.linkId"))
            continue
        answers = item.get("answer") or []
        kind = BY_NAME[link].kind
        if len(answers) > 1 and kind is not Kind.CHOICES:
            issues.append(Issue("invalid", f"The item {link!r} takes one answer, not {len(answers)}.", f"{at}.answer[1]"))
            continue
        values = []
        for j, answer in enumerate(answers):
            value = _value(link, answer, f"{at}.answer[{j}]", issues)
            if value is not None:
                values.append(value)
            _walk(answer.get("item") or [], f"{at}.answer[{j}]", found, issues)  # our questions have no children
        _walk(item.get("item") or [], at, found, issues)
        found[link] = values  # none (unanswered, or only wrong answers): the link is still seen


def _value(link: str, answer: dict, at: str, issues: list[Issue]):
    """An answer's value as the app's, with the path of its value[x]; None (and an issue) if wrong."""
    q = BY_NAME[link]
    kind = q.kind
    key = TYPES[kind][1]
    given = [k for k in answer if k.startswith("value")]
    if not given:
        issues.append(Issue("required", f"An answer to {link!r} needs a {key}.", at))
        return None
    if given[0] != key:
        issues.append(Issue("invalid", f"The item {link!r} takes {key}, not {given[0]}.", f"{at}.{given[0]}"))
        return None
    at, raw = f"{at}.{key}", answer[key]
    if kind is Kind.YES_NO and not isinstance(raw, bool):  # the model lets "false" through, which is truthy
        issues.append(Issue("invalid", f"{link!r} takes true or false, not {raw!r}.", at))
        return None
    if kind is Kind.CHOICE or kind is Kind.CHOICES:
        if raw.get("system") != CODE_SYSTEM or raw.get("code") not in _options(link):
            issues.append(Issue("code-invalid", f"{raw.get('system')}#{raw.get('code')} is not an answer to {link!r}: "
                                f"the options are {', '.join(_options(link))} from {CODE_SYSTEM}.", at))
            return None
        return raw["code"], at
    if kind is Kind.DATE:
        try:
            return dt.date.fromisoformat(str(raw)), at
        except ValueError:
            issues.append(Issue("value", f"{link!r} needs a full date (YYYY-MM-DD), not {raw!r}.", at))
            return None
    if kind in (Kind.DECIMAL, Kind.NUMBER):
        number = Decimal(str(raw))
        if not q.minimum <= number <= q.maximum:
            issues.append(Issue("value", q.range_message, at))
            return None
        if kind is Kind.DECIMAL and -number.normalize().as_tuple().exponent > q.decimal_places:
            issues.append(Issue("value", f"{q.range_message[:-1]}, with at most {q.decimal_places} decimal places.", at))
            return None
        return (number if kind is Kind.DECIMAL else int(number)), at
    if kind in (Kind.TEXT, Kind.LONG_TEXT) and q.max_length and len(raw) > q.max_length:
        issues.append(Issue("too-long", f"{link!r} takes at most {q.max_length} characters.", at))
        return None
    return raw, at
