"""When an appeal of an adverse determination is on time, when it is expedited, and when it must be
decided. Pure: no Django. The windows are lib/deadlines.py's, which the letters print.

- Filing: within 180 days of the letter (commercial and employer plans, 29 CFR 2560.503-1(h)(3)(i))
  or 65 days (Medicare Advantage, 42 CFR 422.582(b)); a late appeal is recorded and flagged, and an
  appeals coordinator may accept it for good cause, with the reason (422.582(c)).
- Expedited: a pre-service appeal, when the member asks or the member's physician says that the
  standard time could seriously jeopardize the member's life, health or ability to regain maximum
  function; a physician's word is taken without further question (29 CFR 2560.503-1(m)(1)(ii);
  42 CFR 422.584(c)(2)(ii)). An appeal about a service already given is never expedited.
- Decision: urgent 72 hours; standard pre-service 30 days; post-service 60 days (29 CFR
  2560.503-1(i)(2); 42 CFR 422.590(a), (b), (e)).
"""

import datetime as dt

from coverage_app.lib import clocks, deadlines


class AppealError(ValueError):
    """What cannot be recorded as asked; `field` names the input it is about."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


def filing_deadline(letter_date: dt.date, line_of_business: str) -> dt.date:
    """The last day an appeal of a letter dated `letter_date` is on time."""
    return letter_date + dt.timedelta(days=deadlines.APPEAL_FILING_DAYS[deadlines.LineOfBusiness(line_of_business)])


def is_late(received_on: dt.date, letter_date: dt.date, line_of_business: str) -> bool:
    return received_on > filing_deadline(letter_date, line_of_business)


def is_expedited(request_type: str, member_asks: bool, physician_says_urgent: bool) -> bool:
    """Whether the appeal is decided on the urgent clock. Refuses an expedited appeal about a
    service already given."""
    wanted = member_asks or physician_says_urgent
    if wanted and request_type == deadlines.RequestType.POST_SERVICE:
        raise AppealError(
            "An appeal about a service already given is not expedited: it is decided within 60 days.",
            field="member_asks_expedited",
        )
    return wanted


def decision_window(line_of_business: str, request_type: str, expedited: bool) -> deadlines.Window:
    key = "urgent" if expedited else deadlines.RequestType(request_type)
    return deadlines.APPEAL_DECISION_WINDOWS[(deadlines.LineOfBusiness(line_of_business), key)]


def due_at(received_at: dt.datetime, line_of_business: str, request_type: str, expedited: bool, tz) -> dt.datetime:
    """When the appeal must be decided, counted from its receipt."""
    if received_at.utcoffset() is None:
        raise ValueError("received_at must be timezone-aware")
    return clocks.add(received_at, decision_window(line_of_business, request_type, expedited), tz)


def _months_later(day: dt.date, months: int) -> dt.date:
    """The same day `months` months later, or the month's last day when it has no such day."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return day.replace(year=year, month=month, day=min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")


def external_review_deadline(appeal_decided_on: dt.date) -> dt.date:
    """The last day to ask for external review: 4 months after the final internal decision
    (29 CFR 2590.715-2719(d)(2)(i); 45 CFR 147.136(d)(2))."""
    return _months_later(appeal_decided_on, deadlines.EXTERNAL_REVIEW_FILING_MONTHS)


def external_review_due(requested_at: dt.datetime, appeal_decided_at: dt.datetime, expedited: bool, tz) -> dt.datetime:
    """When the independent review organization must decide; refuses a request made too late."""
    last_day = external_review_deadline(appeal_decided_at.astimezone(tz).date())
    if requested_at.astimezone(tz).date() > last_day:
        raise AppealError(
            f"External review must be asked for within {deadlines.EXTERNAL_REVIEW_FILING_MONTHS} months of the "
            f"appeal decision: by {last_day:%B} {last_day.day}, {last_day.year}.",
            field="requested_at",
        )
    window = deadlines.EXTERNAL_REVIEW_WINDOWS["expedited" if expedited else "standard"]
    return clocks.add(requested_at, window, tz)
