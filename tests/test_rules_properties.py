"""Property tests: no input crashes the engine, and its outcome agrees with its trace."""

import string

from hypothesis import given, settings
from hypothesis import strategies as st

from coverage_app.lib import rules

anything = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3),
    max_leaves=5,
)


def loose(values):
    # Mostly valid values, sometimes anything at all, sometimes missing.
    return st.one_of(st.sampled_from(values), anything, st.just(...))


raw_cases = st.fixed_dictionaries(
    {
        "service": loose(["dli", "hpc_boost"]),
        "cpt_code": loose(["38242", "38243", None]),
        "transplant_type": loose([t.value for t in rules.TransplantType]),
        "hematologic_malignancy": loose([True, False]),
        "indication": loose([i.value for i in rules.Indication]),
        "donor_chimerism_percent": st.one_of(
            st.decimals(min_value=-10, max_value=110, allow_nan=False, places=2).map(str),
            st.floats(allow_nan=True, allow_infinity=True),
            st.integers(-5, 105),
            anything,
            st.just(...),
        ),
        "date_of_service": st.one_of(
            st.dates().map(lambda d: d.isoformat()), st.text(string.printable, max_size=12), anything, st.just(...)
        ),
    }
).map(lambda d: {k: v for k, v in d.items() if v is not ...})

valid_cases = st.builds(
    rules.Case,
    service=st.sampled_from(rules.Service),
    transplant_type=st.sampled_from(rules.TransplantType),
    indication=st.sampled_from(rules.Indication),
    hematologic_malignancy=st.booleans(),
    donor_chimerism_percent=st.decimals(min_value=0, max_value=100, places=1),
)


@settings(max_examples=500)
@given(raw_cases)
def test_it_never_crashes_on_any_input(wording, data):
    try:
        case = rules.case_from_mapping(data)
    except rules.InvalidCase as e:
        assert e.field and e.message
        return
    d = rules.evaluate(case, wording)
    assert d.outcome in rules.Outcome


@settings(max_examples=500)
@given(valid_cases)
def test_it_meets_the_criteria_only_when_every_criterion_shown_is_met(wording, case):
    d = rules.evaluate(case, wording)
    shown = [c.id for c in d.criteria]
    assert set(shown) <= set(rules.CRITERIA_IDS[case.service])
    if d.criteria_met:
        assert all(c.met for c in d.criteria)
        assert d.reasons == []
    else:
        assert not all(c.met for c in d.criteria)
        assert len(d.reasons) == sum(not c.met for c in d.criteria)


@settings(max_examples=300)
@given(valid_cases)
def test_it_agrees_with_the_policy_statements(wording, case):
    # The coverage statements of RULES.md, restated independently of the engine's own code.
    if case.service is rules.Service.DLI:
        expected = (
            case.transplant_type is rules.TransplantType.ALLOGENEIC
            and case.hematologic_malignancy
            and case.indication in rules.COVERED_DLI_INDICATIONS
        )
    else:
        transplanted = case.transplant_type is not rules.TransplantType.NONE
        engraftment = case.indication is rules.Indication.PROMOTE_ENGRAFTMENT
        chimerism = (
            case.indication is rules.Indication.ENHANCE_CHIMERISM
            and case.transplant_type is rules.TransplantType.ALLOGENEIC
            and case.donor_chimerism_percent < 100
        )
        expected = transplanted and (engraftment or chimerism)
    assert rules.evaluate(case, wording).criteria_met is bool(expected)
