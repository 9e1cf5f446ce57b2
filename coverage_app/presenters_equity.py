"""The health equity report's figures as the page and the CSV show them: text for each cell and the
coordinates of each chart (drawn on the server, no JavaScript). Every suppressed figure becomes the
word "suppressed": nothing here reads a number behind a `Suppressed` marker."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from coverage_app.lib import equity
from coverage_app.lib.equity import ADVERSE, APPROVED, MEASURES, Share, Suppressed
from coverage_app.lib.taglines import TAGLINES

SUPPRESSED = "suppressed"
NONE = "\u2014"  # an em dash: nothing to divide by, or nothing decided
LANGUAGE_NAMES = {"en": "English", **{code: t.language for code, t in TAGLINES.items()}}
LANGUAGE_DIMENSIONS = ("spoken_language", "written_language")
CHART_MEASURES = (APPROVED, ADVERSE)


def group_label(dimension: str, row: equity.Row) -> str:
    if row.group in (equity.NOT_ASKED, equity.DECLINED, "all"):
        if dimension == "age_band" and row.group == equity.NOT_ASKED:
            return "Date of birth not recorded"
        return row.label
    if dimension in LANGUAGE_DIMENSIONS:
        return LANGUAGE_NAMES.get(row.group, row.group)
    return row.label


def percent(value: float) -> str:
    return f"{value * 100:.1f}"


def share_text(share: Share) -> str:
    if isinstance(share.value, Suppressed):
        return SUPPRESSED
    if share.value is None:
        return NONE
    low, high = share.interval
    return f"{percent(share.value)}% (95% CI {percent(low)}\u2013{percent(high)}%)"


def difference_text(share: Share) -> str:
    d = share.difference
    if isinstance(d, Suppressed):
        return SUPPRESSED
    if d is None:
        return ""
    return f"{d * 100:+.1f} points".replace("-", "\u2212")


def hours_text(hours) -> str:
    if isinstance(hours, Suppressed):
        return SUPPRESSED
    return NONE if hours is None else f"{hours:.1f}"


@dataclass(frozen=True)
class Cell:
    text: str
    difference: str = ""

    @property
    def suppressed(self) -> bool:
        return self.text == SUPPRESSED


@dataclass(frozen=True)
class RowView:
    label: str
    count: Cell
    shares: tuple[Cell, ...]  # in MEASURES order
    median: Cell
    p90: Cell
    total: bool  # the all-members row


def row_view(dimension: str, row: equity.Row) -> RowView:
    return RowView(
        total=row.group == "all",
        label=group_label(dimension, row),
        count=Cell(SUPPRESSED if isinstance(row.count, Suppressed) else str(row.count)),
        shares=tuple(Cell(share_text(row.shares[m]), difference_text(row.shares[m])) for m in MEASURES),
        median=Cell(hours_text(row.median_hours)),
        p90=Cell(hours_text(row.p90_hours)),
    )


# --- The chart: one per table, the nurse-approval and adverse shares of each group --------------

WIDTH, LABEL_RIGHT, X0, X1 = 480, 200, 210, 464  # room for a 30-character group name
TOP, ROW, BOTTOM = 40, 30, 30
COLOURS = {APPROVED: "#1f4e79", ADVERSE: "#9c3d00"}  # both at least 4.5:1 on white
OFFSETS = {APPROVED: 10, ADVERSE: 21}  # within a group's row


def _x(value: float) -> float:
    return round(X0 + value * (X1 - X0), 1)


@dataclass(frozen=True)
class Mark:
    measure: str  # APPROVED | ADVERSE
    y: float
    x: float | None = None  # None: no dot, `gap` says why
    low: float | None = None
    high: float | None = None
    gap: str = ""  # "suppressed" or "no requests"

    @property
    def corner(self) -> tuple[float, float]:  # the square's top left
        return round(self.x - 4, 1), round(self.y - 4, 1)

    @property
    def text_y(self) -> float:
        return round(self.y + 4, 1)

    @property
    def name(self) -> str:
        return "adverse" if self.measure == ADVERSE else "approved"


@dataclass(frozen=True)
class ChartRow:
    label: str
    y: float  # the top of the row
    label_y: float
    marks: tuple[Mark, ...]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str
    desc: str
    width: int
    height: int
    rows: tuple[ChartRow, ...]
    lines: tuple[tuple[str, float], ...]  # (measure, x) of the all-members figures shown
    ticks: tuple[tuple[float, str], ...]
    plot_top: int
    plot_bottom: int
    colours: dict
    x0: int
    x1: int
    label_right: int

    @property
    def gap_x(self) -> int:
        return self.x0 + 4

    @property
    def axis_label_y(self) -> int:
        return self.plot_bottom + 14

    @property
    def legend(self) -> dict:
        return {"circle_x": self.x0 + 4, "approved_x": self.x0 + 12, "square_x": self.x0 + 140,
                "adverse_x": self.x0 + 152}


def _mark(share: Share, measure: str, y: float) -> Mark:
    y = round(y + OFFSETS[measure], 1)
    if isinstance(share.value, Suppressed):
        return Mark(measure, y, gap=SUPPRESSED)
    if share.value is None:
        return Mark(measure, y, gap="no requests")
    low, high = share.interval
    return Mark(measure, y, _x(share.value), _x(low), _x(high))


def chart(table: equity.Table, line_label: str, chart_id: str) -> Chart:
    rows = []
    for i, row in enumerate(table.rows):
        y = TOP + i * ROW
        rows.append(ChartRow(group_label(table.dimension, row), y, y + 19,
                             tuple(_mark(row.shares[m], m, y) for m in CHART_MEASURES)))
    bottom = TOP + len(rows) * ROW
    overall = {m: table.all_members.shares[m].value for m in CHART_MEASURES}
    lines = tuple((m, _x(v)) for m, v in overall.items() if isinstance(v, float))
    shown = "; ".join(
        f"{MEASURES[m].lower()} {SUPPRESSED if isinstance(v, Suppressed) else NONE if v is None else percent(v) + '%'}"
        for m, v in overall.items()
    )
    gaps = [r.label for r, row in zip(rows, table.rows) if any(m.gap == SUPPRESSED for m in r.marks)]
    desc = (
        f"For each {table.label.lower()} group, {line_label}: the share approved by the nurse (circles) and the "
        f"share with an adverse determination (squares), each with its 95% interval, against the figure for all "
        f"members (vertical lines; all members: {shown}). "
        + (f"Suppressed, drawn as gaps: {', '.join(gaps)}. " if gaps else "")
        + "The table gives every figure."
    )
    return Chart(
        id=chart_id, title=f"{table.label}: approved by the nurse and adverse determinations, {line_label}",
        desc=desc, width=WIDTH, height=bottom + BOTTOM, rows=tuple(rows), lines=lines,
        ticks=tuple((_x(t / 100), f"{t}%") for t in (0, 25, 50, 75, 100)),
        plot_top=TOP - 4, plot_bottom=bottom, colours=COLOURS, x0=X0, x1=X1, label_right=LABEL_RIGHT,
    )


# --- The CSV ----------------------------------------------------------------------------------

CSV_HEADER = (
    "line of business", "dimension", "group", "measure", "numerator", "denominator", "share", "ci_low",
    "ci_high", "difference", "median_hours", "p90_hours",
)


def _csv(value, digits: int = 3) -> str:
    if isinstance(value, Suppressed):
        return SUPPRESSED
    if value is None:
        return ""
    return f"{value:.{digits}f}" if isinstance(value, float) else str(value)


def _interval(share: Share) -> tuple[str, str]:
    if isinstance(share.interval, Suppressed):
        return SUPPRESSED, SUPPRESSED
    return ("", "") if share.interval is None else (_csv(share.interval[0]), _csv(share.interval[1]))


def csv_rows(sections: Iterable[tuple[str, list[equity.Table], tuple[equity.CompletenessRow, ...]]]):
    """The header, then per line of business: a row per group (all members last) and measure of each
    table, then the completeness of each self-reported field."""
    yield CSV_HEADER
    for line_label, tables, completeness in sections:
        for table in tables:
            for row in (*table.rows, table.all_members):
                for m, label in MEASURES.items():
                    s = row.shares[m]
                    yield (line_label, table.label, group_label(table.dimension, row), label, _csv(s.numerator),
                           _csv(s.denominator), _csv(s.value), *_interval(s), _csv(s.difference),
                           _csv(row.median_hours, 1), _csv(row.p90_hours, 1))
        for c in completeness:
            for label, s in (("Answered", c.answered), ("Declined to answer", c.declined), ("Not asked", c.not_asked)):
                yield (line_label, "Completeness", c.label, label, _csv(s.numerator), _csv(s.denominator),
                       _csv(s.value), *_interval(s), "", "", "")


def completeness_text(share: Share) -> str:
    if isinstance(share.numerator, Suppressed):
        return SUPPRESSED
    if not share.denominator:
        return NONE
    return f"{percent(share.value)}% ({share.numerator} of {share.denominator})"


def guard_completeness(rows: Iterable[equity.CompletenessRow], tables: Iterable[equity.Table]):
    """The completeness rows, hiding what the tables of the same requests hide. Shown side by side,
    a "not asked" count here and a table's "Not asked" row hidden (complementary suppression) would
    give it back, and with it the small group hidden beside it. So "declined" and "not asked" are
    shown only where the field's table shows them, and "answered" only where it shows both (it is
    then the total less the two, which the table already gives): these cells never tell more than
    the table does."""
    counts = {t.dimension: {r.group: r.count for r in t.rows} for t in tables}
    guarded = []
    for row in rows:
        table = counts[row.field]
        hide = {k: isinstance(table.get(k, 0), Suppressed) for k in (equity.DECLINED, equity.NOT_ASKED)}
        hide[equity.ANSWERED] = any(hide.values())
        cells = {equity.ANSWERED: row.answered, equity.DECLINED: row.declined, equity.NOT_ASKED: row.not_asked}
        for k, share in cells.items():
            if hide[k] and not isinstance(share.numerator, Suppressed):
                s = Suppressed(True)
                cells[k] = Share(s, share.denominator, s, s, None)
        guarded.append(equity.CompletenessRow(row.field, row.label, cells[equity.ANSWERED], cells[equity.DECLINED],
                                              cells[equity.NOT_ASKED]))
    return tuple(guarded)
