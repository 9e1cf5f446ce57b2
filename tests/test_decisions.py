"""Who may issue a determination and what an adverse one must carry (lib/decisions.py). Pure."""

import itertools

import pytest

from coverage_app.lib import decisions
from coverage_app.lib.decisions import Credentials, NotAllowed


def creds(degree="MD", number="12345", state="CT", specialty="Hematology"):
    return Credentials(degree, number, state, specialty)


@pytest.mark.parametrize("c, ok", [
    (creds(), True), (creds("DO"), True), (creds(number=" "), False), (creds(state=""), False),
    (creds("RN"), False), (creds("LPN"), False), (creds("PharmD"), False), (creds("other"), False),
    (creds(""), False), (None, False),
])
def test_only_a_licensed_md_or_do_is_a_physician(c, ok):
    assert (decisions.physician_problem(c) is None) is ok


def test_credentials_print_as_letters_show_them():
    assert creds().printed == "MD, Hematology"
    assert creds("RN", specialty="").printed == "RN"
    assert creds("other", specialty="Physician assistant").printed == "Physician assistant"


def test_the_referrer_does_not_decide():
    decisions.require_other_reviewer(None, 7)
    decisions.require_other_reviewer(3, 7)
    with pytest.raises(NotAllowed):
        decisions.require_other_reviewer(7, 7)


def test_an_adverse_determination_has_reasons_of_one_kind_or_the_other():
    decisions.require_adverse_reasons(["DLI-1 not met"], "")
    decisions.require_adverse_reasons([], "In remission.")
    with pytest.raises(NotAllowed) as e:
        decisions.require_adverse_reasons([], " \n ")
    assert e.value.field == "clinical_reasons"


@pytest.mark.parametrize("lob, old, new, basis", list(itertools.product(
    ["commercial", "medicare_advantage"], ["approved", "adverse"], ["approved", "adverse"],
    ["medical_necessity", "administrative"])))
def test_only_a_medicare_advantage_approval_resists_a_medical_necessity_reversal(lob, old, new, basis):
    refused = (lob, old, new, basis) == ("medicare_advantage", "approved", "adverse", "medical_necessity")
    if refused:
        with pytest.raises(NotAllowed, match=r"42 CFR 422\.138\(c\)"):
            decisions.require_allowed_correction(line_of_business=lob, old_outcome=old, new_outcome=new, basis=basis)
    else:
        decisions.require_allowed_correction(line_of_business=lob, old_outcome=old, new_outcome=new, basis=basis)


def test_a_nurse_says_why_a_physician_should_see_what_she_could_approve():
    decisions.require_referral_reason(False, "")
    decisions.require_referral_reason(True, "Second donor mentioned.")
    with pytest.raises(NotAllowed):
        decisions.require_referral_reason(True, "")
