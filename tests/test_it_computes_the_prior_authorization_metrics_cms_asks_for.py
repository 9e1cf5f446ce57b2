"""The yearly metrics CMS-0057-F has payers publish (42 CFR 422.122(c), 45 CFR 156.223(b)),
against a hand-built set of requests. Pure: no database."""

import datetime as dt
import zoneinfo

import pytest

from coverage_app.lib import reports
from coverage_app.lib.reports import RequestRow

NY = zoneinfo.ZoneInfo("America/New_York")
UTC = dt.timezone.utc
H = dt.timedelta(hours=1)
LINE_NAMES = {"commercial": "Commercial", "medicare_advantage": "Medicare Advantage"}


def row(received, *, urgency="standard", line="commercial", outcome=None, hours=None, extended=False, appeal=False):
    # received_at as the database hands it back: aware, in UTC.
    received_at = received.astimezone(UTC)
    return RequestRow(
        service="dli", urgency=urgency, line_of_business=line, received_at=received_at,
        due_at=received_at + 72 * H, first_decided_at=None if hours is None else received_at + hours * H,
        outcome=outcome, overturned=False, extended=extended, approved_on_appeal=appeal,
    )


def ny(year, month, day, hour=9, minute=0):
    return dt.datetime(year, month, day, hour, minute, tzinfo=NY)


ROWS = [
    # 2025, commercial, standard. The first is 2026-01-01 04:30 in UTC, but 2025 in New York.
    row(ny(2025, 12, 31, 23, 30), outcome="approved", hours=10),
    row(ny(2025, 6, 1), outcome="adverse", hours=20),
    row(ny(2025, 6, 2), outcome="approved", hours=60, extended=True, appeal=True),
    row(ny(2025, 6, 3)),  # pending
    # 2025, Medicare Advantage, expedited.
    row(ny(2025, 3, 1), urgency="urgent", line="medicare_advantage", outcome="approved", hours=3),
    # 2026, commercial, standard. The first is 2026 in New York and in UTC alike.
    row(ny(2026, 1, 1, 0, 30), outcome="approved", hours=48, extended=True),
    row(ny(2026, 2, 1), outcome="approved", hours=24),
    row(ny(2026, 2, 2), outcome="approved", hours=36, extended=True),
    row(ny(2026, 2, 3), outcome="adverse", hours=6),
    # 2026, commercial, expedited.
    row(ny(2026, 3, 1), urgency="urgent", outcome="approved", hours=2),
    row(ny(2026, 3, 2), urgency="urgent", outcome="adverse", hours=4),
    row(ny(2026, 3, 3), urgency="urgent", outcome="approved", hours=9, extended=True),
    # 2026, Medicare Advantage, standard: nothing decided yet.
    row(ny(2026, 4, 1), line="medicare_advantage"),
    row(ny(2026, 4, 2), line="medicare_advantage"),
    # 2026, Medicare Advantage, expedited: the extended one was denied, so it is no approved-and-extended.
    row(ny(2026, 5, 1), urgency="urgent", line="medicare_advantage", outcome="approved", hours=72, appeal=True),
    row(ny(2026, 5, 2), urgency="urgent", line="medicare_advantage", outcome="adverse", hours=1, extended=True),
]


@pytest.fixture
def metrics():
    return reports.public_metrics(reversed(ROWS), NY)  # fed out of order: the result is sorted anyway


def figures(m):
    return (
        m.requests, m.decided, m.pending, m.approved, m.denied, m.approved_on_appeal, m.approved_extended,
        m.approved_share, m.denied_share, m.approved_on_appeal_share, m.extended_share,
        m.average_hours, m.median_hours,
    )


def test_it_groups_by_year_line_of_business_and_urgency_standard_before_expedited(metrics):
    assert list(metrics) == [
        (2025, "commercial", "standard"),
        (2025, "medicare_advantage", "expedited"),
        (2026, "commercial", "standard"),
        (2026, "commercial", "expedited"),
        (2026, "medicare_advantage", "standard"),
        (2026, "medicare_advantage", "expedited"),
    ]


def test_it_takes_the_year_of_receipt_in_the_plans_time_zone_not_utc():
    late = row(ny(2025, 12, 31, 23, 30), outcome="approved", hours=1)
    early = row(ny(2026, 1, 1, 0, 30), outcome="approved", hours=1)
    assert late.received_at.year == 2026  # in UTC
    assert list(reports.public_metrics([late, early], NY)) == [
        (2025, "commercial", "standard"), (2026, "commercial", "standard"),
    ]
    assert list(reports.public_metrics([late, early], UTC)) == [(2026, "commercial", "standard")]


def test_it_computes_every_share_and_the_hours_of_each_group(metrics):
    assert {key: figures(m) for key, m in metrics.items()} == {
        # requests, decided, pending, approved, denied, on appeal, approved extended,
        # approved share, denied share, on appeal share, extended share (of approved), average h, median h
        (2025, "commercial", "standard"): (4, 3, 1, 2, 1, 1, 1, 2 / 3, 1 / 3, 1 / 3, 1 / 2, 30.0, 20.0),
        (2025, "medicare_advantage", "expedited"): (1, 1, 0, 1, 0, 0, 0, 1.0, 0.0, 0.0, 0.0, 3.0, 3.0),
        (2026, "commercial", "standard"): (4, 4, 0, 3, 1, 0, 2, 3 / 4, 1 / 4, 0.0, 2 / 3, 28.5, 30.0),
        (2026, "commercial", "expedited"): (3, 3, 0, 2, 1, 0, 1, 2 / 3, 1 / 3, 0.0, 1 / 2, 5.0, 4.0),
        (2026, "medicare_advantage", "standard"): (2, 0, 2, 0, 0, 0, 0, None, None, None, None, None, None),
        (2026, "medicare_advantage", "expedited"): (2, 2, 0, 1, 1, 1, 0, 1 / 2, 1 / 2, 1 / 2, 0.0, 36.5, 36.5),
    }


def test_it_leaves_pending_requests_out_of_the_shares_and_counts_them_apart(metrics):
    m = metrics[2025, "commercial", "standard"]
    assert (m.requests, m.decided, m.pending) == (4, 3, 1)
    assert m.approved_share + m.denied_share == 1.0
    assert m.hours == [60.0, 20.0, 10.0]  # reversed feed order; pending ones add no hours


def test_it_gives_no_shares_for_a_group_with_nothing_decided(metrics):
    m = metrics[2026, "medicare_advantage", "standard"]
    assert (m.approved_share, m.denied_share, m.approved_on_appeal_share, m.extended_share) == (None,) * 4
    assert (m.average_hours, m.median_hours) == (None, None)
    assert reports.PublicMetrics(decided=3, approved=0).extended_share is None


def test_it_writes_the_csv_header_and_a_row_per_group(metrics):
    rows = list(reports.public_metrics_csv_rows(metrics, LINE_NAMES))
    assert rows[0] == (
        "year", "line of business", "type", "requests", "decided", "approved share", "denied share",
        "approved after appeal share", "approved with extended timeframe share", "average hours", "median hours",
    )
    assert len(rows) == 1 + 6
    assert rows[1] == (2025, "Commercial", "standard", 4, 3, "0.667", "0.333", "0.333", "0.500", "30.0", "20.0")
    assert rows[4] == (2026, "Commercial", "expedited", 3, 3, "0.667", "0.333", "0.000", "0.500", "5.0", "4.0")
    assert rows[5] == (2026, "Medicare Advantage", "standard", 2, 0, "", "", "", "", "", "")


def test_it_names_an_unknown_line_of_business_by_its_key():
    rows = list(reports.public_metrics_csv_rows(reports.public_metrics([row(ny(2026, 1, 5), line="other")], NY), {}))
    assert rows[1][:3] == (2026, "other", "standard")


def test_it_keeps_approved_on_appeal_off_by_default_and_the_existing_report_unchanged():
    positional = RequestRow("dli", "standard", "commercial", ny(2026, 1, 5), ny(2026, 1, 12), None, None, False)
    assert positional.approved_on_appeal is False
    report = reports.build(ROWS, ["dli"], [])
    assert (report.total.received, report.total.approved, report.total.adverse, report.total.pending) == (16, 9, 4, 3)
