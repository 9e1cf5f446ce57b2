"""Each kind of letter, read back out of its stored PDF, carries every element the rules ask of it
(README, "Letters": the rule beside each element). One test per letter type and line of business."""

import datetime as dt
import io
import re

import pytest
from pypdf import PdfReader

from coverage_app import services
from coverage_app.lib import taglines
from coverage_app.lib.usdates import long_date
from coverage_app.models import Review
from tests.conftest import DATE_OF_SERVICE, complete_answers, pdf_text

pytestmark = pytest.mark.django_db


def _copies(pdf: bytes) -> tuple[str, str]:
    """The member's copy and the provider's, as text."""
    text = pdf_text(pdf)
    at = text.upper().index("COPY TO THE REQUESTING PROVIDER")
    return text[:at], text[at:]


def _missing(text: str, phrases) -> list[str]:
    return [p for p in phrases if p not in text]


def _in_order(text: str, headings) -> bool:
    positions = [text.find(h) for h in headings]
    return -1 not in positions and positions == sorted(positions)


def _adverse(nurse, review, director, **answers):
    complete_answers(review, transplant_type="autologous", same_donor=None, **answers)
    services.review_finish(action="refer", review=review, user=nurse, criterion_notes={}, overall_note="",
                           expected_revision=review.revision)
    return services.director_decide(
        review=review, user=director, decision="uphold", peer_to_peer="offered",
        rationale="The transplant was autologous, so there are no donor lymphocytes to infuse.",
    )


def _set(review, **fields):
    Review.objects.filter(pk=review.pk).update(**fields)
    review.refresh_from_db()
    return review


# Every letter and notice: the envelope's two windows, the language notice and the taglines.
EVERY_LETTER = [
    "Health Plan Utilization Management",  # return address (plan name and address)
    "P.O. Box 0261, Chicago, IL 60690",
    # 45 CFR 92.11: the availability of language assistance and auxiliary aids, in English ...
    "language assistance services, free of charge, are available to you",
    "auxiliary aids and services",
    "Call 1-800-555-0261 (TTY: 711)",
    # ... and in the state's top 15 languages (the Latin-script ones read back exactly)
    "ATENCIÓN: si habla español", "UWAGA: Jeżeli mówisz po polsku", "CHÚ Ý: Nếu bạn nói Tiếng Việt",
    "ATTENZIONE: In caso la lingua parlata sia l'italiano", "ACHTUNG: Wenn Sie Deutsch sprechen",
    "Nondiscrimination notice",
]

MEMBER_ADDRESS = ["Jordan Blake 12 Elm Street Apartment 3 Chicago, IL 60622"]


def test_it_prints_the_approval_with_what_is_authorized_on_one_page_a_copy(approved):
    pdf = bytes(approved.letter.pdf)
    member, provider = _copies(pdf)
    valid_through = DATE_OF_SERVICE + dt.timedelta(days=89)
    assert _missing(member, [
        *EVERY_LETTER, *MEMBER_ADDRESS,
        f"Authorization number {approved.reference_number}",
        "Donor lymphocyte infusion (DLI)",
        "CPT (Current Procedural Terminology) code 38242: Allogeneic lymphocyte infusions",
        "Infusions approved 1",
        "Servicing facility Riverside Cancer Center, National Provider Identifier (NPI) 1245319599",
        f"Authorization valid from {long_date(DATE_OF_SERVICE)} (the planned date of service) through "
        f"{long_date(valid_through)}",
    ]) == []
    assert "Dana Whitfield, MD NPI 1234567893" in provider  # the provider copy's window
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2  # the member's page and the provider's


def test_it_prints_a_medicare_advantage_approval_with_the_same_authorization_and_no_appeal(nurse, nurse_review):
    _set(nurse_review, line_of_business="medicare_advantage", units_requested=2)
    complete_answers(nurse_review)
    services.review_finish(action="approve", review=nurse_review, user=nurse, criterion_notes={}, overall_note="",
                           expected_revision=nurse_review.revision)
    pdf = bytes(nurse_review.determinations.get().letter.pdf)
    member, _provider = _copies(pdf)
    assert _missing(member, [*EVERY_LETTER, *MEMBER_ADDRESS, "Decision: approved", "Infusions approved 2",
                             "Servicing facility Riverside Cancer Center"]) == []
    assert "appeal" not in member.lower()
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 2


def test_it_gives_a_commercial_adverse_determination_every_element_of_the_erisa_and_aca_rules(upheld):
    member, provider = _copies(bytes(upheld.letter.pdf))
    for copy in (member, provider):
        assert _missing(copy, [
            *EVERY_LETTER,
            # 2560.503-1(g)(1)(iv) and (i): appeal procedures and their time limits, standard and urgent
            "You have 180 days from the date you receive this letter to ask for an appeal",
            "We will decide a standard appeal about a service you have not yet received within 30 days",
            "urgent (expedited) appeal", "we will decide it within 72 hours",
            # 2590.715-2719(b)(2)(ii)(E)(3): external review, how and by when, and expedited
            "independent review organization (IRO)", "within 4 months of the date you receive our appeal decision",
            "decides a standard external review within 45 days",
            "Expedited external review", "It is decided within 72 hours",
            # 2560.503-1(g)(1)(iv): the right to sue under ERISA 502(a)
            "bring a civil action under section 502(a) of ERISA",
            # 2719(b)(2)(ii)(E)(4): consumer assistance office, and EBSA for ERISA plans
            "Illinois Department of Insurance, Office of Consumer Health Insurance", "1-877-527-9431",
            "Employee Benefits Security Administration (EBSA)", "1-866-444-EBSA (3272)",
            # 2560.503-1(g)(1)(ii): the plan provision the decision rests on
            "the plan document governs",
            # 2719(b)(2)(ii)(E)(1): the codes and their meanings, and that they may be asked for
            "C92.02: Acute myeloblastic leukemia, in relapse",
            "You may ask us for them, and for their meanings, free of charge",
            # 2560.503-1(g)(1)(v)(A), (h)(2)(iii): criteria, free copies of documents
            "Criterion DLI-1", "free of charge, for copies of all documents, records and other information",
        ]) == []
    assert "Independent Review Entity" not in member and "1-800-MEDICARE" not in member


def test_it_speaks_to_the_member_in_the_members_copy(upheld):
    member, provider = _copies(bytes(upheld.letter.pdf))
    assert "your transplant was autologous" in member
    assert "Records showing that you received an allogeneic (donor) stem cell transplant" in member
    assert "this member" not in member.lower()
    assert "this member's transplant was autologous" in provider
    assert _missing(member, MEMBER_ADDRESS) == []


def test_it_follows_the_integrated_denial_notice_for_medicare_advantage(nurse, nurse_review, director_with_credentials):
    _set(nurse_review, line_of_business="medicare_advantage")
    d = _adverse(nurse, nurse_review, director_with_credentials)
    member, _provider = _copies(bytes(d.letter.pdf))
    assert _missing(member, [
        *EVERY_LETTER,
        "Notice of Denial of Medical Coverage",
        # 42 CFR 422.568(e), 422.582(b): appeal within 65 days, more time for good cause
        "Ask for an appeal within 65 days of the date of this notice", "good reason for missing the deadline",
        # the representative (CMS-1696)
        "Appointment of Representative", "CMS-1696",
        # 422.590: standard 30 days, fast 72 hours; a physician may ask for a fast appeal
        "written decision within 30 days", "decision within 72 hours",
        "A doctor may ask for a fast appeal for you",
        # what to send with an appeal
        "The reasons you are appealing", "Any evidence you want us to consider",
        # 1-800-MEDICARE and TTY; the SHIP; the free case file
        "1-800-MEDICARE (1-800-633-4227)", "TTY users call 1-877-486-2048",
        "Senior Health Insurance Program (SHIP)", "1-800-252-8966",
        "free copy of your case file",
        "Independent Review Entity",
    ]) == []
    # The notice's order of sections (form CMS-10003).
    assert _in_order(member, [
        "Why did we deny your request?", "You have the right to appeal our decision",
        "If you want someone to act for you", "Important information about your appeal rights",
        "How to ask for an appeal with our plan", "What happens next?", "Get help and more information",
    ])
    assert "502(a)" not in member and "EBSA" not in member


def test_it_words_a_post_service_letter_for_the_service_already_received(nurse, nurse_review, director_with_credentials):
    given = dt.date.today() - dt.timedelta(days=10)
    _set(nurse_review, request_type="post_service", planned_date_of_service=given,
         received_at=nurse_review.received_at)
    d = _adverse(nurse, nurse_review, director_with_credentials)
    member, provider = _copies(bytes(d.letter.pdf))
    assert f"This decision is about the service you received on {long_date(given)}" in member
    assert f"the service the member received on {long_date(given)}" in provider
    assert "a service you already received within 60 days" in member
    assert "Expedited external review" not in member  # no urgent appeal about a service given


def test_it_prints_a_request_for_information_with_what_is_needed_and_by_when(nurse, nurse_review):
    complete_answers(nurse_review)
    notice = services.information_request(
        review=nurse_review, user=nurse, needed=["DLI-3"], detail="The bone marrow biopsy report of May 2.",
        expected_revision=nurse_review.revision,
    )
    nurse_review.refresh_from_db()
    text = pdf_text(bytes(notice.pdf))
    assert _missing(text, [
        *EVERY_LETTER,
        "Request for information", f"Notice reference {notice.reference_number}",
        "Records showing relapsed, persistent or refractory disease",
        "Why: criterion DLI-3 of the policy, “The indication is relapsed, persistent or refractory disease",
        "The bone marrow biopsy report of May 2.",
        # 2560.503-1(f)(2)(iii)(A), (f)(4): the extension, the 45 days, the pause
        "This notice extends the time we have to decide by up to 15 days",
        "the time for our decision stops from the date of this notice until we receive it",
        notice.content["respond_by"], notice.content["decide_by"],
        "29 CFR 2560.503-1(f)(2)(iii)(A), (f)(4)",
        "a physician reviewer will decide the request on the information we have",
        "Dana Whitfield, MD NPI 1234567893",  # addressed to the provider first
    ]) == []
    assert text.index("Dana Whitfield, MD NPI 1234567893") < text.index("Jordan Blake 12 Elm Street")


def test_it_prints_a_medicare_extension_notice_with_the_right_to_a_fast_grievance(nurse, nurse_review):
    _set(nurse_review, line_of_business="medicare_advantage")
    notice = services.review_extend(
        review=nurse_review, user=nurse, reason="plan_justified", expected_revision=nurse_review.revision,
        justification="Your doctor is sending the bone marrow results, which could show the service is covered.",
    )
    nurse_review.refresh_from_db()
    member, _provider = _copies(bytes(notice.pdf))
    assert _missing(member, [
        *EVERY_LETTER, *MEMBER_ADDRESS,
        "We need more time to decide your request",
        "we need more information to decide, and waiting for it is in your interest",
        "Your doctor is sending the bone marrow results",
        notice.content["decide_by"], "42 CFR 422.568(b)(1)",
        # 42 CFR 422.568(b)(1)(ii)(B): the right to an expedited grievance
        "file a fast (expedited) grievance", "within 24 hours",
    ]) == []


def test_every_letter_prints_the_plans_languages_in_their_order(upheld):
    """The Latin-script taglines read back exactly; they come in the plan's order."""
    text = pdf_text(bytes(upheld.letter.pdf))
    codes = [c for c in taglines.default_languages() if c in ("es", "pl", "vi", "it", "fr", "de")]
    assert len(codes) == 6
    starts = [taglines.TAGLINES[c].text.split("{phone}")[0][:30] for c in codes]
    positions = [text.find(start) for start in starts]
    assert -1 not in positions and positions == sorted(positions)
