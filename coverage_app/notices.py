"""Notices issued while a review is open (a request for information, an extension): rendered once,
through the letters' own fetcher and fonts, and kept."""

from django.template.loader import render_to_string

from coverage_app.letters import RECIPIENT_NOTES, addressed, common_context, html_to_pdf
from coverage_app.lib import letter_text
from coverage_app.models import LetterWording, Notice, Review

# Who a notice is for first, and who gets the copy.
RECIPIENTS = {
    Notice.Kind.INFORMATION_REQUEST: ("provider", "member"),
    Notice.Kind.EXTENSION: ("member", "provider"),
    Notice.Kind.APPEAL_DECISION: ("member", "provider"),
    Notice.Kind.IRE_FORWARDED: ("member", "provider"),
}


def notice_context(notice: Notice, review: Review) -> dict:
    content = notice.content
    date_of_service = common_context(review, notice.wording_snapshot, notice.issued_at)["date_of_service"]
    copies = [
        {
            "recipient": recipient,
            "note": RECIPIENT_NOTES[recipient, first],
            "address": addressed(review, recipient),
            "service_on": letter_text.service_on(review.request_type, date_of_service, to_member=recipient == "member"),
            "needed": [letter_text.to_member(item) if recipient == "member" else item for item in content.get("needed", [])],
            "reasons": [letter_text.to_member(item) if recipient == "member" else item for item in content.get("reasons", [])],
        }
        for recipient, first in zip(RECIPIENTS[notice.kind], (True, False))
    ]
    return {
        **common_context(review, notice.wording_snapshot, notice.issued_at),
        "notice": notice,
        "content": content,
        "copies": copies,
        "if_not_received": letter_text.IF_NOT_RECEIVED,
        "what_we_need_intro": letter_text.WHAT_WE_NEED_INTRO,
        "expedited_grievance": letter_text.MEDICARE_EXPEDITED_GRIEVANCE,
        # Appeal decisions
        "documents_free": letter_text.APPEAL_DOCUMENTS_FREE,
        "external_review": letter_text.external_review_after_appeal(
            review.request_type == Review.RequestType.PRE_SERVICE
        ),
        "civil_action": letter_text.CIVIL_ACTION,
        "alternative_dispute_resolution": letter_text.ALTERNATIVE_DISPUTE_RESOLUTION,
        "consumer_assistance": letter_text.paragraphs(notice.wording_snapshot[LetterWording.Kind.CONSUMER_ASSISTANCE]),
        "plan_document": letter_text.paragraphs(notice.wording_snapshot[LetterWording.Kind.PLAN_DOCUMENT]),
        "ire_next_steps": letter_text.ire_next_steps(review.request_type),
        "medicare_phone": letter_text.MEDICARE_PHONE,
        "medicare_tty": letter_text.MEDICARE_TTY,
        "medicare_help": letter_text.paragraphs(notice.wording_snapshot[LetterWording.Kind.MEDICARE_HELP]),
    }


def render_notice(notice: Notice, review: Review) -> tuple[str, bytes]:
    html = render_to_string("letters/notice.html", notice_context(notice, review))
    return html, html_to_pdf(html)
