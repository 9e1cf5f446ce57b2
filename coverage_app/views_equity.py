"""The health equity report for policy staff: how decided requests went for each group of members
(lib/equity.py), on a page with a chart per table, and as CSV."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from coverage_app import presenters_equity as present
from coverage_app import roles, selectors
from coverage_app.forms import ReportPeriodForm
from coverage_app.lib import equity
from coverage_app.models import Review
from coverage_app.view_helpers import csv_download

DEFAULT_DAYS = 90
LINES = tuple(Review.LineOfBusiness.choices)  # (code, the name the prior-authorization report uses)


def _period(request: HttpRequest) -> ReportPeriodForm:
    return ReportPeriodForm.from_query(request.GET, default_days=DEFAULT_DAYS)


def _sections(form: ReportPeriodForm):
    """(line name, tables, completeness) per line of business, each from one call on the requests
    decided: a pending request has no outcome to count, and would only dilute the shares."""
    decided = [r for r in selectors.equity_requests(*form.moments()) if r.hours_to_decision is not None]
    for code, name in LINES:
        requests = [r for r in decided if r.line_of_business == code]
        tables = [equity.stratify(requests, d) for d in equity.DIMENSIONS]
        yield code, name, tables, present.guard_completeness(equity.completeness(requests), tables)


@roles.role_required(roles.POLICY_STAFF)
def equity_report(request: HttpRequest) -> HttpResponse:
    form = _period(request)
    lines = None
    if form.is_valid():
        lines = [
            {
                "name": name,
                "tables": [
                    {
                        "id": f"{code}-{t.dimension}",
                        "label": t.label,
                        "rows": [present.row_view(t.dimension, row) for row in (*t.rows, t.all_members)],
                        "chart": present.chart(t, name, f"chart-{code}-{t.dimension}"),
                    }
                    for t in tables
                ],
                "completeness": [
                    (c.label, *(present.completeness_text(s) for s in (c.answered, c.declined, c.not_asked)))
                    for c in completeness
                ],
            }
            for code, name, tables, completeness in _sections(form)
        ]
    ctx = {
        "form": form,
        "lines": lines,
        "measures": list(equity.MEASURES.values()),
        "note": equity.NOTE,
        "threshold": equity.THRESHOLD,
    }
    return render(request, "coverage_app/equity_report.html", ctx)


@roles.role_required(roles.POLICY_STAFF)
def equity_csv(request: HttpRequest) -> HttpResponse:
    form = _period(request)
    if not form.is_valid():
        return equity_report(request)
    sections = ((name, tables, completeness) for _, name, tables, completeness in _sections(form))
    return csv_download(f"health-equity-{form.cleaned_data['start']}-to-{form.cleaned_data['end']}.csv",
                        present.csv_rows(sections))
