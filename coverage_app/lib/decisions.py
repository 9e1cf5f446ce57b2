"""Who may issue a determination, and what an adverse one must carry. Pure: no Django.

The services enforce these, and the forms show their messages beside the field they concern.
"""

from __future__ import annotations

from dataclasses import dataclass

# Only a physician denies (the policy; 29 CFR 2560.503-1(h)(3)(iii) for appeals; state utilization
# review laws): a doctor of medicine or of osteopathy with a license on file.
PHYSICIAN_DEGREES = ("MD", "DO")
DEGREES = (
    ("MD", "MD (doctor of medicine)"),
    ("DO", "DO (doctor of osteopathic medicine)"),
    ("RN", "RN (registered nurse)"),
    ("LPN", "LPN (licensed practical nurse)"),
    ("PharmD", "PharmD (doctor of pharmacy)"),
    ("other", "Other"),
)

MEDICAL_NECESSITY, ADMINISTRATIVE = "medical_necessity", "administrative"
MEDICARE_ADVANTAGE = "medicare_advantage"


class NotAllowed(ValueError):
    """The decision cannot be issued as asked; `field` is the form field the message belongs to."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Credentials:
    degree: str
    license_number: str
    license_state: str
    specialty: str

    @property
    def printed(self) -> str:
        """As letters print them, e.g. "MD, Hematology"."""
        return ", ".join(part for part in (self.degree if self.degree != "other" else "", self.specialty) if part)


def physician_problem(credentials: Credentials | None) -> str | None:
    """Why this reviewer may not issue a physician's determination, or None if they may."""
    if credentials is None or credentials.degree not in PHYSICIAN_DEGREES:
        return (
            "Only a physician (MD or DO) may issue this determination, and your reviewer profile "
            "does not record one of those degrees. Ask an administrator to check your profile."
        )
    if not credentials.license_number.strip() or not credentials.license_state.strip():
        return (
            "Your reviewer profile has no medical license number and state on file; ask an "
            "administrator to add them before you issue a determination."
        )
    return None


def require_physician(credentials: Credentials | None) -> None:
    if problem := physician_problem(credentials):
        raise NotAllowed(problem)


def require_other_reviewer(referred_by_id: int | None, decider_id: int) -> None:
    """The person who sent a case to physician review does not decide it too."""
    if referred_by_id is not None and referred_by_id == decider_id:
        raise NotAllowed(
            "You sent this case to physician review, so another physician must decide it."
        )


def require_adverse_reasons(criteria_reasons: list[str], clinical_reasons: str) -> None:
    """An adverse determination on medical necessity gives the member specific reasons: the criteria
    not met, the physician's own reasons in plain language, or both (29 CFR 2560.503-1(g)(1)(i))."""
    if not criteria_reasons and not clinical_reasons.strip():
        raise NotAllowed(
            "The request meets every criterion of the policy, so an adverse determination needs "
            "your clinical reasons, in plain language: the letter prints them for the member.",
            field="clinical_reasons",
        )


def require_allowed_correction(
    *, line_of_business: str, old_outcome: str, new_outcome: str, basis: str
) -> None:
    """A Medicare Advantage approval stands on medical necessity once issued (42 CFR 422.138(c)):
    only an administrative correction (the wrong member, the wrong service) may withdraw it."""
    if (
        line_of_business == MEDICARE_ADVANTAGE
        and old_outcome == "approved"
        and new_outcome == "adverse"
        and basis != ADMINISTRATIVE
    ):
        raise NotAllowed(
            "A Medicare Advantage approval cannot be reversed for medical necessity once it is "
            "issued (42 CFR 422.138(c)). Only an administrative correction, such as the wrong "
            "member or the wrong service, may withdraw it.",
            field="basis",
        )


def require_referral_reason(nurse_may_approve: bool, reason: str) -> None:
    """A nurse may send a case she could approve to a physician, saying why."""
    if nurse_may_approve and not reason.strip():
        raise NotAllowed(
            "The request meets the criteria. To send it to a physician anyway, say what needs a "
            "physician's judgment.",
            field="referral_reason",
        )


# --- Appeals --------------------------------------------------------------------------------------


def require_appeal_decider(*, decider_id: int, original_decider_id: int, decider_reports_to_id: int | None) -> None:
    """The physician who decides an appeal neither made the decision appealed nor reports to the
    person who did (29 CFR 2560.503-1(h)(3)(ii); 42 CFR 422.590(h)(2))."""
    if decider_id == original_decider_id:
        raise NotAllowed("You made the decision under appeal, so another physician must decide the appeal.")
    if decider_reports_to_id is not None and decider_reports_to_id == original_decider_id:
        raise NotAllowed(
            "You report to the physician who made the decision under appeal, so a physician outside that "
            "line must decide the appeal."
        )


def require_consultation(*, consultant_name: str, consultant_specialty: str, specialties, original_decider_name: str) -> None:
    """On medical necessity, the decider consults a physician of the treating physician's specialty
    (hematology/oncology or transplant) who took no part in the first decision, and names them
    (29 CFR 2560.503-1(h)(3)(iii)-(v))."""
    if not consultant_name.strip():
        raise NotAllowed("Name the physician you consulted.", field="consultant_name")
    if consultant_specialty not in specialties:
        raise NotAllowed(
            "Consult a physician in hematology/oncology or transplant, the treating physician's field.",
            field="consultant_specialty",
        )
    if consultant_name.strip().casefold() == original_decider_name.strip().casefold():
        raise NotAllowed(
            "The consultant must not be the physician who made the decision under appeal.", field="consultant_name"
        )
