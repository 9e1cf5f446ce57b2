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

from coverage_app.lib import deadlines, icd10, letter_text, rules, taglines
from coverage_app.lib.usdates import long_date
from coverage_app.models import Determination, LetterWording, PlanSettings, Review

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


def wording_in_effect(on) -> dict:
    """The newest wording of each paragraph that took effect on or before `on`, and the plan's
    settings under "plan": what a letter issued now prints, kept with it."""
    wording: dict = {}
    for w in LetterWording.objects.filter(effective_date__lte=on).order_by("kind", "-effective_date"):
        wording.setdefault(w.kind, w.text)
    missing = set(LetterWording.Kind.values) - set(wording)
    if missing:
        raise LookupError(f"no letter wording in effect for: {', '.join(sorted(missing))}")
    wording[PLAN] = PlanSettings.objects.get().snapshot()
    return wording


PLAN = "plan"  # the key of the plan's settings in a wording snapshot


def common_context(review: Review, wording: dict, issued_at) -> dict:
    """What every letter and notice prints about the plan, the member and the request."""
    plan = wording[PLAN]
    return {
        "review": review,
        "plan": plan,
        "letter_date": long_date(timezone.localtime(issued_at).date()),
        "letterhead": letter_text.lines(wording[LetterWording.Kind.LETTERHEAD]),
        "member_dob": long_date(review.member_date_of_birth) if review.member_date_of_birth else "",
        "date_of_service": long_date(review.planned_date_of_service) if review.planned_date_of_service else "",
        "post_service": review.request_type == Review.RequestType.POST_SERVICE,
        "is_medicare": review.line_of_business == Review.LineOfBusiness.MEDICARE_ADVANTAGE,
        "service_in_words": letter_text.SERVICE_IN_WORDS[rules.Service(review.service)],
        "cpt": letter_text.cpt_phrase(review.service),
        "diagnoses": [icd10.describe(code) for code in review.diagnosis_codes],
        "language_notice": taglines.english_notice(plan["member_services_phone"], plan["member_services_tty"]),
        "taglines": taglines.taglines_for(
            plan["tagline_languages"], plan["member_services_phone"], plan["member_services_tty"]
        ),
        "language_assistance": letter_text.paragraphs(wording[LetterWording.Kind.LANGUAGE_ASSISTANCE]),
    }


# The line above each copy: who it is for. The first recipient gets the letter, the other a copy.
RECIPIENT_NOTES = {
    ("member", True): "Letter to the member",
    ("member", False): "Copy to the member",
    ("provider", True): "Letter to the requesting provider",
    ("provider", False): "Copy to the requesting provider",
}


def addressed(review: Review, recipient: str) -> list[str]:
    """Where a copy goes: the member's mailing address, or the requesting provider."""
    if recipient == "member":
        return [review.member_name, *review.mailing_address]
    return [review.requesting_provider, f"NPI {review.provider_npi}"]


def letter_context(determination: Determination, review: Review, superseded=None) -> dict:
    snapshot = determination.criteria_snapshot
    wording = determination.wording_snapshot
    not_met = [c for c in snapshot["criteria"] if not c["met"]]
    is_medicare = review.line_of_business == Review.LineOfBusiness.MEDICARE_ADVANTAGE
    decided_local = timezone.localtime(determination.decided_at)
    date_of_service = long_date(review.planned_date_of_service)
    what_could_change = letter_text.what_could_change(
        [c["id"] for c in not_met], bool(determination.clinical_reasons.strip())
    )
    copies = []
    for recipient in ("member", "provider"):
        to_member = recipient == "member"
        voice = letter_text.to_member if to_member else str
        copies.append({
            "recipient": recipient,
            "note": RECIPIENT_NOTES[recipient, to_member],
            "address": addressed(review, recipient),
            "reasons": [voice(r) for r in snapshot["reasons"]],
            "what_could_change": [voice(item) for item in what_could_change],
            "service_on": letter_text.service_on(review.request_type, date_of_service, to_member=to_member),
        })
    valid_from, valid_through = letter_text.authorization_period(
        review.planned_date_of_service, wording[PLAN]["authorization_valid_days"]
    )
    return {
        **common_context(review, wording, determination.decided_at),
        "d": determination,
        "copies": copies,
        "policy": determination.policy_version.policy,
        "policy_version_date": long_date(determination.policy_version.effective_date),
        "decided_on": long_date(decided_local.date()),
        "intro": letter_text.paragraphs(
            wording[
                LetterWording.Kind.ADVERSE if determination.is_adverse else LetterWording.Kind.APPROVAL
            ]
        ),
        "valid_from": long_date(valid_from),
        "valid_through": long_date(valid_through),
        "clinical_reasons": letter_text.paragraphs(determination.clinical_reasons),
        "not_met": not_met,
        "no_criterion_unmet": letter_text.NO_CRITERION_UNMET,
        "administrative_intro": letter_text.ADMINISTRATIVE_INTRO,
        "administrative_what_could_change": letter_text.ADMINISTRATIVE_WHAT_COULD_CHANGE,
        "rationale": letter_text.paragraphs(determination.rationale),
        "appeal": letter_text.paragraphs(
            wording[LetterWording.Kind.APPEAL_MEDICARE if is_medicare else LetterWording.Kind.APPEAL_COMMERCIAL]
        ),
        "peer_to_peer": letter_text.paragraphs(wording[LetterWording.Kind.PEER_TO_PEER]),
        # Commercial and employer (ERISA) plans
        "appeal_filing_days": deadlines.APPEAL_FILING_DAYS[deadlines.LineOfBusiness.COMMERCIAL],
        "documents_free": letter_text.DOCUMENTS_FREE,
        "commercial_appeal_times": letter_text.commercial_appeal_times(review.request_type),
        "external_review": letter_text.external_review(review.request_type),
        "civil_action": letter_text.CIVIL_ACTION,
        "codes_on_request": letter_text.CODES_ON_REQUEST,
        "plan_document": letter_text.paragraphs(wording[LetterWording.Kind.PLAN_DOCUMENT]),
        "consumer_assistance": letter_text.paragraphs(wording[LetterWording.Kind.CONSUMER_ASSISTANCE]),
        # Medicare Advantage, in the order of the Integrated Denial Notice
        "medicare_appeal_right": letter_text.medicare_appeal_right(),
        "medicare_representative": letter_text.MEDICARE_REPRESENTATIVE,
        "medicare_appeal_kinds": letter_text.medicare_appeal_kinds(review.request_type),
        "medicare_what_to_send": letter_text.MEDICARE_WHAT_TO_SEND,
        "medicare_what_happens_next": letter_text.MEDICARE_WHAT_HAPPENS_NEXT,
        "medicare_phone": letter_text.MEDICARE_PHONE,
        "medicare_tty": letter_text.MEDICARE_TTY,
        "medicare_help": letter_text.paragraphs(wording[LetterWording.Kind.MEDICARE_HELP]),
        "medicare_case_file": letter_text.MEDICARE_CASE_FILE,
        "superseded": superseded,
        "superseded_date": long_date(timezone.localtime(superseded.decided_at).date()) if superseded else "",
    }


def render_letter(determination: Determination, review: Review, superseded=None) -> tuple[str, bytes]:
    """The letter as stored HTML and PDF bytes: rendered once, when the determination is issued."""
    html = render_to_string("letters/letter.html", letter_context(determination, review, superseded))
    return html, html_to_pdf(html)


def plan_name() -> str:
    """The plan as its letters name it: the first line of the letterhead in effect today."""
    text = (
        LetterWording.objects.filter(
            kind=LetterWording.Kind.LETTERHEAD, effective_date__isnull=False, effective_date__lte=timezone.localdate()
        )
        .order_by("-effective_date")
        .values_list("text", flat=True)
        .first()
    )
    lines = letter_text.lines(text or "")
    return lines[0] if lines else ""
