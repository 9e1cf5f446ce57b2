"""Prior-authorization reports for policy staff: on a page and as CSV."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from coverage_app import roles, selectors
from coverage_app.forms import ReportPeriodForm
from coverage_app.lib import deadlines, reports
from coverage_app.models import Review
from coverage_app.view_helpers import csv_download

SERVICE_NAMES = {
    "dli": "DLI (CPT 38242)",
    "hpc_boost": "HPC boost (CPT 38243)",
    "": "Service not yet entered",  # a request still at its first step
    "total": "All services",
}
GROUPS = [(u, lob) for lob in Review.LineOfBusiness.values for u in Review.Urgency.values]
GROUP_NAMES = {
    (u, lob): f"{dict(Review.Urgency.choices)[u]}, {dict(Review.LineOfBusiness.choices)[lob]}"
    for u, lob in GROUPS
}


def _period(request: HttpRequest) -> ReportPeriodForm:
    return ReportPeriodForm.from_query(request.GET, default_days=30)


def _rows(form: ReportPeriodForm) -> list[reports.RequestRow]:
    return selectors.report_rows(*form.moments())


def _build(form: ReportPeriodForm) -> reports.Report:
    return reports.build(_rows(form), ["dli", "hpc_boost"], GROUPS)


LINE_NAMES = dict(Review.LineOfBusiness.choices)


@roles.role_required(roles.POLICY_STAFF)
def report_page(request: HttpRequest) -> HttpResponse:
    form = _period(request)
    rows = _rows(form) if form.is_valid() else None
    report = reports.build(rows, ["dli", "hpc_boost"], GROUPS) if rows is not None else None
    ctx = {
        "form": form,
        "report": report,
        # CMS-0057-F's yearly figures, for the requests of the period (a whole year gives the year's).
        "public": [
            (year, LINE_NAMES.get(line, line), kind, m)
            for (year, line, kind), m in reports.public_metrics(rows, timezone.get_current_timezone()).items()
        ] if rows is not None else [],
        "services": [(SERVICE_NAMES[k], c) for k, c in report.by_service.items()] if report else [],
        "timeliness": [
            (GROUP_NAMES[k], deadlines.DECISION_WINDOWS[(k[1], k[0])], t)
            for k, t in report.timeliness.items()
        ]
        if report
        else [],
        "query": request.GET.urlencode(),
    }
    return render(request, "coverage_app/reports.html", ctx)


@roles.role_required(roles.POLICY_STAFF)
def report_csv(request: HttpRequest) -> HttpResponse:
    form = _period(request)
    if not form.is_valid():
        return report_page(request)
    name = f"prior-authorizations-{form.cleaned_data['start']}-to-{form.cleaned_data['end']}.csv"
    return csv_download(name, reports.as_csv_rows(_build(form), SERVICE_NAMES, GROUP_NAMES))


@roles.role_required(roles.POLICY_STAFF)
def public_metrics_csv(request: HttpRequest) -> HttpResponse:
    """CMS-0057-F's figures for the period, one row per year, line of business and standard or
    expedited."""
    form = _period(request)
    if not form.is_valid():
        return report_page(request)
    name = f"prior-authorization-metrics-{form.cleaned_data['start']}-to-{form.cleaned_data['end']}.csv"
    metrics = reports.public_metrics(_rows(form), timezone.get_current_timezone())
    return csv_download(name, reports.public_metrics_csv_rows(metrics, LINE_NAMES))
