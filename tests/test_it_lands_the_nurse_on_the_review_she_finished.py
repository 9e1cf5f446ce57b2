"""After Approve or Send to physician review, the nurse lands on the review she finished, with its
determination, reference number and letter, not on a queue whose default filter hides it
(issue 15, "Land where the work continues")."""

import pytest
from django.urls import reverse

from tests.conftest import as_posted, complete_answers

pytestmark = pytest.mark.django_db


def summary_url(review):
    return reverse("review_summary", kwargs={"review_id": review.public_id})


def test_an_approval_lands_on_the_review_with_its_reference_and_letter(client, nurse, nurse_review):
    complete_answers(nurse_review)
    client.force_login(nurse)
    r = client.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "approve"}), follow=True)
    d = nurse_review.determinations.get()
    assert r.redirect_chain[-1][0] == reverse("review_detail", kwargs={"review_id": nurse_review.public_id})
    page = r.content.decode()
    assert f"Approval {d.reference_number} is issued" in page
    assert reverse("letter_html", kwargs={"determination_id": d.public_id}) in page
    assert reverse("letter_pdf", kwargs={"determination_id": d.public_id}) in page


def test_a_referral_lands_on_the_review_too(client, nurse, nurse_review):
    complete_answers(nurse_review, transplant_type="autologous", same_donor=None)
    client.force_login(nurse)
    r = client.post(summary_url(nurse_review), as_posted(nurse_review, {"action": "refer"}), follow=True)
    assert r.redirect_chain[-1][0] == reverse("review_detail", kwargs={"review_id": nurse_review.public_id})
    assert f"Review {nurse_review.case_number} sent to physician review." in r.content.decode()


def test_a_search_finds_a_finished_review_and_says_which_filter_hid_one(client, nurse, approved):
    review = approved.review
    client.force_login(nurse)
    for status in (None, "open"):  # the queue's form posts its status, "All open" by default
        query = {"q": review.case_number, **({"status": status} if status else {})}
        r = client.get(reverse("queue"), query)
        assert [row["case_number"] for row in r.context["rows"]] == [review.case_number]  # any status
    r = client.get(reverse("queue"), {"q": review.member_id.lower(), "status": "in_review"})
    assert r.context["rows"] == []
    page = r.content.decode()
    assert "1 review with the case number or member ID" in page and "hidden by the filter “In review”" in page
    assert "status=all" in page


def test_continue_the_review_opens_the_first_step_with_an_unanswered_question(client, nurse, nurse_review):
    client.force_login(nurse)
    detail = reverse("review_detail", kwargs={"review_id": nurse_review.public_id})
    transplant = reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "transplant"})
    assert f'href="{transplant}">Continue the review' in client.get(detail).content.decode()
    complete_answers(nurse_review)
    assert f'href="{summary_url(nurse_review)}">Continue the review' in client.get(detail).content.decode()


def test_the_report_csv_takes_the_dates_on_the_form(client, policy_staff):
    client.force_login(policy_staff)
    page = client.get(reverse("reports"), {"start": "2026-01-01", "end": "2026-01-31"}).content.decode()
    start = page.index('<form method="get"')
    form = page[start: page.index("</form>", start)]
    # Download CSV submits the form itself, so dates changed after "Show" are the ones used.
    assert f'formaction="{reverse("reports_csv")}"' in form and "?start=" not in form
    r = client.get(reverse("reports_csv"), {"start": "2026-02-01", "end": "2026-02-28"})
    assert 'filename="prior-authorizations-2026-02-01-to-2026-02-28.csv"' in r["Content-Disposition"]
