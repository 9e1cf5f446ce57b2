"""How a review moves: one table of what each role may do to a review in which status, and the
status it leaves the review in. The services check every change against it (and the README shows
it); the database keeps a finished review as its determination in force says (migration 0015).
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied

from coverage_app import roles
from coverage_app.models import Review, ReviewEvent

S = Review.Status
EDITABLE = Review.EDITABLE_STATUSES  # a nurse changes answers only before the review leaves her
FINISHED = Review.FINISHED_STATUSES


class ReviewStateError(Exception):
    """The review is not in a state that allows this; the message says why, for the user, and
    `field` names the form field it belongs beside, if one does."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Move:
    action: str
    sources: tuple[str, ...]  # the statuses it starts from
    target: str | None  # the status it leaves the review in; None: unchanged
    role: str  # who may do it
    event: str  # what the review's history records
    refusal: str  # why not, from another status: {case} and {status} are filled in

    def check_role(self, user) -> None:
        if not roles.has_role(user, self.role):
            raise PermissionDenied(f"Only a {self.role.lower()} may do this.")

    def check_status(self, review: Review) -> None:
        if review.status not in self.sources:
            raise ReviewStateError(self.refusal.format(case=review.case_number, status=review.get_status_display().lower()))


_CHANGED = "Review {case} is {status} and can no longer be changed."
_NOT_PENDING = "Review {case} is {status}, not pending physician review."
_NOT_ISSUED = "Review {case} is {status}: only an issued determination can be corrected."

ASSIGN, SAVE_ANSWERS, SAVE_NOTES, APPROVE, REFER = "assign", "save_answers", "save_notes", "approve", "refer"
UPHOLD, OVERTURN, CORRECT_TO_APPROVED, CORRECT_TO_ADVERSE = "uphold", "overturn", "correct_to_approved", "correct_to_adverse"
REQUEST_INFORMATION, RECEIVE_INFORMATION, INFORMATION_LAPSED = "request_information", "receive_information", "information_lapsed"
EXTEND, ADD_DOCUMENT = "extend", "add_document"
A = ReviewEvent.Action
WAITING = (S.WAITING_FOR_INFORMATION,)
OPEN_FOR_NURSE = (*EDITABLE, *WAITING)
_NOT_WAITING = "Review {case} is {status}, not waiting for information."
_NOT_OPEN = "Review {case} is {status}: only a review a nurse is working on can take this."

MOVES = {
    move.action: move
    for move in (
        Move(ASSIGN, (S.RECEIVED,), S.IN_REVIEW, roles.NURSE, A.ASSIGNED, "Review {case} is already {status}."),
        Move(SAVE_ANSWERS, EDITABLE, None, roles.NURSE, A.ANSWERS_SAVED, _CHANGED),
        Move(SAVE_NOTES, EDITABLE, None, roles.NURSE, A.NOTES_SAVED, _CHANGED),
        Move(APPROVE, EDITABLE, S.APPROVED, roles.NURSE, A.APPROVED, _CHANGED),
        Move(REFER, EDITABLE, S.PENDING_PHYSICIAN_REVIEW, roles.NURSE, A.REFERRED, _CHANGED),
        Move(REQUEST_INFORMATION, EDITABLE, S.WAITING_FOR_INFORMATION, roles.NURSE, A.INFORMATION_REQUESTED, _CHANGED),
        Move(RECEIVE_INFORMATION, WAITING, S.IN_REVIEW, roles.NURSE, A.INFORMATION_RECEIVED, _NOT_WAITING),
        # Run by `manage.py lapse_information_requests`, not by a person: a nurse never denies.
        Move(INFORMATION_LAPSED, WAITING, S.PENDING_PHYSICIAN_REVIEW, roles.THE_APP, A.INFORMATION_NOT_RECEIVED, _NOT_WAITING),
        Move(EXTEND, OPEN_FOR_NURSE, None, roles.NURSE, A.EXTENDED, _NOT_OPEN),
        Move(ADD_DOCUMENT, OPEN_FOR_NURSE, None, roles.NURSE, A.DOCUMENT_ADDED, _NOT_OPEN),
        Move(UPHOLD, (S.PENDING_PHYSICIAN_REVIEW,), S.ADVERSE_DETERMINATION, roles.DIRECTOR, A.UPHELD, _NOT_PENDING),
        Move(OVERTURN, (S.PENDING_PHYSICIAN_REVIEW,), S.APPROVED, roles.DIRECTOR, A.OVERTURNED, _NOT_PENDING),
        Move(CORRECT_TO_APPROVED, FINISHED, S.APPROVED, roles.DIRECTOR, A.CORRECTED, _NOT_ISSUED),
        Move(CORRECT_TO_ADVERSE, FINISHED, S.ADVERSE_DETERMINATION, roles.DIRECTOR, A.CORRECTED, _NOT_ISSUED),
    )
}
