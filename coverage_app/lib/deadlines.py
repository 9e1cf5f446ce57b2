"""The decision windows of a prior-authorization request, by line of business and urgency, and the
appeal windows the letters promise. lib/clocks.py adds post-service requests, information requests
and extensions, and computes every due time.

Commercial and employer (ERISA) plans: urgent 72 hours, standard 15 calendar days.
Medicare Advantage: expedited 72 hours, standard 7 calendar days.
"""

from dataclasses import dataclass
from enum import StrEnum


class LineOfBusiness(StrEnum):
    COMMERCIAL = "commercial"
    MEDICARE_ADVANTAGE = "medicare_advantage"


class Urgency(StrEnum):
    STANDARD = "standard"
    URGENT = "urgent"


class RequestType(StrEnum):
    PRE_SERVICE = "pre_service"  # prior authorization: the service is not given yet
    POST_SERVICE = "post_service"  # retrospective: the service was already given


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


# --- Appeals: what the letters promise (issue 14 will keep these clocks) ---------------------------

# How long a member has to appeal an adverse determination.
APPEAL_FILING_DAYS = {
    LineOfBusiness.COMMERCIAL: 180,  # 29 CFR 2560.503-1(h)(3)(i)
    LineOfBusiness.MEDICARE_ADVANTAGE: 65,  # 42 CFR 422.582(b)
}

# How soon an appeal is decided: by line of business and by what is appealed ("urgent", or the
# request type of a standard appeal).
APPEAL_DECISION_WINDOWS = {
    (LineOfBusiness.COMMERCIAL, "urgent"): Window(72, "hours"),  # 29 CFR 2560.503-1(i)(2)(i)
    (LineOfBusiness.COMMERCIAL, RequestType.PRE_SERVICE): Window(30, "calendar days"),  # (i)(2)(ii)
    (LineOfBusiness.COMMERCIAL, RequestType.POST_SERVICE): Window(60, "calendar days"),  # (i)(2)(iii)
    (LineOfBusiness.MEDICARE_ADVANTAGE, "urgent"): Window(72, "hours"),  # 42 CFR 422.590(e)
    (LineOfBusiness.MEDICARE_ADVANTAGE, RequestType.PRE_SERVICE): Window(30, "calendar days"),  # 422.590(a)
    (LineOfBusiness.MEDICARE_ADVANTAGE, RequestType.POST_SERVICE): Window(60, "calendar days"),  # 422.590(b)
}

# External review (commercial): asked within 4 months of the final internal adverse determination;
# decided within 45 days, or 72 hours when expedited. 29 CFR 2590.715-2719(d)(2) with the federal
# external review process (45 CFR 147.136(d)); a state process may allow more time.
EXTERNAL_REVIEW_FILING_MONTHS = 4
EXTERNAL_REVIEW_WINDOWS = {"standard": Window(45, "calendar days"), "expedited": Window(72, "hours")}
