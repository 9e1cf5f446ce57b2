"""Small-cell suppression in the health equity report: CMS's cell size rule (1 to 10 hidden) and
complementary suppression, so that no hidden figure can be worked out from the shown ones. Pure."""

from coverage_app.lib import equity
from coverage_app.lib.equity import Request, Suppressed


def requests(n, *, sex="female", race=("white",), approved=0, physician=0, adverse=0, appealed=0, overturned=0,
             hours=None):
    """n requests of one group, the first `approved` approved by the nurse, and so on."""
    return [
        Request(
            line_of_business="commercial", race_ethnicity=race, spoken_language="en", written_language="en",
            sex=sex, age_band="40-64", nurse_approved=i < approved, sent_to_physician=i < physician,
            adverse=i < adverse, appealed=i < appealed, overturned_on_appeal=i < overturned,
            hours_to_decision=hours,
        )
        for i in range(n)
    ]


def rows(table):
    return {row.group: row for row in table.rows}


def assert_not_recoverable(table, figure):
    """The hidden cells of a column: none, or at least two whose sum (total minus the shown cells) is
    more than their number, so that no hidden cell is fixed even for a reader who knows it isn't 0."""
    cells = [figure(row) for row in table.rows]
    hidden = [c for c in cells if isinstance(c, Suppressed)]
    if hidden:
        rest = figure(table.all_members) - sum(c for c in cells if not isinstance(c, Suppressed))
        assert len(hidden) >= 2 and rest > len(hidden)


def test_it_hides_a_group_of_10_and_shows_one_of_11():
    table = equity.stratify(
        requests(11, sex="female") + requests(40, sex="male") + requests(10, sex="another")
        + requests(10, sex=equity.NOT_ASKED),
        "sex",
    )
    by = rows(table)
    assert by["female"].count == 11
    assert by["another"].count == Suppressed() and by[equity.NOT_ASKED].count == Suppressed()
    assert by[equity.DECLINED].count == 0  # CMS hides 1 to 10; an empty group is shown as such
    assert table.all_members.count == 71
    assert str(by["another"].count) == "suppressed"
    # The whole row goes: its shares and hours too.
    assert by["another"].shares[equity.ADVERSE].value == Suppressed()
    assert by["another"].median_hours == Suppressed()


def test_it_hides_a_second_group_when_one_alone_could_be_worked_out():
    table = equity.stratify(requests(50, sex="female") + requests(30, sex="male") + requests(4, sex="another"), "sex")
    by = rows(table)
    assert by["another"].count == Suppressed(complementary=False)
    # 84 - 50 - 0 - 0 would give 4 if male were shown: male, the next smallest non-zero group, goes too.
    assert by["male"].count == Suppressed(complementary=True)
    assert by["female"].count == 50
    assert by[equity.NOT_ASKED].count == 0 and by[equity.DECLINED].count == 0
    assert_not_recoverable(table, lambda row: row.count)
    # A complementary count hides its row as well: a share with its numerator would give the count back.
    assert by["male"].shares[equity.APPROVED].numerator == Suppressed(complementary=True)


def test_it_hides_a_third_group_when_two_hidden_ones_could_only_be_1_each():
    table = equity.stratify(
        requests(50, sex="female") + requests(40, sex="male") + requests(1, sex="another")
        + requests(1, sex=equity.DECLINED),
        "sex",
    )
    by = rows(table)
    assert by["male"].count == Suppressed(complementary=True)
    assert by["female"].count == 50
    assert_not_recoverable(table, lambda row: row.count)


def test_it_hides_a_share_whose_complement_is_small():
    # 12 of 13 approved says that one member was not: hidden, though the count is shown.
    table = equity.stratify(
        requests(13, sex="female", approved=12, physician=1) + requests(40, sex="male", approved=20, physician=12)
        + requests(30, sex="another", approved=15, physician=15),
        "sex",
    )
    by = rows(table)
    approved = by["female"].shares[equity.APPROVED]
    assert by["female"].count == 13
    assert approved.numerator == approved.value == approved.interval == approved.difference == Suppressed()
    assert approved.denominator == 13
    # The next smallest group's approvals go too, else 47 approved overall - 20 - 15 would give 12 back.
    assert by["another"].shares[equity.APPROVED].numerator == Suppressed(complementary=True)
    assert by["male"].shares[equity.APPROVED].value == 0.5
    assert_not_recoverable(table, lambda row: row.shares[equity.APPROVED].numerator)
    # Approved by the nurse and sent to physician review go together (either gives the other away):
    # so the physician reviews of "another" are hidden, and those of men, the smallest, are not needed.
    assert by["female"].shares[equity.PHYSICIAN].value == Suppressed()
    assert by["another"].shares[equity.PHYSICIAN].value == Suppressed(complementary=True)
    assert by["male"].shares[equity.PHYSICIAN].value == 0.3
    # None adverse of 13 is shown: a share of 0 reveals no group of 1 to 10.
    assert by["female"].shares[equity.ADVERSE].value == 0.0


def test_it_hides_a_share_whose_numerator_is_large_but_complement_small():
    table = equity.stratify(
        requests(13, sex="female", physician=13, adverse=12) + requests(40, sex="male", physician=40, adverse=20)
        + requests(30, sex="another", physician=30, adverse=15),
        "sex",
    )
    by = rows(table)
    assert by["female"].shares[equity.ADVERSE].value == Suppressed(complementary=False)
    assert by["female"].shares[equity.PHYSICIAN].value == 1.0


def test_it_hides_overturns_when_the_appeals_are_few():
    table = equity.stratify(
        requests(40, sex="female", physician=40, adverse=30, appealed=5, overturned=2)
        + requests(40, sex="another", physician=40, adverse=30, appealed=3, overturned=1)
        + requests(40, sex="male", physician=40, adverse=30, appealed=0),
        "sex",
    )
    by = rows(table)
    overturned = by["female"].shares[equity.OVERTURNED]
    assert overturned.value == Suppressed() and overturned.denominator == Suppressed()
    # No appeals: nothing to divide, and nothing to hide (two groups' appeals are hidden already).
    assert by["male"].shares[equity.APPEALED].value == 0.0
    assert by["male"].shares[equity.OVERTURNED].value is None
    assert by["male"].shares[equity.OVERTURNED].denominator == 0


def test_it_hides_overturns_with_the_appeals_they_are_of():
    # 5 appeals among women: hidden; 30 among "another" hidden with them (complementary), and so the
    # overturns of those 30, whose denominator they are.
    table = equity.stratify(
        requests(40, sex="female", physician=40, adverse=30, appealed=5, overturned=2)
        + requests(60, sex="another", physician=60, adverse=40, appealed=30, overturned=15)
        + requests(40, sex="male", physician=40, adverse=30, appealed=0)
        + requests(60, sex=equity.DECLINED, physician=60, adverse=45, appealed=40, overturned=11),
        "sex",
    )
    by = rows(table)
    assert by["another"].shares[equity.APPEALED].value == Suppressed(complementary=True)
    # Those two hidden overturns protect each other: the declined group's 11 of 40 stays.
    assert by[equity.DECLINED].shares[equity.OVERTURNED].value == 11 / 40
    overturned = by["another"].shares[equity.OVERTURNED]
    assert overturned.value == overturned.denominator == Suppressed(complementary=True)
    assert table.all_members.shares[equity.OVERTURNED].value == 28 / 75
    assert table.all_members.shares[equity.APPEALED].value == 75 / 200


def test_it_hides_everything_when_all_members_are_fewer_than_11():
    table = equity.stratify(requests(6, sex="female") + requests(4, sex="male"), "sex")
    assert table.all_members.count == Suppressed()
    assert all(isinstance(row.count, Suppressed) or row.count == 0 for row in table.rows)
    assert all(share.value == Suppressed() for share in table.all_members.shares.values())


def test_it_hides_the_difference_when_the_all_members_share_is_hidden():
    # 5 adverse of 80 overall: hidden; a shown difference would give it back from a shown group share.
    table = equity.stratify(
        requests(30, sex="female", adverse=3) + requests(30, sex="male", adverse=2) + requests(20, sex="another"),
        "sex",
    )
    by = rows(table)
    assert table.all_members.shares[equity.ADVERSE].value == Suppressed()
    assert by["another"].shares[equity.ADVERSE].value == 0.0
    assert by["another"].shares[equity.ADVERSE].difference == Suppressed(complementary=True)
    assert by["female"].shares[equity.ADVERSE].value == by["male"].shares[equity.ADVERSE].value == Suppressed()


def test_it_hides_a_lone_group_with_adverse_determinations_by_its_complement_too():
    # Only women had adverse determinations (5 of 30): the 25 without would be the only hidden cell
    # of "not adverse", and 55 - 30 would give them back, so the men's share goes as well.
    table = equity.stratify(requests(30, sex="female", adverse=5) + requests(30, sex="male"), "sex")
    by = rows(table)
    assert by["female"].shares[equity.ADVERSE].value == Suppressed()
    assert by["male"].shares[equity.ADVERSE].value == Suppressed(complementary=True)
    assert by["male"].count == 30


def test_it_protects_race_groups_though_they_overlap():
    # 30 White, 25 Asian, 8 Black of whom 4 also White: 59 members, 63 memberships. A lone hidden
    # Black count would be at least 59 - 55 = 4 and at most 10; it is hidden with the next smallest.
    table = equity.stratify(
        requests(26, race=("white",)) + requests(25, race=("asian",)) + requests(4, race=("black", "white"))
        + requests(4, race=("black",)),
        "race_ethnicity",
    )
    by = rows(table)
    assert by["black"].count == Suppressed(complementary=False)
    assert by["asian"].count == Suppressed(complementary=True)
    assert by["white"].count == 30
