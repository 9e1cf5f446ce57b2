"""Documents that arrive for a review: checked by their content, stored through Django's storage
API, listed for the nurse and the physician, logged when opened, never changed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import DatabaseError, transaction
from django.urls import reverse

from coverage_app import services
from coverage_app.lib import uploads
from coverage_app.models import AccessLog, Document, ReviewEvent

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32


def _upload(client, review, name, content, description=""):
    return client.post(reverse("document_upload", kwargs={"review_id": review.public_id}),
                       {"file": SimpleUploadedFile(name, content), "description": description}, follow=True)


def test_it_keeps_a_pdf_and_lists_it_for_the_nurse_and_the_physician(client, nurse, director, nurse_review):
    client.force_login(nurse)
    r = _upload(client, nurse_review, "marrow report.pdf", PDF, "Bone marrow report, May 2")
    assert "marrow report.pdf attached." in r.content.decode()
    document = Document.objects.get(review=nurse_review)
    assert (document.content_type, document.size, document.original_name) == ("application/pdf", len(PDF), "marrow report.pdf")
    assert document.file.read() == PDF and "marrow" not in document.file.name  # stored under a random name
    assert ReviewEvent.objects.filter(review=nurse_review, action="document_added").exists()
    assert "Bone marrow report, May 2" in r.content.decode()
    client.force_login(director)
    page = client.get(reverse("review_detail", kwargs={"review_id": nurse_review.public_id})).content.decode()
    assert "marrow report.pdf" in page
    download = client.get(reverse("document_download", kwargs={"document_id": document.public_id}))
    assert download.status_code == 200 and download.content == PDF
    assert download["Content-Type"] == "application/pdf" and download["X-Content-Type-Options"] == "nosniff"
    assert AccessLog.objects.filter(document=document, user=director, kind="document").count() == 1


@pytest.mark.parametrize("name, content, message", [
    ("notes.txt", b"just text", "Only PDF, PNG, JPEG or TIFF files are accepted"),
    ("fake.pdf", b"MZ\x90\x00 an executable", "Only PDF, PNG, JPEG or TIFF files are accepted"),
    ("empty.pdf", b"", "The submitted file is empty."),
])
def test_it_refuses_what_is_not_a_pdf_or_an_image_by_its_content(client, nurse, nurse_review, name, content, message):
    client.force_login(nurse)
    r = _upload(client, nurse_review, name, content)
    assert message in r.content.decode()
    assert not Document.objects.exists()


def test_it_accepts_an_image_and_refuses_a_file_too_large(client, nurse, nurse_review):
    client.force_login(nurse)
    _upload(client, nurse_review, "scan.png", PNG)
    assert Document.objects.get().content_type == "image/png"
    r = _upload(client, nurse_review, "huge.pdf", PDF + b"\x00" * uploads.MAX_BYTES)
    assert "the largest accepted is 10 MB" in r.content.decode()
    assert Document.objects.count() == 1


def test_only_the_assigned_nurse_attaches_and_only_reviewers_open(client, nurse, policy_staff, nurse_review, make_review):
    unassigned = make_review()
    with pytest.raises(services.PermissionDenied):
        services.document_add(review=unassigned, user=nurse, upload=SimpleUploadedFile("a.pdf", PDF))
    document = services.document_add(review=nurse_review, user=nurse, upload=SimpleUploadedFile("a.pdf", PDF))
    client.force_login(policy_staff)
    assert client.get(reverse("document_download", kwargs={"document_id": document.public_id})).status_code == 403
    assert client.post(reverse("document_upload", kwargs={"review_id": nurse_review.public_id}),
                       {"file": SimpleUploadedFile("b.pdf", PDF)}).status_code == 403


def test_a_kept_document_cannot_be_changed_or_deleted_in_the_database(nurse, nurse_review):
    document = services.document_add(review=nurse_review, user=nurse, upload=SimpleUploadedFile("a.pdf", PDF))
    with pytest.raises(DatabaseError), transaction.atomic():
        Document.objects.filter(pk=document.pk).update(original_name="b.pdf")
    with pytest.raises(DatabaseError), transaction.atomic():
        Document.objects.filter(pk=document.pk).delete()


def test_it_tells_a_file_by_its_first_bytes():
    assert uploads.content_type(PDF, len(PDF)) == "application/pdf"
    assert uploads.content_type(b"\xff\xd8\xff\xe0", 4) == "image/jpeg"
    assert uploads.content_type(b"II*\x00", 4) == "image/tiff"
    with pytest.raises(uploads.Refused, match="empty"):
        uploads.content_type(b"", 0)
    with pytest.raises(uploads.Refused, match="10 MB"):
        uploads.content_type(PDF, uploads.MAX_BYTES + 1)
