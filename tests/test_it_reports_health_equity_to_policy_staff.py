"""The health equity report's page and CSV (views_equity), against hand-built requests with known
figures: the counts and Wilson intervals of a group of 11 or more, "suppressed" (and never the
number) for a smaller one, the chart, the CSV agreeing, policy staff only, and a fixed number of
queries."""

import csv
import datetime as dt
import io
import re
import zoneinfo
from html.parser import HTMLParser

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from coverage_app import roles, selectors
from coverage_app.lib import equity
from coverage_app.models import Appeal, Determination, MemberDemographics, PolicyVersion, ReviewEvent


NY = zoneinfo.ZoneInfo("America/New_York")
H = dt.timedelta(hours=1)
PERIOD = {"start": "2026-01-01", "end": "2026-01-31"}
BORN = dt.date(1970, 4, 2)  # 55 in January 2026: "40-64"


@pytest.fixture
def build(make_review, nurse, director, policy_staff):
    """build(n, race=..., sex=..., spoken=..., approved=k): n decided commercial requests of one
    group received in January 2026, the first k approved by the nurse in 10 hours, the others
    referred and denied by the director in 100 hours."""
    version = PolicyVersion.objects.get(policy__number="0261")
    made = []

    def decide(review, hours, outcome, by, role, **extra):
        return Determination.objects.create(
            reference_number=f"D-{review.case_number}-{hours}", review=review, outcome=outcome,
            decided_at=review.received_at + hours * H, decided_by=by, decider_name=by.username,
            decider_role=role, policy_version=version, criteria_snapshot={}, wording_snapshot={}, **extra,
        )

    def make(n, *, race=(), sex="", spoken="", approved=None, line="commercial"):
        approved = n if approved is None else approved
        for i in range(n):
            k = len(made)
            review = make_review(case_number=f"EQ{k:04d}", line_of_business=line, member_date_of_birth=BORN,
                                 received_at=dt.datetime(2026, 1, 1 + k % 28, 9, tzinfo=NY))
            MemberDemographics.objects.create(
                review=review, race_ethnicity=list(race), spoken_language=spoken, written_language=spoken, sex=sex,
                recorded_at=review.received_at, recorded_by=nurse,
            )
            if i < approved:
                decide(review, 10, "approved", nurse, roles.NURSE)
            else:
                ReviewEvent.objects.create(review=review, actor=nurse, action=ReviewEvent.Action.REFERRED)
                decide(review, 100, "adverse", director, roles.DIRECTOR)
            made.append(review)
        return made

    make.decide = decide
    return make


@pytest.fixture
def known(build):
    """22 Hispanic or Latino women speaking Spanish, half approved by the nurse, half denied; 5 Asian
    men speaking Vietnamese, all approved (a group under 11); 12 White members, sex not asked, all
    approved (suppressed too, complementarily, or 39 - 22 - 12 would give the 5 away)."""
    build(22, race=("hispanic",), sex="female", spoken="es", approved=11)
    build(5, race=("asian",), sex="male", spoken="vi")
    build(12, race=("white",))


def cells(html: str, table_id: str) -> dict[str, list[str]]:
    """The rows of the table headed by the h3 `table_id`: {row label: [cell texts]}."""
    table = html.split(f'aria-labelledby="{table_id}"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for tr in re.findall(r"<tr.*?</tr>", table, re.S)[1:]:
        texts = [re.sub(r"<sup>.*?</sup>|<[^>]+>", " ", c) for c in re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)]
        texts = [" ".join(t.split()) for t in texts]
        rows[texts[0]] = texts[1:]
    return rows


def test_the_page_shows_a_large_groups_figures_and_suppresses_a_small_one(client, policy_staff, known):
    client.force_login(policy_staff)
    r = client.get(reverse("equity_report"), PERIOD)
    assert r.status_code == 200
    html = r.content.decode()
    race = cells(html, "commercial-race_ethnicity")
    low, high = equity.wilson(11, 22)
    assert f"{low:.3f}"[:4] == "0.30" and f"{high:.3f}"[:4] == "0.69"  # Newcombe's method 3, checked by hand
    hispanic = race["Hispanic or Latino"]
    assert hispanic[0] == "22"
    assert hispanic[1] == f"50.0% (95% CI {low * 100:.1f}–{high * 100:.1f}%) \u221221.8 points from all members"
    assert hispanic[3].startswith("50.0% (95% CI")  # adverse: 11 of 22
    assert hispanic[-2:] == ["55.0", "100.0"]  # median and 90th percentile hours
    for group in ("Asian", "White"):  # under 11, and its complement
        assert set(race[group]) == {"suppressed"}
    assert race["All members"][0] == "39" and race["All members"][1].startswith("71.8% (95% CI")
    spoken = cells(html, "commercial-spoken_language")
    assert spoken["Spanish"][0] == "22" and set(spoken["Vietnamese"]) == {"suppressed"}
    assert html.count("<h1") == 1
    assert equity.NOTE in html and "Wilson" in html and "never used in a coverage decision" in html
    assert "Medicare Advantage" in html and "Commercial / employer plan (ERISA)" in html


def test_the_chart_is_an_accessible_svg_with_suppressed_groups_as_gaps(client, policy_staff, known):
    client.force_login(policy_staff)
    html = client.get(reverse("equity_report"), PERIOD).content.decode()
    svg = html.split('id="chart-commercial-race_ethnicity-title"', 1)[1].split("</svg>", 1)[0]
    assert '<svg xmlns="http://www.w3.org/2000/svg" role="img"' in html
    assert "<title id=\"chart-commercial-race_ethnicity-title\">Race and ethnicity:" in html
    assert "Suppressed, drawn as gaps: Asian, White." in svg
    assert svg.count("approved: suppressed") == 2 and svg.count("adverse: suppressed") == 2
    assert svg.count("<circle") == 1 + 1  # the legend's, and Hispanic or Latino's approval share
    assert "<script" not in svg

    class Check(HTMLParser):  # well-formed enough: every svg element opened is closed
        depth = 0

        def handle_starttag(self, tag, attrs):
            self.depth += tag == "svg"

        def handle_endtag(self, tag):
            self.depth -= tag == "svg"

    parser = Check()
    parser.feed(html)
    assert parser.depth == 0 and html.count('role="img"') == 2 * len(equity.DIMENSIONS)


def test_the_csv_has_the_same_figures_and_never_a_hidden_one(client, policy_staff, known):
    client.force_login(policy_staff)
    r = client.get(reverse("equity_csv"), PERIOD)
    assert r["Content-Disposition"] == 'attachment; filename="health-equity-2026-01-01-to-2026-01-31.csv"'
    rows = list(csv.reader(io.StringIO(r.content.decode())))
    assert rows[0] == ["line of business", "dimension", "group", "measure", "numerator", "denominator", "share",
                       "ci_low", "ci_high", "difference", "median_hours", "p90_hours"]
    low, high = equity.wilson(11, 22)
    line = "Commercial / employer plan (ERISA)"
    assert [line, "Race and ethnicity", "Hispanic or Latino", "Approved by the nurse", "11", "22", "0.500",
            f"{low:.3f}", f"{high:.3f}", f"{0.5 - 28 / 39:.3f}", "55.0", "100.0"] in rows
    asian = [row for row in rows if row[:3] == [line, "Race and ethnicity", "Asian"]]
    assert len(asian) == len(equity.MEASURES)
    assert all(set(row[4:]) == {"suppressed"} for row in asian)
    vietnamese = [row for row in rows if row[2] == "Vietnamese"]
    assert vietnamese and all("5" not in row[4:] for row in vietnamese)
    # The sex table hides "Not asked" (12) beside Male (5): completeness must not give the 12 back, nor the
    # 27 answered (39 - 27 = 12), however safe each is alone.
    for measure in ("Answered", "Not asked"):
        assert [line, "Completeness", "Sex", measure, "suppressed", "39", "suppressed", "suppressed", "suppressed",
                "", "", ""] in rows
    assert [line, "Completeness", "Sex", "Declined to answer", "0", "39", "0.000"] == \
        [row for row in rows if row[1:4] == ["Completeness", "Sex", "Declined to answer"]][0][:7]
    page = cells(client.get(reverse("equity_report"), PERIOD).content.decode(), "commercial-sex")
    assert page["Female"][0] == "22"


@pytest.mark.parametrize("persona", ["nurse", "director_with_credentials"])
def test_the_report_is_for_policy_staff_only(db, client, request, persona):  # db: ordered with the db tests
    client.force_login(request.getfixturevalue(persona))
    assert client.get(reverse("equity_report")).status_code == 403
    assert client.get(reverse("equity_csv")).status_code == 403


def test_the_default_period_is_the_last_90_days_and_a_bad_one_is_explained(client, policy_staff):
    client.force_login(policy_staff)
    r = client.get(reverse("equity_report"))
    form = r.context["form"]
    assert (form.cleaned_data["end"] - form.cleaned_data["start"]).days == 89
    r = client.get(reverse("equity_csv"), {"start": "2026-02-01", "end": "2026-01-01"})
    assert r.status_code == 200 and "The end of the period cannot be before its start." in r.content.decode()


def test_the_queries_do_not_grow_with_the_requests(client, policy_staff, build):
    client.force_login(policy_staff)

    def count(url):
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse(url), PERIOD).status_code == 200
        return len(ctx.captured_queries)

    build(5, race=("black",), sex="female")
    few = count("equity_report"), count("equity_csv")
    build(25, race=("white", "aian"), sex="male", spoken="ko", approved=12)
    assert (count("equity_report"), count("equity_csv")) == few


def test_the_selector_reads_each_requests_facts_in_one_query(build, director, django_assert_num_queries):
    build(1)
    denied = build(1, race=("declined",), sex="declined", approved=0)[-1]
    # Denied, appealed, and approved on appeal: the approval supersedes the adverse determination.
    adverse = denied.determinations.get()
    approval = build.decide(denied, 500, "approved", director, roles.DIRECTOR, supersedes=adverse)
    Appeal.objects.create(
        reference_number="A-1", review=denied, determination=adverse, status=Appeal.Status.OVERTURNED,
        requester=Appeal.Requester.MEMBER, received_at=adverse.decided_at + H, channel=Appeal.Channel.MAIL,
        due_at=adverse.decided_at + 720 * H, logged_by=director, approval=approval,
    )
    start, end = dt.datetime(2026, 1, 1, tzinfo=NY), dt.datetime(2026, 2, 1, tzinfo=NY)
    with django_assert_num_queries(1):
        got = selectors.equity_requests(start, end)
    assert len(got) == 2
    a, d = got
    assert (a.nurse_approved, a.sent_to_physician, a.adverse, a.appealed, a.hours_to_decision) == (
        True, False, False, False, 10.0)
    assert (d.nurse_approved, d.sent_to_physician, d.adverse, d.appealed, d.overturned_on_appeal) == (
        False, True, True, True, True)
    assert d.hours_to_decision == 100.0 and d.race_ethnicity == ("declined",) and d.sex == "declined"
    assert a.age_band == "40-64" and a.spoken_language == "" and a.line_of_business == "commercial"
