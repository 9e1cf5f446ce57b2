"""A member's self-reported race and ethnicity, languages and sex are for the health-equity report
only: optional, written but never shown back, and never in the rules engine's input, the
determination, a letter or a reviewer's page."""

import dataclasses
import re

import pytest
from django.urls import reverse

from coverage_app import services
from coverage_app.lib import questions, rules
from coverage_app.models import MemberDemographics
from tests.conftest import as_posted, complete_answers, pdf_text

FIELDS = ("race_ethnicity", "spoken_language", "written_language", "sex")
SAID = {"race_ethnicity": ["mena"], "spoken_language": "pl", "written_language": "pl", "sex": "another"}
SHOWN = ("Middle Eastern or North African", "Another sex")


def url(review):
    return reverse("review_demographics", kwargs={"review_id": review.public_id})


def test_the_rules_engine_and_the_questionnaire_have_no_such_field(nurse_review):
    case_fields = {f.name for f in dataclasses.fields(rules.Case)}
    assert not case_fields & set(FIELDS) and not set(questions.BY_NAME) & set(FIELDS)
    MemberDemographics.objects.create(review=nurse_review, recorded_at=nurse_review.received_at,
                                      recorded_by=nurse_review.assigned_to, **SAID)
    assert not set(nurse_review.answers()) & set(FIELDS)


def test_the_nurse_records_them_and_nothing_shows_them_back(client, nurse, director_with_credentials, nurse_review):
    complete_answers(nurse_review)
    client.force_login(nurse)
    r = client.post(url(nurse_review), {"race_ethnicity": ["mena"], "spoken_language": "pl",
                                        "written_language": "pl", "sex": "another"})
    assert r["Location"] == reverse("review_detail", kwargs={"review_id": nurse_review.public_id})
    row = MemberDemographics.objects.get()
    assert (row.race_ethnicity, row.spoken_language, row.sex, row.recorded_by) == (["mena"], "pl", "another", nurse)
    form = client.get(url(nurse_review)).content.decode()
    # It opens empty: only "Not asked" is chosen.
    chosen = re.findall(r'<(?:input|option)[^>]*value="([^"]*)"[^>]*\b(?:checked|selected)', form)
    assert set(chosen) == {""}, chosen

    pages = [reverse("review_detail", kwargs={"review_id": nurse_review.public_id}),
             reverse("review_summary", kwargs={"review_id": nurse_review.public_id}),
             reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "request"})]
    client.post(pages[1], as_posted(nurse_review, {"action": "refer", "referral_reason": "Check the donor.",
                                                   "overall_note": ""}))
    client.force_login(director_with_credentials)
    pages.append(reverse("review_decide", kwargs={"review_id": nurse_review.public_id}))
    determination = services.director_decide(review=nurse_review, user=director_with_credentials, decision="overturn",
                                             peer_to_peer="not_offered", rationale="Meets the policy.")
    for page in pages:
        client.force_login(nurse if "decide" not in page else director_with_credentials)
        html = client.get(page, follow=True).content.decode()
        assert not any(words in html for words in SHOWN), page
    letter = determination.letter
    assert not any(words in letter.html or words in pdf_text(bytes(letter.pdf)) for words in SHOWN)
    assert not set(determination.criteria_snapshot) & set(FIELDS)


def test_declined_and_a_category_together_get_a_message_beside_the_field(client, nurse, nurse_review):
    client.force_login(nurse)
    r = client.post(url(nurse_review), {"race_ethnicity": ["white", "declined"], "sex": "female"})
    assert r.status_code == 200 and not MemberDemographics.objects.exists()
    assert r.context["form"].errors["race_ethnicity"] == ["Choose categories, or \u201cDeclined to answer\u201d, not both."]
    assert re.search(r'value="female"[^>]*checked', r.content.decode())  # what was typed stays


@pytest.mark.parametrize("who", ["director", "policy_staff"])
def test_only_the_nurse_at_work_on_the_review_records_them(client, request, who, nurse_review):
    client.force_login(request.getfixturevalue(who))
    assert client.post(url(nurse_review), {"sex": "female"}).status_code == 403
    assert not MemberDemographics.objects.exists()
