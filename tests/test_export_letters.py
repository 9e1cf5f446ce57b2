import io
import uuid

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from pypdf import PdfReader


def export(*args):
    out, err = io.StringIO(), io.StringIO()
    status = 0
    try:
        call_command("export_letters", *args, stdout=out, stderr=err)
    except CommandError as e:
        # What manage.py prints and exits with (BaseCommand.run_from_argv).
        status = e.returncode
        err.write(f"CommandError: {e}\n")
    return status, out.getvalue(), err.getvalue()


@pytest.fixture
def second_approval(nurse, nurse_review):
    from coverage_app import services
    from coverage_app.models import Review
    from tests.conftest import complete_answers

    other = Review.objects.get(pk=nurse_review.pk)
    other.pk, other.id, other.public_id, other.case_number = None, None, uuid.uuid4(), "UR-SECOND"
    other.status = Review.Status.IN_REVIEW
    other.save()
    complete_answers(other)
    services.review_finish(action="approve", review=other, user=nurse, criterion_notes={}, overall_note="",
                            expected_revision=other.revision)
    return other.determinations.get()


def test_it_writes_each_letter_of_the_day_and_a_merged_copy(tmp_path, approved, second_approval):
    upheld = second_approval
    day = timezone.localdate(upheld.decided_at).isoformat()
    status, out, err = export("--date", day, str(tmp_path / "mail"), "--merged")
    assert (status, err) == (0, "")
    assert out.strip() == f"wrote 2 letters issued on {day} to {tmp_path / 'mail'}, merged into letters-{day}.pdf"
    for d in (approved, upheld):
        assert (tmp_path / "mail" / f"{d.reference_number}.pdf").read_bytes() == bytes(d.letter.pdf)
    merged = PdfReader(tmp_path / "mail" / f"letters-{day}.pdf")
    pages = sum(len(PdfReader(io.BytesIO(bytes(d.letter.pdf))).pages) for d in (approved, upheld))
    assert len(merged.pages) == pages


def test_it_writes_nothing_for_a_day_without_letters(tmp_path, approved):
    status, out, _ = export("--date", "2025-01-01", str(tmp_path))
    assert status == 0 and out.startswith("wrote 0 letters issued on 2025-01-01")
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    "args, message",
    [
        (["--date", "2026-02-30", "DIR"], "CommandError: --date: '2026-02-30' is not a date written YYYY-MM-DD"),
        (["DIR"], "CommandError: --date: is required"),
        (["--date", "2026-01-01"], "CommandError: DIR: is required"),
    ],
)
def test_it_names_the_bad_argument_in_one_line(db, tmp_path, args, message):
    args = [str(tmp_path / "out") if a == "DIR" else a for a in args]
    status, out, err = export(*args)
    assert (status, out) == (2, "")
    assert err.startswith(message) and err.count("\n") == 1


def test_it_refuses_a_file_as_the_folder(db, tmp_path):
    target = tmp_path / "file.txt"
    target.write_text("x")
    status, _, err = export("--date", "2026-01-01", str(target))
    assert status == 2 and "exists and is not a folder" in err
