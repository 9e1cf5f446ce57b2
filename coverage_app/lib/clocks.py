"""The decision clock of a review: when the decision is due, and what an information request or an
extension does to it. One table, RULES, citing the rule behind each line; everything derives from it.

Pure (stdlib only). Every time is timezone-aware; the plan's time zone comes in as a tzinfo. As in
deadlines.Window, hours are elapsed hours and calendar days land on the same wall-clock time in the
plan's zone N dates later. A tolled pause is the elapsed time the clock stood still (a stopped
stopwatch): a pause spanning a daylight-saving change moves the due by its real length. Results
are in UTC.
"""

import datetime as dt
from dataclasses import dataclass, replace
from enum import StrEnum

from coverage_app.lib.deadlines import DECISION_WINDOWS, LineOfBusiness, RequestType, Urgency, Window
from coverage_app.lib.usdates import short_datetime

UTC = dt.timezone.utc


class ExtensionReason(StrEnum):
    BEYOND_PLAN_CONTROL = "beyond_plan_control"  # commercial
    MEMBER_REQUESTED = "member_requested"  # Medicare Advantage
    PLAN_JUSTIFIED = "plan_justified"  # Medicare Advantage, with a written justification


class InformationRule(StrEnum):
    URGENT_48_HOURS = "urgent_48_hours"  # ask within 24 h; decide 48 h after the answer or its deadline
    TOLLED = "tolled"  # the request is the one extension; the clock stops until the answer
    NO_PAUSE = "no_pause"  # the clock runs on; the answer is due a margin before the decision


class ClockError(ValueError):
    """A step the rules do not allow; str(e) is a sentence for the reviewer, and `field` names the
    input it is about, when one is."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class ClockRule:
    initial: Window
    extension: Window | None  # None: no extension allowed
    information: InformationRule
    response_time: Window | None  # the least time given the provider; None for NO_PAUSE
    extension_reasons: tuple[ExtensionReason, ...]
    source: str  # the citation, printed in the README and notices
    ask_within: Window | None = None  # URGENT_48_HOURS: ask this soon after receipt
    decide_after_answer: Window | None = None  # URGENT_48_HOURS: after the answer or respond_by
    answer_margin: Window | None = None  # NO_PAUSE: respond_by is this long before the due


COM, MA = LineOfBusiness.COMMERCIAL, LineOfBusiness.MEDICARE_ADVANTAGE
PRE, POST = RequestType.PRE_SERVICE, RequestType.POST_SERVICE
STANDARD, URGENT = Urgency.STANDARD, Urgency.URGENT
H24, H48, DAYS_14, DAYS_15, DAYS_30, DAYS_45 = (
    Window(24, "hours"), Window(48, "hours"), *(Window(n, "calendar days") for n in (14, 15, 30, 45))
)
TOLLED, NO_PAUSE = InformationRule.TOLLED, InformationRule.NO_PAUSE
BEYOND = (ExtensionReason.BEYOND_PLAN_CONTROL,)
MEMBER_OR_PLAN = (ExtensionReason.MEMBER_REQUESTED, ExtensionReason.PLAN_JUSTIFIED)

RULES: dict[tuple[LineOfBusiness, RequestType, Urgency], ClockRule] = {
    # ERISA urgent care, 29 CFR 2560.503-1(f)(2)(i): 72 hours; information asked within 24 hours, at
    # least 48 hours to give it, the decision 48 hours after the earlier of the answer or that
    # deadline; no extension.
    (COM, PRE, URGENT): ClockRule(
        DECISION_WINDOWS[COM, URGENT], None, InformationRule.URGENT_48_HOURS, H48, (),
        "29 CFR 2560.503-1(f)(2)(i)", ask_within=H24, decide_after_answer=H48),
    # ERISA pre-service, (f)(2)(iii)(A) and (f)(4): 15 days; one 15-day extension (matters beyond the
    # plan's control) noticed before they end; an information request is that notice: at least 45
    # days to answer, the period tolled from the notice until the answer.
    (COM, PRE, STANDARD): ClockRule(
        DECISION_WINDOWS[COM, STANDARD], DAYS_15, TOLLED, DAYS_45, BEYOND,
        "29 CFR 2560.503-1(f)(2)(iii)(A), (f)(4)"),
    # ERISA post-service, (f)(2)(iii)(B) and (f)(4): 30 days, then as pre-service.
    (COM, POST, STANDARD): ClockRule(
        DAYS_30, DAYS_15, TOLLED, DAYS_45, BEYOND, "29 CFR 2560.503-1(f)(2)(iii)(B), (f)(4)"),
    # MA expedited, 42 CFR 422.572(a), (b)(1): 72 hours; one 14-day extension if the member asks or
    # the plan documents the need and the member's interest; the clock never stops. The 24-hour
    # answer margin is the plan's own, to read the answer before the due.
    (MA, PRE, URGENT): ClockRule(
        DECISION_WINDOWS[MA, URGENT], DAYS_14, NO_PAUSE, None, MEMBER_OR_PLAN,
        "42 CFR 422.572(a), (b)(1)", answer_margin=H24),
    # MA standard, 42 CFR 422.568(b)(1) as amended by CMS-0057-F (7 days from 2026), (b)(1)(i): one
    # 14-day extension as above; the clock never stops; the plan's answer margin is 48 hours.
    (MA, PRE, STANDARD): ClockRule(
        DECISION_WINDOWS[MA, STANDARD], DAYS_14, NO_PAUSE, None, MEMBER_OR_PLAN,
        "42 CFR 422.568(b)(1), as amended by CMS-0057-F", answer_margin=H48),
    # MA payment request, 42 CFR 422.568(c) and the prompt-payment rule it points to, 422.520(a)(1):
    # 30 days; no extension, no pause.
    (MA, POST, STANDARD): ClockRule(
        DAYS_30, None, NO_PAUSE, None, (), "42 CFR 422.568(c), 422.520(a)(1)", answer_margin=H48),
}


@dataclass(frozen=True)
class Clock:
    """A review's clock: what happened so far."""

    line_of_business: str
    urgency: str
    request_type: str
    received_at: dt.datetime
    information_requested_at: dt.datetime | None = None
    information_respond_by: dt.datetime | None = None
    information_received_at: dt.datetime | None = None
    extended_at: dt.datetime | None = None  # an extension without an information request
    extension_reason: str = ""


def rule_for(line_of_business: str, urgency: str, request_type: str) -> ClockRule:
    key = (LineOfBusiness(line_of_business), RequestType(request_type), Urgency(urgency))
    if key[1:] == (POST, URGENT):
        raise ClockError("A post-service request is never urgent: the service was given. Review it as standard.")
    return RULES[key]


def add(moment: dt.datetime, window: Window, tz: dt.tzinfo, sign: int = 1) -> dt.datetime:
    """`moment` plus (or, with sign=-1, minus) `window`: elapsed hours, or calendar days to the same
    wall-clock time in `tz`."""
    if window.unit == "hours":
        return moment.astimezone(UTC) + sign * dt.timedelta(hours=window.amount)
    if window.unit == "calendar days":  # aware arithmetic within one tzinfo is wall-clock arithmetic
        return (moment.astimezone(tz) + sign * dt.timedelta(days=window.amount)).astimezone(UTC)
    raise ValueError(f"unknown window unit {window.unit!r}")


def _aware(*moments: dt.datetime | None) -> None:
    if any(m is not None and m.utcoffset() is None for m in moments):
        raise ValueError("times must be timezone-aware")


def _when(moment: dt.datetime, tz: dt.tzinfo | None = None) -> str:
    local = moment.astimezone(tz or moment.tzinfo)
    return f"{short_datetime(local)} {local.tzname()}"


def _rule(clock: Clock, *moments: dt.datetime) -> ClockRule:
    c = clock
    _aware(c.received_at, c.information_requested_at, c.information_respond_by,
           c.information_received_at, c.extended_at, *moments)
    if c.information_requested_at is not None and c.information_respond_by is None:
        raise ValueError("an information request needs its respond_by")
    return rule_for(c.line_of_business, c.urgency, c.request_type)


def initial_due(clock: Clock, tz: dt.tzinfo) -> dt.datetime:
    return add(clock.received_at, _rule(clock).initial, tz)


def decision_due(clock: Clock, tz: dt.tzinfo) -> dt.datetime:
    """When the decision is due, given what happened. While a tolled clock waits for information
    (requested, not yet received) this is the LATEST it can be: as if the answer came at respond_by."""
    rule, asked = _rule(clock), clock.information_requested_at
    due = add(clock.received_at, rule.initial, tz)
    if asked is not None and rule.information is not NO_PAUSE:
        respond_by = clock.information_respond_by
        answered = min(clock.information_received_at or respond_by, respond_by)
        if rule.information is InformationRule.URGENT_48_HOURS:
            return add(answered, rule.decide_after_answer, tz)
        stood_still = answered.astimezone(UTC) - asked.astimezone(UTC)  # elapsed, not wall-clock
        return add(due, rule.extension, tz) + stood_still
    return add(due, rule.extension, tz) if clock.extended_at is not None else due


def is_paused(clock: Clock, now: dt.datetime) -> bool:
    rule, asked = _rule(clock, now), clock.information_requested_at
    return (rule.information is TOLLED and asked is not None and clock.information_received_at is None
            and asked <= now < clock.information_respond_by)


def information_lapsed(clock: Clock, now: dt.datetime) -> bool:
    _rule(clock, now)
    return (clock.information_requested_at is not None and clock.information_received_at is None
            and now >= clock.information_respond_by)


def request_information(clock: Clock, at: dt.datetime, tz: dt.tzinfo) -> Clock:
    """The clock after an information request sent at `at`, its respond_by set by the rule."""
    rule, due = _rule(clock, at), decision_due(clock, tz)
    if clock.information_requested_at is not None:
        raise ClockError(f"Information was already asked for on {_when(clock.information_requested_at, tz)}; "
                         "a review asks once.")
    if at < clock.received_at:
        raise ClockError(f"{_when(at, tz)} is before the request came in ({_when(clock.received_at, tz)}).")
    if rule.information is InformationRule.URGENT_48_HOURS:
        ended = add(clock.received_at, rule.ask_within, tz)
        if at >= ended:
            raise ClockError(f"The {rule.ask_within} to ask for information on an urgent request ended on "
                             f"{_when(ended, tz)}: decide on the record.")
        respond_by = add(at, rule.response_time, tz)
    elif rule.information is TOLLED:
        if clock.extended_at is not None:
            raise ClockError("This review already took its one extension; an information request would be "
                             "a second one. Decide on the record.")
        if at >= due:
            raise ClockError("An information request extends the review: it must be sent before the "
                             f"decision due on {_when(due, tz)}.")
        respond_by = add(at, rule.response_time, tz)
    else:
        respond_by = add(due, rule.answer_margin, tz, sign=-1)
        if respond_by <= at:
            raise ClockError(f"Too late to ask for information: the answer would be due by {_when(respond_by, tz)}, "
                             f"{rule.answer_margin} before the decision. Decide on the record or send the case "
                             "to physician review.")
    return replace(clock, information_requested_at=at, information_respond_by=respond_by)


def receive_information(clock: Clock, at: dt.datetime) -> Clock:
    """The clock after the answer came at `at`; a late answer counts as at respond_by (decision_due)."""
    _rule(clock, at)
    if clock.information_requested_at is None:
        raise ClockError("No information was asked for on this review.")
    if clock.information_received_at is not None:
        raise ClockError(f"The information was already received on {_when(clock.information_received_at)}.")
    if at < clock.information_requested_at:
        raise ClockError(f"An answer cannot come before the request of {_when(clock.information_requested_at)}.")
    return replace(clock, information_received_at=at)


def _extension_refusal(clock: Clock, rule: ClockRule) -> str | None:
    if rule.extension is None:
        return f"No extension is allowed for this request ({rule.source})."
    if clock.extended_at is not None:
        return "This review already took its one extension."
    if clock.information_requested_at is not None and rule.information is TOLLED:
        return "The information request already took this review's one extension."
    return None


def extend(clock: Clock, at: dt.datetime, reason: str, justification: str, tz: dt.tzinfo) -> Clock:
    """The clock after an extension taken at `at` for `reason`; the justification is the caller's to keep."""
    rule = _rule(clock, at)
    if refusal := _extension_refusal(clock, rule):
        raise ClockError(refusal)
    if reason not in rule.extension_reasons:
        raise ClockError(f"'{reason}' is not a reason to extend this review; it may be: "
                         f"{' or '.join(rule.extension_reasons)}.", field="reason")
    if reason == ExtensionReason.PLAN_JUSTIFIED and not (justification or "").strip():
        raise ClockError(
            "Write down what information is needed and how the delay is in the member's interest.", field="justification"
        )
    if at < clock.received_at:
        raise ClockError(f"{_when(at, tz)} is before the request came in ({_when(clock.received_at, tz)}).")
    if at >= (due := decision_due(clock, tz)):
        raise ClockError(f"An extension must be taken before the decision due on {_when(due, tz)}.")
    return replace(clock, extended_at=at, extension_reason=str(ExtensionReason(reason)))


def due_after_extension(clock: Clock, tz: dt.tzinfo) -> dt.datetime:
    """What decision_due would be after an extension taken now (for the page to show before confirming)."""
    rule = _rule(clock)
    if refusal := _extension_refusal(clock, rule):
        raise ClockError(refusal)
    return add(initial_due(clock, tz), rule.extension, tz)
