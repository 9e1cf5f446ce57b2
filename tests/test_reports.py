"""Report figures against a hand-built set of requests."""

import csv
import datetime as dt
import io
import zoneinfo

import pytest
from django.urls import reverse
from django.utils import timezone

from coverage_app import roles
from coverage_app.lib import reports
from coverage_app.models import Determination, PolicyVersion

NY = zoneinfo.ZoneInfo("America/New_York")
H = dt.timedelta(hours=1)


def at(day, hour=9):
    return dt.datetime(2026, 1, day, hour, tzinfo=NY)


@pytest.fixture
def period(make_review, nurse, director):
    version = PolicyVersion.objects.get(policy__number="0261")

    def decide(review, hours, outcome, by, role, supersedes=None):
        return Determination.objects.create(
            reference_number=f"D-{review.case_number}-{hours}", review=review, outcome=outcome,
            decided_at=review.received_at + hours * H, decided_by=by, decider_name=by.username,
            decider_role=role, policy_version=version, criteria_snapshot={}, wording_snapshot={},
            supersedes=supersedes,
        )

    r1 = make_review(case_number="R1", service="dli", urgency="urgent", received_at=at(5))
    decide(r1, 10, "approved", nurse, roles.NURSE)
    r2 = make_review(case_number="R2", service="dli", received_at=at(6))
    decide(r2, 100, "adverse", director, roles.DIRECTOR)
    r3 = make_review(case_number="R3", service="hpc_boost", line_of_business="medicare_advantage", received_at=at(7))
    decide(r3, 200, "approved", director, roles.DIRECTOR)  # overturned, and past the 7-day deadline
    make_review(case_number="R4", service="hpc_boost", urgency="urgent", line_of_business="medicare_advantage",
                received_at=at(8))  # pending
    r5 = make_review(case_number="R5", service="hpc_boost", received_at=at(9))
    first = decide(r5, 20, "approved", nurse, roles.NURSE)
    decide(r5, 300, "adverse", director, roles.DIRECTOR, supersedes=first)  # a correction
    make_review(case_number="R6", service="dli", received_at=dt.datetime(2026, 2, 1, 0, 30, tzinfo=NY))
    make_review(case_number="R0", service="dli", received_at=dt.datetime(2025, 12, 31, 23, 59, tzinfo=NY))


def test_the_figures_match_the_hand_built_requests(client, policy_staff, period):
    client.force_login(policy_staff)
    r = client.get(reverse("reports"), {"start": "2026-01-01", "end": "2026-01-31"})
    report = r.context["report"]
    counts = lambda c: (c.received, c.approved, c.adverse, c.overturned, c.pending)  # noqa: E731
    assert counts(report.by_service["dli"]) == (2, 1, 1, 0, 0)
    assert counts(report.by_service["hpc_boost"]) == (3, 1, 1, 1, 1)
    assert counts(report.total) == (5, 2, 2, 1, 1)
    assert (report.median_hours, report.p90_hours) == (60.0, 200.0)
    shares = {k: (t.decided, t.within_deadline) for k, t in report.timeliness.items()}
    assert shares == {
        ("urgent", "commercial"): (1, 1),
        ("standard", "commercial"): (2, 2),
        ("standard", "medicare_advantage"): (1, 0),
        ("urgent", "medicare_advantage"): (0, 0),
    }
    html = r.content.decode()
    assert "Median: 60.0 hours" in html and "90th percentile: 200.0 hours" in html


def test_the_csv_has_the_same_figures(client, policy_staff, period):
    client.force_login(policy_staff)
    r = client.get(reverse("reports_csv"), {"start": "2026-01-01", "end": "2026-01-31"})
    assert r["Content-Disposition"] == 'attachment; filename="prior-authorizations-2026-01-01-to-2026-01-31.csv"'
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == ["section", "group", "figure", "value"]
    assert ["requests", "All services", "received", "5"] in rows
    assert ["requests", "HPC boost (CPT 38243)", "overturned", "1"] in rows
    assert ["time to decision", "all", "90th percentile hours", "200.0"] in rows
    assert ["within deadline", "Standard, Medicare Advantage", "share", "0.000"] in rows


def test_a_bad_period_is_explained_beside_the_field(client, policy_staff):
    client.force_login(policy_staff)
    r = client.get(reverse("reports"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert r.context["report"] is None
    assert r.context["form"].errors["end"] == ["The end of the period cannot be before its start."]
    r = client.get(reverse("reports_csv"), {"start": "nonsense", "end": "2026-01-01"})
    assert r.status_code == 200 and "Enter a valid date." in r.content.decode()


@pytest.mark.parametrize("persona", ["nurse", "director"])
def test_reports_are_for_policy_staff(client, db, request, persona):
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("reports")).status_code == 403
    assert client.get(reverse("reports_csv")).status_code == 403


def test_the_report_makes_a_fixed_number_of_queries(client, policy_staff, period, django_assert_max_num_queries):
    client.force_login(policy_staff)
    with django_assert_max_num_queries(8):
        client.get(reverse("reports"), {"start": "2026-01-01", "end": "2026-01-31"})


def test_nearest_rank_and_median():
    assert reports.nearest_rank([1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0, 8.0, 9.0, 10.0], 90) == 9.0
    assert reports.nearest_rank([5.0], 90) == 5.0
    assert reports.build([], ["dli"], []).median_hours is None


def test_a_request_without_a_service_yet_is_counted_apart(client, policy_staff, make_review):
    make_review(case_number="R-BLANK", received_at=at(10))
    client.force_login(policy_staff)
    r = client.get(reverse("reports"), {"start": "2026-01-01", "end": "2026-01-31"})
    assert r.status_code == 200
    assert r.context["report"].by_service[""].received == 1
    assert "Service not yet entered" in r.content.decode()


@pytest.mark.parametrize("url", ["reports", "reports_csv"])
def test_a_period_after_today_is_refused_beside_the_field(client, policy_staff, url):
    client.force_login(policy_staff)
    r = client.get(reverse(url), {"start": "9999-12-31", "end": "9999-12-31"})
    assert r.status_code == 200 and r.context["report"] is None
    assert r.context["form"].errors == {
        "start": ["The period cannot start after today."],
        "end": ["The period cannot end after today."],
    }
    html = r.content.decode()
    for field in ("start", "end"):
        beside = html.split(f'id="id_{field}_error"', 1)[1].split("</div>", 1)[0]
        assert f"The period cannot {field} after today." in beside


def test_a_period_may_end_today_but_not_tomorrow(client, policy_staff):
    client.force_login(policy_staff)
    today = timezone.localdate()
    r = client.get(reverse("reports"), {"start": today, "end": today})
    assert r.context["report"] is not None
    r = client.get(reverse("reports"), {"start": today, "end": today + dt.timedelta(days=1)})
    assert r.context["form"].errors == {"end": ["The period cannot end after today."]}
