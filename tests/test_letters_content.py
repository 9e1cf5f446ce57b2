"""What each letter carries, read back out of the stored PDF as a member would read it."""

import hashlib

from django.urls import reverse

from coverage_app.lib.usdates import long_date
from tests.conftest import DATE_OF_SERVICE, pdf_text

APPROVAL_MUST_SAY = [
    "Decision: approved",
    "Jordan Blake",  # member name
    "M20000001",  # member ID
    "April 2, 1970",  # date of birth
    "Dana Whitfield, MD",  # requesting provider
    "National Provider Identifier (NPI) 1234567893",
    "Donor lymphocyte infusion (DLI)",
    "CPT (Current Procedural Terminology) code 38242: Allogeneic lymphocyte infusions",
    "C92.02: Acute myeloblastic leukemia, in relapse",
    f"Authorization valid from {long_date(DATE_OF_SERVICE)} (the planned date of service)",
    "Medical Coverage Policy 0261",
    "Donor Lymphocyte Infusion and Hematopoietic Progenitor Cell (HPC) Boost",
    "version effective May 15, 2024",
    "Who made this decision",
    "Nina Reyes",  # who decided
    "language assistance services, free of charge",
    "Nondiscrimination notice",
]

ADVERSE_MUST_SAY = [
    "Decision: not approved (adverse determination: not medically necessary)",
    "Jordan Blake", "M20000001", "April 2, 1970", "Dana Whitfield, MD",
    "CPT (Current Procedural Terminology) code 38242: Allogeneic lymphocyte infusions",
    # the specific reason, tied to this member's facts
    "Donor lymphocyte infusion (DLI) is covered only after an allogeneic (donor) stem cell "
    "transplant; this member's transplant was autologous.",
    # the criterion not met, in the policy's words
    "Criterion DLI-1",
    "Donor lymphocyte infusion (DLI) is considered medically necessary following an allogeneic "
    "hematopoietic stem cell transplantation (HSCT)",
    # the policy relied on, and a free copy on request
    "Medical Coverage Policy 0261", "version effective May 15, 2024",
    "You may ask for a copy of this policy and of the criteria we used, free of charge",
    # the physician's clinical rationale
    "The transplant was autologous, so there are no donor lymphocytes to infuse.",
    # what could change the decision
    "What information could change this decision",
    "Records showing that the member received an allogeneic (donor) stem cell transplant",
    # appeal rights
    "You have 180 days from the date you receive this letter to ask for an appeal",
    "urgent (expedited) appeal", "we will decide it within 72 hours",
    "External review", "independent review organization",
    "bring a civil action under section 502(a) of ERISA",
    "Employee Retirement Income Security Act of 1974 (ERISA)",
    # peer to peer
    "peer-to-peer conversation",
    # the physician reviewer, with credentials
    "Omar Hale, MD, Hematology",
    "language assistance services, free of charge", "Nondiscrimination notice",
]


def test_the_approval_letter_carries_every_required_element(approved):
    text = pdf_text(bytes(approved.letter.pdf))
    assert [phrase for phrase in APPROVAL_MUST_SAY if phrase not in text] == []
    assert "appeal" not in text.lower()


def test_the_adverse_letter_carries_every_required_element(upheld):
    text = pdf_text(bytes(upheld.letter.pdf))
    assert [phrase for phrase in ADVERSE_MUST_SAY if phrase not in text] == []


def test_one_pdf_holds_the_member_letter_and_the_provider_copy(upheld):
    text = pdf_text(bytes(upheld.letter.pdf))
    assert "LETTER TO THE MEMBER" in text.upper()
    assert "COPY TO THE REQUESTING PROVIDER" in text.upper()
    assert text.count("Criterion DLI-1") == 2


def test_a_medicare_advantage_member_gets_medicare_appeal_rights(nurse, nurse_review, director_with_credentials):
    from coverage_app import services
    from coverage_app.models import Review
    from tests.conftest import complete_answers

    Review.objects.filter(pk=nurse_review.pk).update(line_of_business="medicare_advantage")
    complete_answers(nurse_review, hematologic_malignancy=False)
    services.review_finish(action="refer", review=nurse_review, user=nurse, criterion_notes={}, overall_note="",
                                       expected_revision=nurse_review.revision)
    d = services.director_decide(review=nurse_review, user=director_with_credentials, decision="uphold",
                                 peer_to_peer="not_offered", rationale="Not a malignancy.")
    text = pdf_text(bytes(d.letter.pdf))
    assert "Ask for an appeal within 65 days of the date of this notice" in text
    assert "Independent Review Entity" in text
    assert "502(a)" not in text


def test_the_stored_hash_matches_the_stored_bytes(upheld):
    assert upheld.letter.sha256 == hashlib.sha256(bytes(upheld.letter.pdf)).hexdigest()


def test_downloading_twice_gives_identical_bytes(client, nurse, upheld):
    client.force_login(nurse)
    url = reverse("letter_pdf", kwargs={"determination_id": upheld.public_id})
    first, second = client.get(url), client.get(url)
    assert first.status_code == 200 and first["Content-Type"] == "application/pdf"
    assert first["Content-Disposition"] == f'attachment; filename="{upheld.reference_number}.pdf"'
    assert first.content == second.content == bytes(upheld.letter.pdf)
    assert hashlib.sha256(first.content).hexdigest() == upheld.letter.sha256


def test_the_print_view_is_the_stored_html(client, director, upheld):
    from django.utils.html import escape

    client.force_login(director)
    r = client.get(reverse("letter_html", kwargs={"determination_id": upheld.public_id}))
    # The stored HTML, unchanged, as the frame's document (an attribute, so escaped once).
    assert f'srcdoc="{escape(upheld.letter.html)}"' in r.content.decode()
    assert "Criterion DLI-1" in upheld.letter.html


def test_notes_and_rationale_print_as_text_not_markup(referred, director_with_credentials):
    from coverage_app import services

    d = services.director_decide(review=referred, user=director_with_credentials, decision="uphold",
                                 peer_to_peer="held", rationale="<b>bold</b> & <script>x()</script>")
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;" in d.letter.html
    assert "<b>bold</b> & <script>x()</script>" in pdf_text(bytes(d.letter.pdf))


def test_it_renders_a_letter_again_with_the_wording_it_was_issued_with(upheld):
    """Letters print the wording snapshot taken when they were issued, not the wording in effect
    when they are rendered: re-render one after new wording took effect (the stored bytes never
    change, so reading them back could not tell)."""
    import datetime as dt

    from django.utils import timezone

    from coverage_app.letters import render_letter, wording_in_effect
    from coverage_app.models import LetterWording

    LetterWording.objects.create(kind="peer_to_peer", effective_date=dt.date(2024, 6, 1), text="New words.")
    assert wording_in_effect(timezone.localdate())["peer_to_peer"] == "New words."
    upheld.refresh_from_db()
    html, pdf = render_letter(upheld, upheld.review)
    assert "New words." not in html and "New words." not in pdf_text(pdf)
    assert "Your provider may ask" in pdf_text(pdf)
