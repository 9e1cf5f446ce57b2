"""Determination letters: HTML from Django templates, PDF from WeasyPrint.

WeasyPrint fetches nothing over the network or from arbitrary files: its URL fetcher serves only
the project's own static files, from disk.
"""

import mimetypes
import threading
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from coverage_app.lib import icd10, letter_text, rules
from coverage_app.lib.usdates import long_date
from coverage_app.models import Determination, LetterWording, Review

# A base URL that names no real host: relative /static/ links in a letter resolve against it,
# and the fetcher below answers them from disk.
LETTER_BASE_URL = "https://letters.invalid/"


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves /static/ files found by Django's staticfiles finders; refuses every other URL."""

    prefix = LETTER_BASE_URL + settings.STATIC_URL.lstrip("/")

    def fetch(self, url, headers=None):
        if not url.startswith(self.prefix):
            raise ValueError(f"letters may not fetch {url[:80]}")
        relative = url[len(self.prefix) :].split("?")[0].split("#")[0]
        if not relative or ".." in Path(relative).parts:
            raise ValueError("letters may only use the project's static files")
        found = finders.find(relative) or self.collected(relative)
        if not found:
            raise ValueError(f"no static file {relative}")
        mime_type = mimetypes.guess_type(found)[0] or "application/octet-stream"
        return URLFetcherResponse(
            url, body=Path(found).read_bytes(), headers={"Content-Type": mime_type}
        )


    @staticmethod
    def collected(relative: str) -> str | None:
        """A fingerprinted name (fonts/x.3f2a.ttf) from collectstatic, served from STATIC_ROOT."""
        root = Path(settings.STATIC_ROOT).resolve()
        candidate = (root / relative).resolve()
        if candidate.is_relative_to(root) and candidate.is_file():
            return str(candidate)
        return None


_per_thread = threading.local()


def font_config() -> FontConfiguration:
    """One font configuration per thread, kept: building one and loading the letter's fonts for
    every letter costs more than it buys (bench/README.md). Pango's font maps are not thread-safe."""
    if not hasattr(_per_thread, "fonts"):
        _per_thread.fonts = FontConfiguration()
    return _per_thread.fonts


def html_to_pdf(html: str) -> bytes:
    document = HTML(string=html, base_url=LETTER_BASE_URL, url_fetcher=StaticFilesOnlyFetcher())
    return document.write_pdf(font_config=font_config())


def wording_in_effect(on) -> dict[str, str]:
    """The newest wording of each paragraph that took effect on or before `on`."""
    wording: dict[str, str] = {}
    for w in LetterWording.objects.filter(effective_date__lte=on).order_by("kind", "-effective_date"):
        wording.setdefault(w.kind, w.text)
    missing = set(LetterWording.Kind.values) - set(wording)
    if missing:
        raise LookupError(f"no letter wording in effect for: {', '.join(sorted(missing))}")
    return wording


def letter_context(determination: Determination, review: Review, superseded=None) -> dict:
    snapshot = determination.criteria_snapshot
    wording = determination.wording_snapshot
    not_met = [c for c in snapshot["criteria"] if not c["met"]]
    appeal_kind = (
        LetterWording.Kind.APPEAL_MEDICARE
        if review.line_of_business == Review.LineOfBusiness.MEDICARE_ADVANTAGE
        else LetterWording.Kind.APPEAL_COMMERCIAL
    )
    decided_local = timezone.localtime(determination.decided_at)
    return {
        "d": determination,
        "review": review,
        "letter_date": long_date(decided_local.date()),
        "letterhead": letter_text.lines(wording[LetterWording.Kind.LETTERHEAD]),
        "member_dob": long_date(review.member_date_of_birth) if review.member_date_of_birth else "",
        "date_of_service": long_date(review.planned_date_of_service),
        "service_in_words": letter_text.SERVICE_IN_WORDS[rules.Service(review.service)],
        "cpt": letter_text.cpt_phrase(review.service),
        "diagnoses": [icd10.describe(code) for code in review.diagnosis_codes],
        "policy": determination.policy_version.policy,
        "policy_version_date": long_date(determination.policy_version.effective_date),
        "decided_on": long_date(decided_local.date()),
        "intro": letter_text.paragraphs(
            wording[
                LetterWording.Kind.ADVERSE if determination.is_adverse else LetterWording.Kind.APPROVAL
            ]
        ),
        "reasons": snapshot["reasons"],
        "clinical_reasons": letter_text.paragraphs(determination.clinical_reasons),
        "not_met": not_met,
        "no_criterion_unmet": letter_text.NO_CRITERION_UNMET,
        "what_could_change": letter_text.what_could_change(
            [c["id"] for c in not_met], bool(determination.clinical_reasons.strip())
        ),
        "administrative_intro": letter_text.ADMINISTRATIVE_INTRO,
        "administrative_what_could_change": letter_text.ADMINISTRATIVE_WHAT_COULD_CHANGE,
        "rationale": letter_text.paragraphs(determination.rationale),
        "appeal": letter_text.paragraphs(wording[appeal_kind]),
        "peer_to_peer": letter_text.paragraphs(wording[LetterWording.Kind.PEER_TO_PEER]),
        "language_assistance": letter_text.paragraphs(wording[LetterWording.Kind.LANGUAGE_ASSISTANCE]),
        "superseded": superseded,
        "superseded_date": long_date(timezone.localtime(superseded.decided_at).date()) if superseded else "",
        "recipients": ["member", "provider"],
    }


def render_letter(determination: Determination, review: Review, superseded=None) -> tuple[str, bytes]:
    """The letter as stored HTML and PDF bytes: rendered once, when the determination is issued."""
    html = render_to_string("letters/letter.html", letter_context(determination, review, superseded))
    return html, html_to_pdf(html)
