"""An adverse determination gives specific reasons, and its letter prints them: a correction of an
approval into an adverse determination used to come out with empty "why", "criteria not met" and
"what could change" sections. A Medicare Advantage approval is withdrawn only administratively."""

import re

import pytest
from django.urls import reverse

from coverage_app import services
from coverage_app.lib import letter_text
from coverage_app.models import Determination, Review
from tests.conftest import complete_answers, pdf_text

CLINICAL = ("The member's disease is in remission on the latest marrow study, so there is no relapse "
            "for donor lymphocytes to treat.")


def correct_url(d):
    return reverse("determination_correct", kwargs={"determination_id": d.public_id})


def sections(text: str) -> dict[str, str]:
    """The member's copy of a letter, by heading: each heading's text up to the next one."""
    member = text.split("Copy to the requesting provider")[0]
    member = " ".join(re.sub(r"Reference \S+ · page \d+ of \d+|•", " ", member).split())  # page footers, bullets
    headings = ["Why we made this decision", "The policy criteria not met", "The policy and plan provision we relied on",
                "The physician reviewer's clinical rationale", "What information could change this decision",
                "Talking with the physician reviewer", "Your right to appeal"]
    found = {}
    for i, heading in enumerate(headings):
        rest = member.split(heading, 1)[1] if heading in member else ""
        found[heading] = re.split("|".join(map(re.escape, headings[i + 1:] + ["Who made this decision"])), rest)[0].strip()
    return found


def test_a_correction_to_adverse_without_reasons_is_refused_beside_the_field(client, director_with_credentials, approved):
    client.force_login(director_with_credentials)
    r = client.post(correct_url(approved), {"outcome": "adverse", "basis": "medical_necessity",
                                            "reason": "Second look.", "rationale": "On reflection."})
    assert r.status_code == 200
    assert r.context["form"].errors["clinical_reasons"] == [
        "The request meets every criterion of the policy, so an adverse determination needs your clinical "
        "reasons, in plain language: the letter prints them for the member."]
    assert approved.review.determinations.count() == 1
    with pytest.raises(services.ReviewStateError, match="needs your clinical reasons"):
        services.determination_correct(determination=approved, user=director_with_credentials, outcome="adverse",
                                       reason="Second look.", rationale="On reflection.", clinical_reasons="  ")


def test_a_correction_to_adverse_prints_the_physicians_reasons(director_with_credentials, approved):
    new = services.determination_correct(
        determination=approved, user=director_with_credentials, outcome="adverse", reason="Second look.",
        rationale="On reflection.", clinical_reasons=CLINICAL,
    )
    assert (new.clinical_reasons, new.basis) == (CLINICAL, "medical_necessity")
    assert Review.objects.get(pk=approved.review_id).status == Review.Status.ADVERSE_DETERMINATION
    found = sections(pdf_text(bytes(new.letter.pdf)))
    assert found["Why we made this decision"] == CLINICAL
    assert found["The policy criteria not met"] == letter_text.NO_CRITERION_UNMET
    assert found["What information could change this decision"] == letter_text.WHAT_COULD_CHANGE_CLINICAL
    assert all(found.values()), [h for h, t in found.items() if not t]  # no empty section


def test_an_upheld_referral_prints_the_criteria_not_met(upheld):
    found = sections(pdf_text(bytes(upheld.letter.pdf)))
    assert "only after an allogeneic (donor) stem cell transplant" in found["Why we made this decision"]
    assert "Criterion DLI-1" in found["The policy criteria not met"]
    assert all(found.values()), [h for h, t in found.items() if not t]


def test_upholding_a_case_that_meets_the_criteria_needs_clinical_reasons(client, nurse, director_with_credentials, nurse_review):
    complete_answers(nurse_review)
    services.review_finish(action="refer", review=nurse_review, user=nurse, criterion_notes={}, overall_note="",
                                       expected_revision=nurse_review.revision,
                                       referral_reason="The marrow report attached shows remission.")
    client.force_login(director_with_credentials)
    url = reverse("review_decide", kwargs={"review_id": nurse_review.public_id})
    data = {"decision": "uphold", "peer_to_peer": "offered", "rationale": "Remission."}
    r = client.post(url, data)
    assert "needs your clinical reasons" in r.context["form"].errors["clinical_reasons"][0]
    assert client.post(url, {**data, "clinical_reasons": CLINICAL}).status_code == 302
    d = nurse_review.determinations.get()
    assert d.is_adverse and CLINICAL in pdf_text(bytes(d.letter.pdf))


def test_a_medicare_advantage_approval_is_not_reversed_for_medical_necessity(client, nurse, director_with_credentials, nurse_review):
    Review.objects.filter(pk=nurse_review.pk).update(line_of_business="medicare_advantage")
    complete_answers(nurse_review)
    services.review_finish(action="approve", review=nurse_review, user=nurse, criterion_notes={}, overall_note="",
                            expected_revision=nurse_review.revision)
    approval = nurse_review.determinations.get()
    client.force_login(director_with_credentials)
    data = {"outcome": "adverse", "basis": "medical_necessity", "reason": "Second look.",
            "rationale": "On reflection.", "clinical_reasons": CLINICAL}
    r = client.post(correct_url(approval), data)
    assert "42 CFR 422.138(c)" in r.context["form"].errors["basis"][0]
    assert nurse_review.determinations.count() == 1

    # An administrative correction may withdraw it, and its letter says it is not about medical necessity.
    r = client.post(correct_url(approval), {**data, "basis": "administrative",
                                            "reason": "The approval was issued under the wrong member ID."})
    assert r.status_code == 302
    new = Determination.objects.get(supersedes=approval)
    assert (new.outcome, new.basis, new.clinical_reasons) == ("adverse", "administrative", "")
    text = pdf_text(bytes(new.letter.pdf))
    assert "Decision: not approved (administrative correction)" in text
    assert letter_text.ADMINISTRATIVE_INTRO in text
    assert "The approval was issued under the wrong member ID." in text
    assert "not medically necessary" not in text
    assert "within 65 days" in text  # appeal rights still printed


def test_a_commercial_approval_may_be_corrected_either_way(director_with_credentials, approved):
    new = services.determination_correct(
        determination=approved, user=director_with_credentials, outcome="adverse", basis="administrative",
        reason="Issued for the wrong service.", rationale="Administrative.",
    )
    assert new.is_administrative and "502(a)" in pdf_text(bytes(new.letter.pdf))
