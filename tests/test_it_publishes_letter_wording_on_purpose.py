"""Letter wording works as policy versions do: "New version from this" (a button on the paragraph's
page) makes a draft no letter prints; policy staff publish it with a date, after seeing the text's
changes; letters issued from that date print it."""

import datetime as dt
import re

from django.urls import reverse
from django.utils import timezone

from coverage_app.letters import wording_in_effect
from coverage_app.lib.usdates import long_date
from coverage_app.models import LetterWording
from tests.test_admin_policy import publish

TOMORROW = dt.date.today() + dt.timedelta(days=1)


def test_it_copies_from_a_button_on_the_paragraphs_page(client, policy_staff):
    client.force_login(policy_staff)
    wording = LetterWording.objects.get(kind="peer_to_peer")
    page = client.get(reverse("admin:coverage_app_letterwording_change", args=[wording.pk])).content.decode()
    copy_url = reverse("admin:coverage_app_letterwording_copy", args=[wording.pk])
    assert re.search(rf'<form method="post" action="{copy_url}"[^>]*>\s*<input type="hidden" name="csrfmiddlewaretoken"'
                     r'[^>]*>\s*<button type="submit" class="button"[^>]*>New version from this</button>', page)
    r = client.post(copy_url)
    draft = LetterWording.objects.get(kind="peer_to_peer", effective_date=None)
    assert r["Location"] == reverse("admin:coverage_app_letterwording_change", args=[draft.pk])
    assert draft.text == wording.text
    assert client.get(copy_url)["Location"] == reverse("admin:coverage_app_letterwording_change", args=[wording.pk])
    assert LetterWording.objects.filter(kind="peer_to_peer").count() == 2  # a GET copies nothing


def test_it_publishes_a_draft_paragraph_after_showing_the_changed_text(client, policy_staff):
    client.force_login(policy_staff)
    wording = LetterWording.objects.get(kind="peer_to_peer")
    client.post(reverse("admin:coverage_app_letterwording_copy", args=[wording.pk]))
    draft = LetterWording.objects.get(kind="peer_to_peer", effective_date=None)
    new_text = "Your doctor may talk with our physician reviewer by telephone.\n\nCall us to arrange it."
    r = client.post(reverse("admin:coverage_app_letterwording_change", args=[draft.pk]),
                    {"text": new_text, "_publish": "Save and publish…"})
    assert r["Location"] == reverse("admin:coverage_app_letterwording_publish", args=[draft.pk])
    assert wording_in_effect(TOMORROW + dt.timedelta(days=3650))["peer_to_peer"] == wording.text

    refused = publish(client, "letterwording", draft.pk, timezone.localdate(), confirm=False).content.decode()
    assert f"Choose {long_date(TOMORROW)} or later" in refused

    changes = publish(client, "letterwording", draft.pk, TOMORROW, confirm=False).content.decode()
    table = changes[changes.index('<table class="version-diff">'):]
    old, new = re.findall(r"<td>(.*?)</td>", table[:table.index("</table>")], re.S)
    assert old.startswith("Your <del>provider </del>may ") and new.startswith("Your <ins>doctor </ins>may ")
    assert new.endswith("<ins>telephone.\n\nCall us to arrange it</ins>.")
    assert wording_in_effect(TOMORROW)["peer_to_peer"] == wording.text

    assert publish(client, "letterwording", draft.pk, TOMORROW).status_code == 302
    assert wording_in_effect(TOMORROW)["peer_to_peer"] == new_text
    assert wording_in_effect(timezone.localdate())["peer_to_peer"] == wording.text
