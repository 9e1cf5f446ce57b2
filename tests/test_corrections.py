"""An issued determination never changes: a correction supersedes it, and both stay visible."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.urls import reverse

from coverage_app import services
from coverage_app.models import Determination, Review
from tests.conftest import pdf_text


def correct_url(d):
    return reverse("determination_correct", kwargs={"determination_id": d.public_id})


CORRECTION = {"outcome": "approved", "basis": "medical_necessity",
              "reason": "The transplant records show an allogeneic graft.",
              "rationale": "Corrected records meet DLI-1."}


def test_a_correction_supersedes_with_a_new_letter(client, director_with_credentials, upheld):
    old_pdf = bytes(upheld.letter.pdf)
    client.force_login(director_with_credentials)
    r = client.post(correct_url(upheld), CORRECTION)
    assert r.status_code == 302
    new = Determination.objects.get(supersedes=upheld)
    assert new.outcome == "approved" and new.correction_reason == CORRECTION["reason"]
    upheld.refresh_from_db()
    assert bytes(upheld.letter.pdf) == old_pdf  # the old letter is untouched
    assert upheld.review.determinations.count() == 2
    text = pdf_text(bytes(new.letter.pdf))
    assert "corrects and replaces our letter of" in text and upheld.reference_number in text
    assert CORRECTION["reason"] in text
    review = Review.objects.get(pk=upheld.review_id)
    assert review.status == Review.Status.APPROVED
    html = client.get(reverse("review_detail", kwargs={"review_id": review.public_id})).content.decode()
    assert upheld.reference_number in html and new.reference_number in html and "Superseded" in html


def test_a_correction_needs_a_reason(director_with_credentials, upheld):
    with pytest.raises(services.ReviewStateError, match="why"):
        services.determination_correct(determination=upheld, user=director_with_credentials,
                                       outcome="approved", rationale="x", reason=" ")


def test_a_determination_is_corrected_once(director_with_credentials, upheld):
    services.determination_correct(determination=upheld, user=director_with_credentials, **CORRECTION)
    with pytest.raises(services.ReviewStateError, match="already been corrected"):
        services.determination_correct(determination=upheld, user=director_with_credentials, **CORRECTION)


def test_nurses_cannot_correct(client, nurse, upheld):
    client.force_login(nurse)
    assert client.post(correct_url(upheld), CORRECTION).status_code == 403


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is PostgreSQL's")
def test_the_database_refuses_to_change_or_delete_an_issued_determination_or_letter(upheld):
    from coverage_app.models import Letter

    attempts = [
        lambda: Determination.objects.filter(pk=upheld.pk).update(rationale="rewritten"),
        lambda: Determination.objects.filter(pk=upheld.pk)._raw_delete("default"),
        lambda: Letter.objects.filter(pk=upheld.pk).update(pdf=b"forged"),
        lambda: Letter.objects.filter(pk=upheld.pk).delete(),
    ]
    for attempt in attempts:
        with pytest.raises(DatabaseError, match="cannot be changed"), transaction.atomic():
            attempt()
    upheld.letter.refresh_from_db()
    assert bytes(upheld.letter.pdf).startswith(b"%PDF")
