"""What needs a physician whatever the criteria say: cells from another donor, or 0% donor cells
on a boost to enhance chimerism. The outcome stays the criteria's; only who may approve changes.
Pure: no database."""

from decimal import Decimal

import pytest

from coverage_app.lib.rules import Case, Indication, Service, TransplantType, case_from_mapping, evaluate

ALLO, AUTO = TransplantType.ALLOGENEIC, TransplantType.AUTOLOGOUS


def dli(same_donor, transplant=ALLO):
    return Case(Service.DLI, transplant, Indication.RELAPSED, hematologic_malignancy=True, same_donor=same_donor)


def chimerism(percent, same_donor=True):
    return Case(Service.HPC_BOOST, ALLO, Indication.ENHANCE_CHIMERISM,
                donor_chimerism_percent=Decimal(percent), same_donor=same_donor)


@pytest.mark.parametrize("case", [dli(False), chimerism("85", same_donor=False),
                                  Case(Service.HPC_BOOST, ALLO, Indication.PROMOTE_ENGRAFTMENT, same_donor=False)])
def test_cells_from_another_donor_go_to_a_physician(wording, case):
    d = evaluate(case, wording)
    assert d.criteria_met and not d.nurse_may_approve
    assert d.physician_review == (
        "The policy states that the donor source for DLI and HPC boost is the same as that for the "
        "transplant; this request says the cells will come from a different donor.",
    )


@pytest.mark.parametrize("case", [dli(True), dli(None), chimerism("85"), chimerism("0.1"),
                                  # no donor to be the same as after an autologous transplant
                                  Case(Service.HPC_BOOST, AUTO, Indication.PROMOTE_ENGRAFTMENT, same_donor=False)])
def test_the_rest_a_nurse_may_approve(wording, case):
    d = evaluate(case, wording)
    assert d.criteria_met and d.nurse_may_approve and d.physician_review == ()


def test_no_donor_cells_is_graft_rejection_not_mixed_chimerism(wording):
    d = evaluate(chimerism("0"), wording)
    assert d.criteria_met and not d.nurse_may_approve
    assert len(d.physician_review) == 1 and "graft rejection" in d.physician_review[0]


def test_both_reasons_are_given_when_both_hold(wording):
    assert len(evaluate(chimerism("0.0", same_donor=False), wording).physician_review) == 2


def test_criteria_not_met_still_need_a_physician_and_say_so(wording):
    d = evaluate(dli(False, transplant=AUTO), wording)
    assert not d.criteria_met and not d.nurse_may_approve and d.physician_review == ()


def test_it_reads_same_donor_from_json_and_names_it_when_bad():
    base = {"service": "dli", "transplant_type": "allogeneic", "hematologic_malignancy": True, "indication": "relapsed"}
    assert case_from_mapping({**base, "same_donor": False}).same_donor is False
    assert case_from_mapping(base).same_donor is None
    with pytest.raises(ValueError, match="same_donor: must be true or false"):
        case_from_mapping({**base, "same_donor": "no"})
