"""lib/usdates: the same text as Django's formats for US English, at a fraction of the cost."""

import datetime as dt

from django.utils import dateformat
from hypothesis import given
from hypothesis import strategies as st

from coverage_app.lib.usdates import long_date, short_datetime
from config.formats.en import formats


def test_it_writes_dates_the_way_the_letters_do():
    assert long_date(dt.date(2024, 5, 15)) == "May 15, 2024"
    assert long_date(dt.date(2026, 1, 1)) == "January 1, 2026"


def test_it_writes_short_times_with_a_12_hour_clock():
    assert short_datetime(dt.datetime(2026, 11, 29, 0, 5)) == "Nov 29, 2026, 12:05 AM"
    assert short_datetime(dt.datetime(2026, 11, 29, 12, 0)) == "Nov 29, 2026, 12:00 PM"
    assert short_datetime(dt.datetime(2026, 3, 2, 15, 7)) == "Mar 2, 2026, 3:07 PM"


@given(st.datetimes(min_value=dt.datetime(1900, 1, 1), max_value=dt.datetime(2200, 12, 31)))
def test_it_matches_django_formats(moment):
    assert short_datetime(moment) == dateformat.format(moment, formats.SHORT_DATETIME_FORMAT)
    assert long_date(moment.date()) == dateformat.format(moment.date(), formats.DATE_FORMAT)
