"""A worker killed hard (SIGKILL, an out-of-memory kill) while it issues an approval leaves
nothing half-written: PostgreSQL rolls back the transaction holding the status, the determination
and the letter. The nurse's retry, from the same page, then issues exactly one of each."""

import os
import subprocess
import sys
import textwrap

import pytest
from django.db import connection
from django.urls import reverse

from coverage_app.models import Determination, Letter, Review
from tests.conftest import PROJECT, as_posted, complete_answers

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="a second process on the same database"),
]

KILLED_WHILE_ISSUING = textwrap.dedent("""
    import os, signal, sys
    import django
    django.setup()
    from django.contrib.auth.models import User
    from coverage_app import services
    from coverage_app.models import Determination, Review

    def render_and_die(determination, review, superseded=None):
        # Inside the transaction: the determination row is written, the letter is not yet.
        assert Determination.objects.filter(pk=determination.pk).exists()
        os.kill(os.getpid(), signal.SIGKILL)

    services.render_letter = render_and_die
    review = Review.objects.get(public_id=sys.argv[1])
    services.review_finish(review=review, user=User.objects.get(username="nurse1"), action="approve",
                           criterion_notes={}, overall_note="", expected_revision=review.revision)
""")


def test_a_worker_killed_mid_approval_leaves_nothing_and_the_retry_issues_one(client, seeded, nurse, nurse_review):
    complete_answers(nurse_review)
    client.force_login(nurse)
    summary = reverse("review_summary", kwargs={"review_id": nurse_review.public_id})
    page = as_posted(nurse_review, {"action": "approve", "overall_note": ""})  # the page the nurse has open

    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{settings['NAME']}"
    worker = subprocess.run(
        [sys.executable, "-c", KILLED_WHILE_ISSUING, str(nurse_review.public_id)], cwd=PROJECT,
        env={**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "config.settings_test"},
        capture_output=True, text=True, timeout=120,
    )
    assert worker.returncode == -9, worker.stderr[-2000:]  # killed, not finished

    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.IN_REVIEW
    assert Determination.objects.count() == Letter.objects.count() == 0

    r = client.post(summary, page)  # the nurse sends the same page again
    assert r.status_code == 302
    r = client.post(summary, page)  # and once more, by a double click
    nurse_review.refresh_from_db()
    assert nurse_review.status == Review.Status.APPROVED
    assert Determination.objects.filter(review=nurse_review).count() == 1
    assert Letter.objects.filter(determination__review=nurse_review).count() == 1
