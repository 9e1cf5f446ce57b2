import datetime as dt
import zoneinfo

import pytest

from coverage_app.lib.deadlines import due_at

NY = zoneinfo.ZoneInfo("America/New_York")


@pytest.mark.parametrize(
    "urgency, line, expected",
    [
        ("urgent", "commercial", dt.datetime(2026, 3, 5, 9, 30, tzinfo=NY)),
        ("standard", "commercial", dt.datetime(2026, 3, 17, 9, 30, tzinfo=NY)),
        ("urgent", "medicare_advantage", dt.datetime(2026, 3, 5, 9, 30, tzinfo=NY)),
        ("standard", "medicare_advantage", dt.datetime(2026, 3, 9, 9, 30, tzinfo=NY)),
    ],
)
def test_it_sets_the_due_time_from_the_table(urgency, line, expected):
    received = dt.datetime(2026, 3, 2, 9, 30, tzinfo=NY)
    assert due_at(received, urgency, line, NY) == expected


def test_it_counts_hours_as_elapsed_time_across_daylight_saving():
    received = dt.datetime(2026, 10, 30, 9, 0, tzinfo=NY)  # clocks go back on November 1
    due = due_at(received, "urgent", "commercial", NY)
    assert due - received == dt.timedelta(hours=72)
    assert due.astimezone(NY).hour == 8


def test_it_counts_calendar_days_to_the_same_clock_time_across_daylight_saving():
    received = dt.datetime(2026, 10, 30, 9, 0, tzinfo=NY)
    due = due_at(received, "standard", "medicare_advantage", NY).astimezone(NY)
    assert (due.date(), due.hour) == (dt.date(2026, 11, 6), 9)


def test_it_refuses_a_naive_time():
    with pytest.raises(ValueError):
        due_at(dt.datetime(2026, 3, 2, 9, 30), "urgent", "commercial", NY)
