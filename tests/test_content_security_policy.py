import re

from django.urls import reverse


def test_every_page_sends_a_policy_that_forbids_inline_script(client, nurse, nurse_review):
    client.force_login(nurse)
    for url in [reverse("login"), reverse("queue"), reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "request"})]:
        csp = client.get(url)["Content-Security-Policy"]
        directives = dict(d.strip().split(" ", 1) for d in csp.split(";") if d.strip())
        assert directives["script-src"] == "'self'"
        assert directives["default-src"] == "'self'"
        assert directives["frame-ancestors"] == "'none'"


def test_no_page_has_an_inline_script(client, nurse, director_with_credentials, policy_staff, upheld, nurse_review):
    pages = [
        (nurse, reverse("queue")),
        (nurse, reverse("review_step", kwargs={"review_id": nurse_review.public_id, "step": "request"})),
        (nurse, reverse("review_detail", kwargs={"review_id": upheld.review.public_id})),
        (director_with_credentials, reverse("physician_queue")),
        (policy_staff, reverse("reports")),
        (policy_staff, reverse("admin:index")),
        (nurse, reverse("letter_html", kwargs={"determination_id": upheld.public_id})),
    ]
    for user, url in pages:
        client.force_login(user)
        html = client.get(url).content.decode()
        inline = [m for m in re.findall(r"<script\b[^>]*>", html) if "src=" not in m]
        assert inline == [], url
        assert not re.search(r"\son[a-z]+\s*=", html, re.IGNORECASE), url  # no onclick= and kin
