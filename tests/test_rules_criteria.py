"""Every criterion of policy 0261, both ways, and every boundary. Pure: no database."""

import datetime as dt
from decimal import Decimal

import pytest

from coverage_app.lib.rules import (
    Case,
    Indication,
    Outcome,
    Service,
    TransplantType,
    evaluate,
)

ALLO, AUTO, NONE = TransplantType.ALLOGENEIC, TransplantType.AUTOLOGOUS, TransplantType.NONE


def dli(transplant=ALLO, malignancy=True, indication=Indication.RELAPSED):
    return Case(Service.DLI, transplant, indication, hematologic_malignancy=malignancy)


def hpc(transplant=ALLO, indication=Indication.PROMOTE_ENGRAFTMENT, percent=None):
    return Case(
        Service.HPC_BOOST,
        transplant,
        indication,
        donor_chimerism_percent=None if percent is None else Decimal(str(percent)),
    )


def trace(determination):
    return {c.id: c.met for c in determination.criteria}


@pytest.mark.parametrize(
    "indication",
    [
        Indication.RELAPSED,
        Indication.PERSISTENT,
        Indication.REFRACTORY,
        Indication.HIGH_RISK_OF_RELAPSE,
    ],
)
def test_it_meets_dli_for_each_covered_indication(wording, indication):
    d = evaluate(dli(indication=indication), wording)
    assert d.outcome is Outcome.CRITERIA_MET
    assert trace(d) == {"DLI-1": True, "DLI-2": True, "DLI-3": True}
    assert d.reasons == []


@pytest.mark.parametrize("transplant", [AUTO, NONE])
def test_it_fails_dli_1_without_an_allogeneic_transplant(wording, transplant):
    d = evaluate(dli(transplant=transplant), wording)
    assert d.outcome is Outcome.CRITERIA_NOT_MET
    assert trace(d) == {"DLI-1": False, "DLI-2": True, "DLI-3": True}
    assert len(d.reasons) == 1
    assert "only after an allogeneic" in d.reasons[0]
    expected = "was autologous" if transplant is AUTO else "has not had a stem cell transplant"
    assert expected in d.reasons[0]


def test_it_fails_dli_2_when_the_disease_is_not_a_hematologic_malignancy(wording):
    d = evaluate(dli(malignancy=False), wording)
    assert trace(d) == {"DLI-1": True, "DLI-2": False, "DLI-3": True}
    assert d.reasons == [
        "Donor lymphocyte infusion (DLI) is covered only to treat a hematologic malignancy (a "
        "cancer of the blood or bone marrow); this member's disease is not a hematologic "
        "malignancy."
    ]


@pytest.mark.parametrize(
    "indication", [Indication.PROMOTE_ENGRAFTMENT, Indication.ENHANCE_CHIMERISM]
)
def test_it_fails_dli_3_for_engraftment_or_chimerism_and_says_why(wording, indication):
    d = evaluate(dli(indication=indication), wording)
    assert trace(d) == {"DLI-1": True, "DLI-2": True, "DLI-3": False}
    assert "DLI is not used to promote engraftment or to enhance chimerism" in d.reasons[0]


def test_it_fails_dli_3_for_any_other_indication(wording):
    d = evaluate(dli(indication=Indication.OTHER), wording)
    assert trace(d)["DLI-3"] is False
    assert "a reason the policy does not list" in d.reasons[0]


def test_it_gives_one_reason_per_criterion_not_met(wording):
    d = evaluate(dli(transplant=AUTO, malignancy=False, indication=Indication.OTHER), wording)
    assert trace(d) == {"DLI-1": False, "DLI-2": False, "DLI-3": False}
    assert len(d.reasons) == 3


@pytest.mark.parametrize("transplant", [ALLO, AUTO])
def test_it_meets_hpc_boost_to_promote_engraftment_after_either_transplant(wording, transplant):
    d = evaluate(hpc(transplant=transplant), wording)
    assert d.outcome is Outcome.CRITERIA_MET
    assert trace(d) == {"HPC-1": True, "HPC-2a": True}


def test_it_fails_hpc_1_without_a_transplant(wording):
    d = evaluate(hpc(transplant=NONE), wording)
    assert trace(d) == {"HPC-1": False, "HPC-2a": True}
    assert "only after a stem cell transplant" in d.reasons[0]


@pytest.mark.parametrize("percent", ["0", "0.1", "50", "85", "99.9", "99.99"])
def test_it_meets_hpc_boost_for_chimerism_below_100(wording, percent):
    d = evaluate(hpc(indication=Indication.ENHANCE_CHIMERISM, percent=percent), wording)
    assert d.outcome is Outcome.CRITERIA_MET
    assert trace(d) == {"HPC-1": True, "HPC-2b": True}


@pytest.mark.parametrize("percent", ["100", "100.0"])
def test_it_fails_hpc_2b_at_full_donor_chimerism(wording, percent):
    d = evaluate(hpc(indication=Indication.ENHANCE_CHIMERISM, percent=percent), wording)
    assert d.outcome is Outcome.CRITERIA_NOT_MET
    assert trace(d) == {"HPC-1": True, "HPC-2b": False}
    assert d.reasons == [
        "A hematopoietic progenitor cell (HPC) boost to enhance chimerism is covered only when a "
        "chimerism study shows less than 100% donor cells; this member's study showed 100% donor "
        "cells."
    ]


@pytest.mark.parametrize("percent", [None, "40"])
def test_it_never_meets_the_chimerism_indication_after_an_autologous_transplant(wording, percent):
    d = evaluate(hpc(transplant=AUTO, indication=Indication.ENHANCE_CHIMERISM, percent=percent), wording)
    assert d.outcome is Outcome.CRITERIA_NOT_MET
    assert trace(d) == {"HPC-1": True, "HPC-2b": False}
    assert "measured only after an allogeneic" in d.reasons[0]
    assert "was autologous" in d.reasons[0]


@pytest.mark.parametrize(
    "indication",
    [Indication.RELAPSED, Indication.HIGH_RISK_OF_RELAPSE, Indication.OTHER],
)
def test_it_fails_hpc_2_for_any_other_indication_showing_both_branches(wording, indication):
    d = evaluate(hpc(indication=indication), wording)
    assert d.outcome is Outcome.CRITERIA_NOT_MET
    assert trace(d) == {"HPC-1": True, "HPC-2a": False, "HPC-2b": False}
    assert len(d.reasons) == 2


def test_it_ignores_answers_that_do_not_apply(wording):
    # A chimerism result on a DLI request, or a malignancy answer on an HPC boost, never sways it.
    dli_case = Case(
        Service.DLI, ALLO, Indication.RELAPSED, hematologic_malignancy=True,
        donor_chimerism_percent=Decimal(100),
    )
    assert evaluate(dli_case, wording).outcome is Outcome.CRITERIA_MET
    hpc_case = Case(
        Service.HPC_BOOST, AUTO, Indication.PROMOTE_ENGRAFTMENT, hematologic_malignancy=False,
        donor_chimerism_percent=Decimal(100),
    )
    assert evaluate(hpc_case, wording).outcome is Outcome.CRITERIA_MET


def test_it_quotes_the_policy_words_in_each_criterion(wording):
    d = evaluate(dli(), wording)
    first = d.criteria[0]
    assert first.policy_words.startswith("Donor lymphocyte infusion (DLI) is considered medically")
    assert first.text == f"{first.statement} Policy: \u201c{first.policy_words}\u201d"


def test_it_uses_the_wording_it_is_given(wording):
    revised = dict(wording)
    revised["DLI-1"] = type(wording["DLI-1"])("Revised test.", "Revised words.")
    d = evaluate(dli(), revised)
    assert d.criteria[0].statement == "Revised test."


def test_it_keeps_the_date_of_service(wording):
    case = Case(
        Service.DLI, ALLO, Indication.RELAPSED, hematologic_malignancy=True,
        date_of_service=dt.date(2024, 9, 1),
    )
    assert evaluate(case, wording).outcome is Outcome.CRITERIA_MET
