"""The health equity report (issue 17): how reviews went for each group of members, against
hand-built sets of requests with known figures. Pure: no database."""

import datetime as dt

import pytest

from coverage_app.lib import equity
from coverage_app.lib.equity import DECLINED, NOT_ASKED, Request, Suppressed


def requests(n, *, sex="female", race=("white",), spoken="en", written="en", band="40-64", approved=0,
             physician=0, adverse=0, hours=None):
    """n requests of one group, the first `approved` approved by the nurse, and so on; `hours` a list of n or None."""
    return [
        Request(
            line_of_business="commercial", race_ethnicity=race, spoken_language=spoken, written_language=written,
            sex=sex, age_band=band, nurse_approved=i < approved, sent_to_physician=i < physician,
            adverse=i < adverse, appealed=False, overturned_on_appeal=False,
            hours_to_decision=None if hours is None else hours[i],
        )
        for i in range(n)
    ]


def rows(table):
    return {row.group: row for row in table.rows}


D = dt.date


@pytest.mark.parametrize(
    ("born", "on", "band"),
    [
        (D(2008, 3, 15), D(2026, 3, 14), "0-17"),  # a day short of 18
        (D(2008, 3, 15), D(2026, 3, 15), "18-39"),
        (D(1986, 3, 15), D(2026, 3, 14), "18-39"),
        (D(1986, 3, 15), D(2026, 3, 15), "40-64"),
        (D(1961, 3, 15), D(2026, 3, 14), "40-64"),
        (D(1961, 3, 15), D(2026, 3, 15), "65-74"),
        (D(1951, 3, 15), D(2026, 3, 14), "65-74"),
        (D(1951, 3, 15), D(2026, 3, 15), "75+"),
        (D(2026, 3, 15), D(2026, 3, 15), "0-17"),  # born that day
        (D(1961, 2, 28), D(2026, 2, 28), "65-74"),
        (D(1960, 2, 29), D(2025, 2, 28), "40-64"),  # born 29 February: 65 on 1 March
        (D(1960, 2, 29), D(2025, 3, 1), "65-74"),
        (D(1920, 1, 1), D(2026, 1, 1), "75+"),
    ],
)
def test_it_bands_ages_on_the_day_of_the_request(born, on, band):
    assert equity.age_band(born, on) == band


def test_it_refuses_a_birth_after_the_request():
    with pytest.raises(ValueError):
        equity.age_band(D(2026, 3, 16), D(2026, 3, 15))


def test_it_gives_each_groups_shares_with_intervals_and_differences():
    table = equity.stratify(
        requests(40, sex="female", approved=25, physician=15, adverse=12)
        + requests(30, sex="male", approved=14, physician=16, adverse=11),
        "sex",
    )
    assert table.label == "Sex"
    assert [row.group for row in table.rows] == ["female", "male", "another", NOT_ASKED, DECLINED]
    assert [row.label for row in table.rows][-2:] == ["Not asked", "Declined to answer"]
    by = rows(table)
    assert (by["female"].count, by["male"].count, by["another"].count, table.all_members.count) == (40, 30, 0, 70)

    approved = by["female"].shares[equity.APPROVED]
    assert (approved.numerator, approved.denominator, approved.value) == (25, 40, 0.625)
    assert approved.interval == equity.wilson(25, 40)
    assert approved.interval == pytest.approx((0.4703, 0.7578), abs=1e-4)  # worked by hand
    assert approved.difference == pytest.approx(0.625 - 39 / 70)
    assert table.all_members.shares[equity.APPROVED].value == pytest.approx(39 / 70)
    assert table.all_members.shares[equity.APPROVED].difference is None

    adverse = by["male"].shares[equity.ADVERSE]
    assert (adverse.numerator, adverse.denominator) == (11, 30)
    assert adverse.difference == pytest.approx(11 / 30 - 23 / 70)
    assert by["male"].shares[equity.PHYSICIAN].value == pytest.approx(16 / 30)
    # An empty group: nothing to divide, nothing suppressed.
    assert by["another"].shares[equity.ADVERSE].value is None
    assert by["another"].shares[equity.ADVERSE].interval is None
    assert by["another"].shares[equity.ADVERSE].difference is None


def test_it_counts_a_member_of_several_races_in_each():
    table = equity.stratify(
        requests(12, race=("asian", "white")) + requests(12, race=("white",)) + requests(11, race=("black",))
        + requests(11, race=()) + requests(11, race=(DECLINED,)),
        "race_ethnicity",
    )
    by = rows(table)
    assert (by["asian"].count, by["white"].count, by["black"].count) == (12, 24, 11)
    assert (by[NOT_ASKED].count, by[DECLINED].count) == (11, 11)
    assert by["mena"].count == by["nhpi"].count == 0
    assert table.all_members.count == 57  # requests, not memberships: the groups add up to 69
    assert [row.group for row in table.rows] == [
        "aian", "asian", "black", "hispanic", "mena", "nhpi", "white", NOT_ASKED, DECLINED]
    assert by["mena"].label == "Middle Eastern or North African"


def test_it_lists_the_languages_seen_then_not_asked_and_declined():
    table = equity.stratify(
        requests(11, spoken="es") + requests(11, spoken="en") + requests(11, spoken="") + requests(11, spoken=DECLINED),
        "spoken_language",
    )
    assert [(row.group, row.count) for row in table.rows] == [("en", 11), ("es", 11), (NOT_ASKED, 11), (DECLINED, 11)]


def test_it_gives_the_median_and_90th_percentile_hours_to_decision():
    table = equity.stratify(
        requests(11, band="18-39", hours=[float(h) for h in range(11, 0, -1)])
        + requests(11, band="65-74", hours=[float(h) for h in range(12, 22)] + [None]),
        "age_band",
    )
    by = rows(table)
    assert (by["18-39"].median_hours, by["18-39"].p90_hours) == (6.0, 10.0)  # nearest rank: the 10th of 11
    # 10 decided of 11: the count is shown, the hours are not.
    assert by["65-74"].count == 11
    assert by["65-74"].median_hours == by["65-74"].p90_hours == Suppressed()
    assert (table.all_members.median_hours, table.all_members.p90_hours) == (11.0, 19.0)
    assert by["0-17"].median_hours is None


def test_it_refuses_an_unknown_dimension():
    with pytest.raises(ValueError):
        equity.stratify([], "religion")


def test_it_tells_how_completely_each_field_was_answered():
    result = equity.completeness(
        requests(18, spoken="es", race=("white",), sex="female")
        + requests(11, spoken=DECLINED, race=(DECLINED,), sex="male")
        + requests(11, spoken="", race=(), sex="male")
    )
    by = {row.field: row for row in result}
    assert [row.field for row in result] == ["race_ethnicity", "spoken_language", "written_language", "sex"]
    spoken = by["spoken_language"]
    assert spoken.label == "Preferred spoken language"
    assert (spoken.answered.numerator, spoken.declined.numerator, spoken.not_asked.numerator) == (18, 11, 11)
    assert (spoken.answered.value, spoken.declined.value, spoken.not_asked.value) == (0.45, 0.275, 0.275)
    assert spoken.answered.denominator == 40
    assert spoken.answered.interval == equity.wilson(18, 40)
    assert by["race_ethnicity"].declined.value == 0.275
    # Everyone answered sex: 40 of 40, and none declined or not asked.
    assert (by["sex"].answered.value, by["sex"].declined.value, by["sex"].not_asked.value) == (1.0, 0.0, 0.0)


def test_it_suppresses_completeness_like_any_count():
    # 35 answered, 5 not asked: 5 hidden, and 35 with it, else 40 - 35 - 0 would give 5 back.
    result = equity.completeness(requests(35, spoken="es") + requests(5, spoken=""))
    spoken = {row.field: row for row in result}["spoken_language"]
    assert spoken.not_asked.value == Suppressed()
    assert spoken.answered.value == Suppressed()
    assert spoken.declined.value == 0.0
    assert spoken.answered.denominator == 40
