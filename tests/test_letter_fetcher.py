"""WeasyPrint renders letters with the project's static files only: never the network, never other files."""

import threading

import pytest
from django.template.loader import render_to_string

from coverage_app.letters import LETTER_BASE_URL, StaticFilesOnlyFetcher, html_to_pdf
from tests.conftest import pdf_text


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:8000/static/css/app.css",
        "https://example.org/logo.png",
        "file:///etc/passwd",
        LETTER_BASE_URL + "static/../../config/settings.py",
        LETTER_BASE_URL + "media/anything",
        "data:text/plain,hello",
    ],
)
def test_it_refuses_everything_but_static_files(url):
    with pytest.raises(ValueError):
        StaticFilesOnlyFetcher().fetch(url)


def test_it_serves_the_letter_fonts_from_disk():
    response = StaticFilesOnlyFetcher().fetch(LETTER_BASE_URL + "static/fonts/dejavu/DejaVuSans.ttf")
    assert response.read(4) == b"\x00\x01\x00\x00"  # a TrueType font


def test_a_letter_that_names_outside_resources_fetches_nothing(monkeypatch):
    import urllib.request

    def no_network(*args, **kwargs):
        raise AssertionError("WeasyPrint tried to open a URL")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", no_network)
    html = (
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">'
        '<img src="file:///etc/passwd"><img src="https://example.org/x.png">'
        '<p style="background: url(file:///etc/shadow)">Only this text</p>'
    )
    pdf = html_to_pdf(html)
    assert "Only this text" in pdf_text(pdf)
    assert "root:" not in pdf_text(pdf)


def test_wording_and_rationale_that_name_urls_make_the_letter_fetch_only_its_fonts(monkeypatch, referred, director_with_credentials):
    import datetime as dt

    from coverage_app import letters, services
    from coverage_app.models import LetterWording

    LetterWording.objects.create(
        kind="peer_to_peer", effective_date=dt.date(2024, 6, 1),
        text='Call us. <img src="file:///etc/passwd"> <link rel=stylesheet href="http://127.0.0.1:9/x.css">',
    )
    asked = []
    original = letters.StaticFilesOnlyFetcher.fetch

    def recording(self, url, headers=None):
        asked.append(url)
        return original(self, url, headers)

    monkeypatch.setattr(letters.StaticFilesOnlyFetcher, "fetch", recording)
    monkeypatch.setattr(letters, "_per_thread", threading.local())  # fonts not yet loaded
    d = services.director_decide(
        review=referred, user=director_with_credentials, decision="uphold", peer_to_peer="offered",
        rationale='See <img src="http://127.0.0.1:9/track.png"> and file:///etc/passwd',
    )
    assert asked and all(url.startswith(letters.LETTER_BASE_URL + "static/fonts/") for url in asked)
    text = pdf_text(bytes(d.letter.pdf))
    assert '<img src="file:///etc/passwd">' in text  # printed as the words typed, not fetched
    assert "root:x:" not in text


def test_it_serves_fingerprinted_names_from_the_collected_files(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    (tmp_path / "fonts").mkdir()
    (tmp_path / "fonts" / "DejaVuSans.0123abcd.ttf").write_bytes(b"\x00\x01\x00\x00font")
    fetcher = StaticFilesOnlyFetcher()
    assert fetcher.fetch(LETTER_BASE_URL + "static/fonts/DejaVuSans.0123abcd.ttf").read() == b"\x00\x01\x00\x00font"
    with pytest.raises(ValueError):
        fetcher.fetch(LETTER_BASE_URL + "static/fonts/../../etc/passwd")


def test_it_loads_the_letter_fonts_once_per_thread(monkeypatch, approved):
    from coverage_app import letters

    monkeypatch.setattr(letters, "_per_thread", threading.local())
    asked = []
    original = letters.StaticFilesOnlyFetcher.fetch
    monkeypatch.setattr(
        letters.StaticFilesOnlyFetcher, "fetch", lambda self, url, headers=None: asked.append(url) or original(self, url, headers)
    )
    first = letters.render_letter(approved, approved.review)[1]
    fetched_first = len(asked)
    second = letters.render_letter(approved, approved.review)[1]
    faces = render_to_string("letters/fonts.css").count("@font-face")
    assert faces > 3  # DejaVu's regular, bold and italic, and a font for each other script
    assert fetched_first == faces and len(asked) == faces  # each once; then none
    assert pdf_text(first) == pdf_text(second)
