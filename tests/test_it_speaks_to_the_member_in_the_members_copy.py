"""The member's copy of a letter speaks to the member ("your study showed"), never of "this member":
every reason the rules engine can give, and every item of what could change a decision, read in
the second person once lib.letter_text.to_member has spoken them. Pure: no database."""

import itertools
from decimal import Decimal

from coverage_app.lib import letter_text, rules
from tests.conftest import wording  # noqa: F401  (the criteria wording fixture)


def every_reason(criteria_wording) -> set[str]:
    reasons = set()
    for service, transplant, indication, malignancy, percent in itertools.product(
        rules.Service, rules.TransplantType, rules.Indication, (True, False), (None, Decimal("100"), Decimal("50")),
    ):
        case = rules.Case(
            service=service, transplant_type=transplant, indication=indication, hematologic_malignancy=malignancy,
            donor_chimerism_percent=percent, cpt_code=rules.CPT_CODES[service],
        )
        try:
            reasons.update(rules.evaluate(case, criteria_wording).reasons)
        except rules.InvalidCase:
            continue  # a case the questionnaire cannot produce
    return reasons


def test_no_reason_or_advice_speaks_of_the_member_in_the_third_person(wording):
    texts = every_reason(wording) | set(letter_text.WHAT_COULD_CHANGE.values()) | {letter_text.WHAT_COULD_CHANGE_CLINICAL}
    assert any("this member" in t for t in texts)  # there is something to turn
    spoken = {letter_text.to_member(t) for t in texts}
    assert [t for t in spoken if "this member" in t.lower() or "the member" in t.lower()] == []
    assert "Donor lymphocyte infusion (DLI) is covered only after an allogeneic (donor) stem cell transplant; your " \
           "transplant was autologous." in spoken
