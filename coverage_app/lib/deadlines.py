"""When a decision is due: one table, by line of business and urgency.

Commercial and employer (ERISA) plans: urgent 72 hours, standard 15 calendar days.
Medicare Advantage: expedited 72 hours, standard 7 calendar days.
"""

import datetime as dt
from dataclasses import dataclass
from enum import StrEnum


class LineOfBusiness(StrEnum):
    COMMERCIAL = "commercial"
    MEDICARE_ADVANTAGE = "medicare_advantage"


class Urgency(StrEnum):
    STANDARD = "standard"
    URGENT = "urgent"


@dataclass(frozen=True)
class Window:
    amount: int
    unit: str  # "hours" (elapsed time) or "calendar days" (same clock time, N dates later)

    def __str__(self) -> str:
        return f"{self.amount} {self.unit}"


DECISION_WINDOWS = {
    (LineOfBusiness.COMMERCIAL, Urgency.URGENT): Window(72, "hours"),
    (LineOfBusiness.COMMERCIAL, Urgency.STANDARD): Window(15, "calendar days"),
    (LineOfBusiness.MEDICARE_ADVANTAGE, Urgency.URGENT): Window(72, "hours"),
    (LineOfBusiness.MEDICARE_ADVANTAGE, Urgency.STANDARD): Window(7, "calendar days"),
}


def due_at(
    received_at: dt.datetime, urgency: str, line_of_business: str, tz: dt.tzinfo
) -> dt.datetime:
    """The moment a decision is due for a request received at `received_at`.

    Hours are elapsed hours; calendar days land on the same clock time in the plan's time zone
    `tz`, whatever daylight saving does in between.
    """
    if received_at.tzinfo is None:
        raise ValueError("received_at must be timezone-aware")
    window = DECISION_WINDOWS[(LineOfBusiness(line_of_business), Urgency(urgency))]
    if window.unit == "hours":
        return received_at.astimezone(dt.timezone.utc) + dt.timedelta(hours=window.amount)
    # Aware arithmetic within one tzinfo is wall-clock arithmetic: what calendar days mean.
    local = received_at.astimezone(tz) + dt.timedelta(days=window.amount)
    return local.astimezone(dt.timezone.utc)
