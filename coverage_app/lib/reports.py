"""Prior-authorization figures for a period, as plans publish them. Pure: no Django.

Covers the requests received in the period: how many, how they ended (so far), how long a decision
took from receipt, and what share was decided within its deadline. Also the yearly metrics CMS-0057-F
has payers publish (42 CFR 422.122(c), 45 CFR 156.223(b)): `public_metrics`.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable
from dataclasses import dataclass, field

APPROVED, ADVERSE = "approved", "adverse"


@dataclass(frozen=True)
class RequestRow:
    service: str  # dli | hpc_boost
    urgency: str  # standard | urgent
    line_of_business: str  # commercial | medicare_advantage
    received_at: dt.datetime
    due_at: dt.datetime
    first_decided_at: dt.datetime | None  # the first determination; corrections don't restart it
    outcome: str | None  # of the determination in force: approved | adverse | None (pending)
    overturned: bool  # a medical director overturned a nurse's referral and approved
    # The clock (lib/clocks.py): information asked for (the clock paused where the rules allow),
    # an extension taken, information that never came (sent to physician review).
    information_requested: bool = False
    extended: bool = False
    information_lapsed: bool = False
    approved_on_appeal: bool = False  # denied at first, approved after the member's appeal


@dataclass
class Counts:
    received: int = 0
    approved: int = 0
    adverse: int = 0
    overturned: int = 0
    pending: int = 0
    information_requested: int = 0
    extended: int = 0
    information_lapsed: int = 0


@dataclass
class Timeliness:
    decided: int = 0
    within_deadline: int = 0

    @property
    def share(self) -> float | None:
        return self.within_deadline / self.decided if self.decided else None


@dataclass
class Report:
    by_service: dict[str, Counts] = field(default_factory=dict)
    total: Counts = field(default_factory=Counts)
    median_hours: float | None = None
    p90_hours: float | None = None
    timeliness: dict[tuple[str, str], Timeliness] = field(default_factory=dict)


def nearest_rank(sorted_values: list[float], percent: float) -> float:
    """The nearest-rank percentile: the smallest value with at least `percent`% at or below it."""
    rank = max(1, math.ceil(percent / 100 * len(sorted_values)))
    return sorted_values[rank - 1]


def build(rows: Iterable[RequestRow], services: Iterable[str], groups: Iterable[tuple[str, str]]) -> Report:
    report = Report(
        by_service={s: Counts() for s in services},
        timeliness={g: Timeliness() for g in groups},
    )
    hours: list[float] = []
    for row in rows:
        for counts in (report.by_service.setdefault(row.service, Counts()), report.total):
            counts.received += 1
            counts.approved += row.outcome == APPROVED
            counts.adverse += row.outcome == ADVERSE
            counts.overturned += row.overturned
            counts.pending += row.outcome is None
            counts.information_requested += row.information_requested
            counts.extended += row.extended
            counts.information_lapsed += row.information_lapsed
        if row.first_decided_at is None:
            continue
        hours.append((row.first_decided_at - row.received_at).total_seconds() / 3600)
        t = report.timeliness.setdefault((row.urgency, row.line_of_business), Timeliness())
        t.decided += 1
        t.within_deadline += row.first_decided_at <= row.due_at
    if hours:
        hours.sort()
        report.median_hours = statistics.median(hours)
        report.p90_hours = nearest_rank(hours, 90)
    return report


OUTCOME_FIGURES = ("received", "approved", "adverse", "overturned", "pending")
CLOCK_FIGURES = ("information_requested", "extended", "information_lapsed")


def as_csv_rows(report: Report, service_names: dict[str, str], group_names: dict[tuple[str, str], str]):
    """(section, group, figure, value) rows for a spreadsheet."""
    yield ("section", "group", "figure", "value")
    for key, counts in [*report.by_service.items(), ("total", report.total)]:
        name = service_names.get(key, key)
        for figure in (*OUTCOME_FIGURES, *CLOCK_FIGURES):
            yield ("requests", name, figure, getattr(counts, figure))
    yield ("time to decision", "all", "median hours", _round(report.median_hours))
    yield ("time to decision", "all", "90th percentile hours", _round(report.p90_hours))
    for key, t in report.timeliness.items():
        name = group_names.get(key, " / ".join(key))
        yield ("within deadline", name, "decided", t.decided)
        yield ("within deadline", name, "within deadline", t.within_deadline)
        yield ("within deadline", name, "share", "" if t.share is None else f"{t.share:.3f}")


def _round(value: float | None):
    return "" if value is None else f"{value:.1f}"


# The metrics CMS-0057-F has payers publish each year (42 CFR 422.122(c), 45 CFR 156.223(b)).

STANDARD, EXPEDITED = "standard", "expedited"


@dataclass
class PublicMetrics:
    """One group: (year of receipt, line of business, standard | expedited).

    Denominators: the approved, denied and approved-after-appeal shares are of the requests decided
    (outcome not None); requests still pending are left out of them and counted apart (`pending`).
    The extended share is of the approved requests, as CMS words it: "approved, for which the
    timeframe for review was extended". Hours run from receipt to the first decision, decided requests only.
    """

    requests: int = 0  # received in the group
    decided: int = 0
    approved: int = 0
    denied: int = 0
    approved_on_appeal: int = 0  # among the decided
    approved_extended: int = 0  # among the approved
    hours: list[float] = field(default_factory=list)

    @property
    def pending(self) -> int:
        return self.requests - self.decided

    @property
    def approved_share(self) -> float | None:
        return self.approved / self.decided if self.decided else None

    @property
    def denied_share(self) -> float | None:
        return self.denied / self.decided if self.decided else None

    @property
    def approved_on_appeal_share(self) -> float | None:
        return self.approved_on_appeal / self.decided if self.decided else None

    @property
    def extended_share(self) -> float | None:
        return self.approved_extended / self.approved if self.approved else None

    @property
    def average_hours(self) -> float | None:
        return statistics.fmean(self.hours) if self.hours else None

    @property
    def median_hours(self) -> float | None:
        return statistics.median(self.hours) if self.hours else None


def public_metrics(rows: Iterable[RequestRow], tz: dt.tzinfo) -> dict[tuple[int, str, str], PublicMetrics]:
    """PublicMetrics by (year of receipt in the plan's time zone `tz`, line of business, standard | expedited),
    sorted by year, then line of business, then standard before expedited."""
    groups: dict[tuple[int, str, str], PublicMetrics] = {}
    for row in rows:
        kind = EXPEDITED if row.urgency == "urgent" else STANDARD
        m = groups.setdefault((row.received_at.astimezone(tz).year, row.line_of_business, kind), PublicMetrics())
        m.requests += 1
        if row.outcome is None:
            continue
        m.decided += 1
        m.approved += row.outcome == APPROVED
        m.denied += row.outcome == ADVERSE
        m.approved_on_appeal += row.approved_on_appeal
        m.approved_extended += row.outcome == APPROVED and row.extended
        m.hours.append((row.first_decided_at - row.received_at).total_seconds() / 3600)
    return dict(sorted(groups.items(), key=lambda item: (*item[0][:2], item[0][2] == EXPEDITED)))


PUBLIC_METRICS_HEADER = (
    "year", "line of business", "type", "requests", "decided", "approved share", "denied share",
    "approved after appeal share", "approved with extended timeframe share", "average hours", "median hours",
)


def public_metrics_csv_rows(metrics: dict[tuple[int, str, str], PublicMetrics], line_names: dict[str, str]):
    """The header, then one row per group: shares to 3 decimals, hours to 1, "" where there is nothing to divide."""
    yield PUBLIC_METRICS_HEADER
    for (year, line, kind), m in metrics.items():
        yield (
            year, line_names.get(line, line), kind, m.requests, m.decided,
            _share(m.approved_share), _share(m.denied_share), _share(m.approved_on_appeal_share),
            _share(m.extended_share), _round(m.average_hours), _round(m.median_hours),
        )


def _share(value: float | None):
    return "" if value is None else f"{value:.3f}"
