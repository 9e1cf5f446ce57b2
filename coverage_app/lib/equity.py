"""Health equity figures: how reviews went for each group of members, with small numbers suppressed. Pure: no Django.

For the requests the caller passes (one period, one line of business: filter before calling, and
pass the requests decided if pending ones are not wanted in the denominators), `stratify` gives, for
each group of one demographic dimension and for all members: the number of requests; the shares
approved by the nurse, sent to physician review, given an adverse determination, appealed, and
overturned on appeal (of those appealed); each share's Wilson score 95% interval and its difference
from the all-members share; the median and 90th-percentile hours to decision (reports.py's way:
`statistics.median` and `reports.nearest_rank`). `completeness` gives, per self-reported field, the
requests answered / declined / not asked.

Dimensions: race and ethnicity (OMB SPD 15, 2024 combined question; a member may give several: the
request is counted in each group given, so the race groups add up to at least the total, not to
it); preferred spoken language; preferred written language; sex (self-reported); age band (from the
date of birth on the date of the request, `age_band`). "Not asked" (nothing recorded) and "Declined
to answer" are groups of every self-reported dimension.

Suppression (CMS cell size suppression policy: no cell of 1 to 10 may be shown, nor any figure from
which such a cell can be worked out). Counts are of requests, the unit the rows carry.
1. Primary. A count of 1-10 is suppressed; 0 is shown, as CMS allows. A share is suppressed when
   its numerator or its complement (denominator - numerator) is 1-10: 12 of 13 approved says that
   one member was not. Hours are suppressed when built on 1-10 decisions. A suppressed count hides
   its whole row. "Approved by the nurse" and "sent to physician review" are hidden together (a
   decided request is usually one or the other, so either would give the other away), and a hidden
   "appealed" hides "overturned on appeal" (its denominator).
2. Complementary. Within a dimension these sets of cells add up to the all-members figure: the
   groups' counts; for each share, the groups' numerators, and the groups' complements. For race the
   sum is at least the all-members figure (a lower bound), which with "fewer than 11" can still pin a
   lone suppressed cell; race is protected the same way. In every such set (whether or not the
   all-members figure is shown here: reports.py publishes totals) the suppressed cells must be none,
   all zero, or at least two with a sum greater than their number (two suppressed cells adding up to
   2 would each be 1). Otherwise the next smallest shown non-zero cell is suppressed too, and so on
   until every set passes. The sets are rechecked after each step, since a hidden count hides a row.
3. A difference from all members is shown only when both shares are.
Every suppressed cell is the same `Suppressed` marker and renders the same text, "suppressed" (with
`NOTE` as its footnote): labelling the complementary cells apart, or calling them "fewer than 11",
would be untrue of them and would let a reader bound the others. Not covered: differencing against
other tables (other periods, other lines of business, a table over all lines of business); show
only tables built by one call each.

Wilson interval: E. B. Wilson, "Probable inference, the law of succession, and statistical
inference", JASA 22 (1927) 209-212; values checked against R. G. Newcombe, Statistics in Medicine 17
(1998) 857-872, table I.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from coverage_app.lib.reports import nearest_rank

THRESHOLD = 11  # the smallest count shown, other than 0
Z95 = 1.959963984540054

NOT_ASKED, DECLINED = "not_asked", "declined"
ANSWERED = "answered"
UNANSWERED = ((NOT_ASKED, "Not asked"), (DECLINED, "Declined to answer"))

RACE_ETHNICITY = (  # OMB SPD 15 (2024), minimum categories of the combined question
    ("aian", "American Indian or Alaska Native"),
    ("asian", "Asian"),
    ("black", "Black or African American"),
    ("hispanic", "Hispanic or Latino"),
    ("mena", "Middle Eastern or North African"),
    ("nhpi", "Native Hawaiian or Pacific Islander"),
    ("white", "White"),
)
SEX = (("female", "Female"), ("male", "Male"), ("another", "Another sex"))
AGE_BANDS = (
    ("0-17", "0\u201317"), ("18-39", "18\u201339"), ("40-64", "40\u201364"), ("65-74", "65\u201374"),
    ("75+", "75 and over"),
)
_AGE_FROM = (0, 18, 40, 65, 75)

DIMENSIONS = {
    "race_ethnicity": "Race and ethnicity",
    "spoken_language": "Preferred spoken language",
    "written_language": "Preferred written language",
    "sex": "Sex",
    "age_band": "Age",
}
COMPLETENESS_FIELDS = ("race_ethnicity", "spoken_language", "written_language", "sex")
_CATEGORIES = {  # groups listed even when empty, in this order; other codes seen follow, sorted
    "race_ethnicity": (*RACE_ETHNICITY, *UNANSWERED),
    "spoken_language": UNANSWERED,
    "written_language": UNANSWERED,
    "sex": (*SEX, *UNANSWERED),
    "age_band": AGE_BANDS,
}
LABELS = dict((*RACE_ETHNICITY, *SEX, *AGE_BANDS, *UNANSWERED, (ANSWERED, "Answered")))

APPROVED, PHYSICIAN, ADVERSE, APPEALED, OVERTURNED = (
    "nurse_approved", "sent_to_physician", "adverse", "appealed", "overturned_on_appeal")
MEASURES = {  # share -> label; the denominator is the row's count, but appealed for overturned
    APPROVED: "Approved by the nurse",
    PHYSICIAN: "Sent to physician review",
    ADVERSE: "Adverse determination",
    APPEALED: "Appealed",
    OVERTURNED: "Overturned on appeal (of those appealed)",
}
_COUNT, _HOURS = "count", "hours"
_ROW = frozenset((_COUNT, _HOURS, *MEASURES))
NOTE = ("Suppressed: fewer than 11 requests, or hidden so that a figure of fewer than 11 "
        "cannot be worked out from the others.")


@dataclass(frozen=True)
class Request:
    line_of_business: str
    race_ethnicity: tuple[str, ...]  # codes of RACE_ETHNICITY; () = not asked; (DECLINED,)
    spoken_language: str  # a language code, NOT_ASKED ("" too) or DECLINED
    written_language: str
    sex: str  # a code of SEX, NOT_ASKED ("" too) or DECLINED
    age_band: str  # age_band(date of birth, date of request)
    nurse_approved: bool
    sent_to_physician: bool
    adverse: bool
    appealed: bool
    overturned_on_appeal: bool
    hours_to_decision: float | None  # None: not decided


@dataclass(frozen=True)
class Suppressed:
    """A figure withheld. `complementary` is for audits and tests only: never render it."""

    complementary: bool = False

    def __str__(self) -> str:
        return "suppressed"


@dataclass(frozen=True)
class Share:
    numerator: int | Suppressed
    denominator: int | Suppressed
    value: float | None | Suppressed  # None: denominator 0
    interval: tuple[float, float] | None | Suppressed  # Wilson 95%
    difference: float | None | Suppressed  # value - the all-members value (None in completeness)


@dataclass(frozen=True)
class Row:
    group: str  # a code, or "all"
    label: str
    count: int | Suppressed
    shares: Mapping[str, Share]  # keyed as MEASURES
    median_hours: float | None | Suppressed  # None: nothing decided
    p90_hours: float | None | Suppressed


@dataclass(frozen=True)
class Table:
    dimension: str
    label: str
    rows: tuple[Row, ...]  # the groups
    all_members: Row


@dataclass(frozen=True)
class CompletenessRow:
    field: str
    label: str
    answered: Share  # of all requests
    declined: Share
    not_asked: Share


def age_band(born: dt.date, on: dt.date) -> str:
    """The AGE_BANDS code for the age in whole years on `on` (born 29 February: a year older on 1 March)."""
    if born > on:
        raise ValueError("born after the date of the request")
    age = on.year - born.year - ((on.month, on.day) < (born.month, born.day))
    return next(code for (code, _), start in zip(reversed(AGE_BANDS), reversed(_AGE_FROM)) if age >= start)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """The Wilson score interval (lower, upper) for `successes` of `n`; ValueError when n is 0 (no
    interval without data: the tables show None there) or successes is not within 0..n."""
    if n <= 0 or not 0 <= successes <= n:
        raise ValueError(f"no interval for {successes} of {n}")
    p, z2 = successes / n, z * z
    centre = (p + z2 / (2 * n)) / (1 + z2 / n)
    half = z / (1 + z2 / n) * math.sqrt(p * (1 - p) / n + z2 / (4 * n * n))
    return (0.0 if successes == 0 else centre - half, 1.0 if successes == n else centre + half)


@dataclass(frozen=True)
class _Tally:
    count: int
    numerators: Mapping[str, int]
    hours: list[float]  # sorted

    def denominator(self, measure: str) -> int:
        return self.numerators[APPEALED] if measure == OVERTURNED else self.count


def _tally(requests: list[Request]) -> _Tally:
    return _Tally(
        count=len(requests),
        numerators={m: sum(bool(getattr(r, m)) for r in requests) for m in MEASURES},
        hours=sorted(r.hours_to_decision for r in requests if r.hours_to_decision is not None),
    )


def _small(n: int) -> bool:
    return 0 < n < THRESHOLD


def _primary(t: _Tally) -> set[str]:
    hidden = {_COUNT} if _small(t.count) else set()
    hidden |= {m for m in MEASURES if _small(t.numerators[m]) or _small(t.denominator(m) - t.numerators[m])}
    return hidden | ({_HOURS} if _small(len(t.hours)) else set())


def _within_row(hidden: set[str]) -> set[str]:
    if _COUNT in hidden:
        return set(_ROW)
    if hidden & {APPROVED, PHYSICIAN}:
        hidden = hidden | {APPROVED, PHYSICIAN}
    return hidden | ({OVERTURNED} if APPEALED in hidden else set())


def _next_to_hide(values: Mapping[str, int], hidden: set[str]) -> str | None:
    """The cell to hide next in a set of cells adding up to a known figure, or None if the hidden
    ones already cannot be worked out: none, all zero, or two or more adding up to more than their number."""
    hid = [v for k, v in values.items() if k in hidden]
    if not hid or sum(hid) == 0 or (len(hid) > 1 and sum(hid) > len(hid)):
        return None
    shown = [k for k, v in values.items() if k not in hidden and v > 0]
    return min(shown, key=values.__getitem__, default=None)  # the first listed of equals


def _columns():
    yield _COUNT, lambda t: t.count
    for m in MEASURES:
        yield m, lambda t, m=m: t.numerators[m]
        yield m, lambda t, m=m: t.denominator(m) - t.numerators[m]


def _suppress(tallies: Mapping[str, _Tally]) -> dict[str, set[str]]:
    hidden = {g: _within_row(_primary(t)) for g, t in tallies.items()}
    primary = {g: set(h) for g, h in hidden.items()}
    while True:
        for item, value in _columns():
            g = _next_to_hide({g: value(t) for g, t in tallies.items()}, {g for g in tallies if item in hidden[g]})
            if g is not None:
                hidden[g] = _within_row(hidden[g] | {item})
                break
        else:
            return {g: {(i, i not in primary[g]) for i in h} for g, h in hidden.items()}


def _groups_of(request: Request, dimension: str) -> tuple[str, ...]:
    value = getattr(request, dimension)
    if dimension == "race_ethnicity":
        return tuple(dict.fromkeys(c for c in value if c != NOT_ASKED)) or (NOT_ASKED,)
    return (value or NOT_ASKED,)


def _marker(item: str, hidden: set[tuple[str, bool]]) -> Suppressed | None:
    return next((Suppressed(complementary) for i, complementary in hidden if i == item), None)


def _share(num: int, den: int, hidden: Suppressed | None, den_hidden: Suppressed | None,
           overall: float | None | Suppressed = None) -> Share:
    value = num / den if den else None
    if hidden:
        return Share(hidden, den_hidden or den, hidden, hidden, hidden)
    difference = None if value is None or overall is None else (
        Suppressed(True) if isinstance(overall, Suppressed) else value - overall)
    return Share(num, den, value, None if value is None else wilson(num, den), difference)


def _row(group: str, t: _Tally, hidden: set[tuple[str, bool]], overall: Row | None) -> Row:
    shares = {}
    for m in MEASURES:
        den_hidden = _marker(APPEALED if m == OVERTURNED else _COUNT, hidden)
        shares[m] = _share(t.numerators[m], t.denominator(m), _marker(m, hidden), den_hidden,
                           overall.shares[m].value if overall else None)
    hours = _marker(_HOURS, hidden)
    return Row(
        group=group, label="All members" if group == "all" else LABELS.get(group, group),
        count=_marker(_COUNT, hidden) or t.count, shares=shares,
        median_hours=hours or (statistics.median(t.hours) if t.hours else None),
        p90_hours=hours or (nearest_rank(t.hours, 90) if t.hours else None),
    )


def stratify(requests: Iterable[Request], dimension: str) -> Table:
    """The figures for each group of `dimension` (a key of DIMENSIONS) and for all members, suppressed
    as the module docstring says. A request is in one group, except for race and ethnicity, where it
    is in each group its member gave: those groups' counts add up to at least the total."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}")
    requests = list(requests)
    members: dict[str, list[Request]] = {code: [] for code, _ in _CATEGORIES[dimension]}
    seen: dict[str, list[Request]] = {}
    for r in requests:
        for g in _groups_of(r, dimension):
            (members if g in members else seen).setdefault(g, []).append(r)
    listed = [code for code, _ in _CATEGORIES[dimension] if code not in (NOT_ASKED, DECLINED)]
    groups = [*listed, *sorted(seen), *(code for code, _ in UNANSWERED if code in members)]
    members |= seen
    overall_tally = _tally(requests)
    overall = _row("all", overall_tally, _suppress({"all": overall_tally})["all"], None)
    tallies = {g: _tally(members[g]) for g in groups}
    hidden = _suppress(tallies)
    rows = tuple(_row(g, tallies[g], hidden[g], overall) for g in groups)
    return Table(dimension, DIMENSIONS[dimension], rows, overall)


def _answer(request: Request, field: str) -> str:
    codes = [c for c in _groups_of(request, field) if c != DECLINED]
    if codes and codes != [NOT_ASKED]:
        return ANSWERED
    return DECLINED if DECLINED in _groups_of(request, field) else NOT_ASKED


def completeness(requests: Iterable[Request]) -> tuple[CompletenessRow, ...]:
    """Per self-reported field (COMPLETENESS_FIELDS), the requests answered / declined / not asked as
    shares of all requests. The three add up to the total, so they are suppressed like one
    dimension's counts; the total itself (the denominator) is suppressed when it is 1-10."""
    requests = list(requests)
    n = len(requests)
    rows = []
    for field in COMPLETENESS_FIELDS:
        counts = {ANSWERED: 0, DECLINED: 0, NOT_ASKED: 0}
        for r in requests:
            counts[_answer(r, field)] += 1
        primary = {k for k, c in counts.items() if _small(n) or _small(c) or _small(n - c)}
        hidden = set(primary)
        while (k := _next_to_hide(counts, hidden)) is not None:
            hidden.add(k)
        den = Suppressed() if _small(n) else None
        cells = {k: _share(c, n, Suppressed(k not in primary) if k in hidden else None, den)
                 for k, c in counts.items()}
        rows.append(CompletenessRow(field, DIMENSIONS[field], cells[ANSWERED], cells[DECLINED], cells[NOT_ASKED]))
    return tuple(rows)
