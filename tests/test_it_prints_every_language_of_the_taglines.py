"""Letters print the language-assistance taglines in every language of the library, each script
in a font the project ships: no character falls back to a system font or to a missing glyph.

The proof has two halves. fontTools reads letters/fonts.css as WeasyPrint does: for every
character of every tagline it finds the font the character goes to (the first family of the
paragraph's font stack that claims it: by unicode-range where the @font-face has one, else by
the font's own character map) and checks that the font really has the character. pypdf then
reads the fonts embedded in the rendered PDF: every one is a font shipped under static/fonts,
and every font the first half expects is there.
"""

import io
import re
import subprocess
import unicodedata
from functools import cache
from pathlib import Path

import pytest
import tinycss2
from django.conf import settings
from django.contrib.staticfiles import finders
from django.template import engines
from django.template.loader import render_to_string
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from coverage_app.letters import html_to_pdf
from coverage_app.lib import taglines
from coverage_app.lib.taglines import DEFAULT_STATE, STATE_LISTS, TAGLINES, Tagline, taglines_for

PHONE = "1-800-555-0100"
TTY = "711"
FONTS_DIR = Path(settings.BASE_DIR) / "static" / "fonts"

# The page as the letter has it: the fonts first, then the letter's own body rule.
PAGE = (
    '{% load static %}<!doctype html><html lang="en"><head><meta charset="utf-8"><style>'
    '{% include "letters/fonts.css" %}'
    '  body { font: 10pt/1.45 "Letter Sans", sans-serif; color: #111; }'
    "</style></head><body>"
    "{% if english %}<p>{{ english }}</p>{% endif %}"
    '{% if taglines %}{% include "letters/language_assistance.html" with notice=notice taglines=taglines %}{% endif %}'
    "</body></html>"
)


def render_pdf(**context) -> bytes:
    return html_to_pdf(engines["django"].from_string(PAGE).render(context))


def all_taglines():
    return taglines_for(TAGLINES, PHONE, TTY)


@pytest.fixture(scope="module")
def pdf() -> bytes:
    return render_pdf(notice=taglines.english_notice(PHONE, TTY), taglines=all_taglines())


# ---- letters/fonts.css, read as WeasyPrint reads it -------------------------------------------


@cache
def font_faces() -> list[dict]:
    """Each @font-face of letters/fonts.css: family, file, weight, style and unicode ranges."""
    css = render_to_string("letters/fonts.css")
    faces = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "at-rule" or rule.lower_at_keyword != "font-face":
            continue
        face = {"weight": "normal", "style": "normal", "ranges": None}
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if declaration.type != "declaration":
                continue
            tokens = [t for t in declaration.value if t.type not in ("whitespace", "comment")]
            name = declaration.lower_name
            if name == "font-family":
                face["family"] = tokens[0].value
            elif name == "src":
                (url,) = [t for t in tokens if t.type == "url" or (t.type == "function" and t.lower_name == "url")]
                url = url.value if url.type == "url" else url.arguments[0].value
                assert url.startswith(settings.STATIC_URL), f"{url} is not one of the project's static files"
                found = finders.find(url[len(settings.STATIC_URL):])
                assert found, f"fonts.css names {url}, which is not in the static files"
                face["file"] = Path(found)
            elif name in ("font-weight", "font-style"):
                face[name[5:]] = tokens[0].value
            elif name == "unicode-range":
                face["ranges"] = [(t.start, t.end) for t in tokens if t.type == "unicode-range"]
        faces.append(face)
    return faces


@cache
def font_stacks() -> dict[str, list[str]]:
    """The font-family stacks of fonts.css: "" for the body's, else by the :lang() they are for."""
    css = render_to_string("letters/fonts.css")
    stacks = {}
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type != "qualified-rule":
            continue
        selectors = [s.strip() for s in tinycss2.serialize(rule.prelude).split(",")]
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_comments=True, skip_whitespace=True):
            if declaration.type == "declaration" and declaration.lower_name == "font-family":
                families = [t.value for t in declaration.value if t.type in ("string", "ident")]
                for selector in selectors:
                    lang = re.fullmatch(r":lang\((\w+)\)", selector)
                    if lang:
                        stacks[lang.group(1)] = families
                    elif selector in ("html body", "body"):
                        stacks[""] = families
    assert "" in stacks, "fonts.css gives the body no font stack"
    return stacks


@cache
def cmap(path: Path) -> frozenset[int]:
    return frozenset(TTFont(path, lazy=True).getBestCmap())


@cache
def postscript_name(path: Path) -> str:
    return TTFont(path, lazy=True)["name"].getDebugName(6)


def regular_face(family: str) -> dict:
    faces = [f for f in font_faces() if f["family"] == family]
    assert faces, f"fonts.css declares no font for the family {family!r}"
    return next((f for f in faces if f["weight"] == "normal" and f["style"] == "normal"), faces[0])


def claims(face: dict, char: str) -> bool:
    if face["ranges"] is not None:  # WeasyPrint tells Fontconfig the font has exactly these
        return any(start <= ord(char) <= (end or start) for start, end in face["ranges"])
    return ord(char) in cmap(face["file"])


def font_for(char: str, lang: str) -> dict | None:
    """The @font-face that sets `char` in a paragraph in `lang`: None means a system font would."""
    stacks = font_stacks()
    for family in stacks.get(lang.split("-")[0], stacks[""]):
        face = regular_face(family)
        if claims(face, char):
            return face
    return None


def printed(char: str) -> bool:
    return not char.isspace() and unicodedata.category(char) not in ("Cc", "Cf", "Zs", "Zl", "Zp")


def texts() -> list[tuple[str, str, str]]:
    """(what, lang, text): the English notice and the taglines, as printed, then the languages'
    own names (not printed here, but a letter may name a language in it)."""
    notice = taglines.english_notice(PHONE, TTY)
    return [("the English notice", "en", notice)] + [
        (t.code, t.code, text) for t, text in all_taglines()
    ] + [(f"{t.code} (its name)", t.code, t.native_name) for t in TAGLINES.values()]


def shipped_fonts() -> dict[str, Path]:
    return {postscript_name(p): p for p in FONTS_DIR.rglob("*") if p.suffix.lower() in (".ttf", ".otf")}


# ---- the library and the state lists -----------------------------------------------------------


def test_the_default_state_has_fifteen_languages_all_in_the_library():
    codes = taglines.default_languages()
    assert DEFAULT_STATE in STATE_LISTS
    assert codes == STATE_LISTS[DEFAULT_STATE]
    assert len(codes) == 15 and len(set(codes)) == 15
    assert set(codes) <= set(TAGLINES)


@pytest.mark.parametrize("state", sorted(STATE_LISTS))
def test_every_state_list_has_fifteen_languages_of_the_library(state):
    codes = STATE_LISTS[state]
    assert len(codes) == len(set(codes)) == 15
    assert not set(codes) - set(TAGLINES), f"{state} names languages with no tagline"


def test_every_tagline_is_well_formed():
    for code, tagline in TAGLINES.items():
        assert isinstance(tagline, Tagline) and tagline.code == code
        assert tagline.direction in ("ltr", "rtl")
        assert tagline.language and tagline.native_name
        assert tagline.text.count("{phone}") == 1 and tagline.text.count("{tty}") == 1, code
        assert re.sub(r"\{phone\}|\{tty\}", "", tagline.text).count("{") == 0, code
    assert {t.code for t in TAGLINES.values() if t.direction == "rtl"} >= {"ar", "fa", "ur"}
    assert taglines.ENGLISH_NOTICE.count("{phone}") == 1 and taglines.ENGLISH_NOTICE.count("{tty}") == 1


def test_taglines_for_fills_in_the_numbers_in_order():
    filled = taglines_for(["vi", "es", "ar"], "1-888-555-0199", "1-888-555-0198")
    assert [t.code for t, _ in filled] == ["vi", "es", "ar"]
    for tagline, text in filled:
        assert "1-888-555-0199" in text and "1-888-555-0198" in text
        assert "{" not in text
    # In a right-to-left tagline the numbers are isolated left to right, to print in one piece.
    assert "\u20661-888-555-0199\u2069" in filled[2][1] and "\u2066" not in filled[1][1]
    assert filled[1][1] == (
        "ATENCIÓN: si habla español, tiene a su disposición servicios gratuitos de asistencia "
        "lingüística. Llame al 1-888-555-0199 (TTY: 1-888-555-0198)."
    )


def test_taglines_for_names_an_unknown_code():
    with pytest.raises(KeyError, match="xx-nowhere"):
        taglines_for(["es", "xx-nowhere", "vi"], PHONE, TTY)


def test_the_english_notice_offers_language_help_and_auxiliary_aids_and_does_not_discriminate():
    notice = taglines.english_notice("1-800-555-0100", "711")
    for words in ("language assistance services", "free of charge", "auxiliary aids and services",
                  "large print", "braille", "1-800-555-0100", "TTY: 711",
                  "race, color, national origin, age, disability, or sex"):
        assert words in notice


# ---- the fonts ---------------------------------------------------------------------------------


def test_every_character_goes_to_a_shipped_font_that_has_it():
    """No character is left to a system font, and none to a font without its glyph."""
    problems = []
    for what, lang, text in texts():
        for char in sorted({c for c in text if printed(c)}):
            face = font_for(char, lang)
            name = f"U+{ord(char):04X} {unicodedata.name(char, '?')} in {what}"
            if face is None:
                problems.append(f"{name}: no font of fonts.css has it (a system font would set it)")
            elif ord(char) not in cmap(face["file"]):
                problems.append(f"{name}: {face['family']} claims it, but {face['file'].name} has no glyph for it")
    assert not problems, "\n".join(problems)


def test_fonts_css_names_only_fonts_under_static_fonts_each_with_its_license():
    for face in font_faces():
        assert face["file"].resolve().is_relative_to(FONTS_DIR.resolve()), face["file"]
    for path in shipped_fonts().values():
        licenses = [p for p in path.parent.iterdir() if re.match(r"(LICENSE|OFL|COPYING)", p.name, re.I)]
        assert licenses, f"{path} has no license beside it"


def embedded_fonts(pdf: bytes) -> dict[str, str]:
    """Each font embedded in the PDF: its BaseFont (subset prefix stripped) -> the PostScript name
    in the embedded font file itself."""
    found = {}
    reader = PdfReader(io.BytesIO(pdf))

    def walk(resources):
        resources = resources.get_object() if resources else {}
        for ref in (resources.get("/Font") or {}).values():
            font = ref.get_object()
            base = re.sub(r"^[A-Z]{6}\+", "", str(font["/BaseFont"]).lstrip("/"))
            descendants = font.get("/DescendantFonts")
            descriptor = (descendants[0].get_object() if descendants else font)["/FontDescriptor"].get_object()
            stream = descriptor.get("/FontFile2") or descriptor.get("/FontFile3") or descriptor.get("/FontFile")
            assert stream is not None, f"{base} is not embedded"
            found[base] = TTFont(io.BytesIO(stream.get_object().get_data()))["name"].getDebugName(6)
        for ref in (resources.get("/XObject") or {}).values():
            walk(ref.get_object().get("/Resources"))

    for page in reader.pages:
        walk(page.get("/Resources"))
    return found


def test_the_pdf_embeds_only_shipped_fonts_and_every_script_font_the_taglines_need(pdf):
    embedded = embedded_fonts(pdf)
    shipped = shipped_fonts()
    families = {f["family"].replace(" ", "-"): f["family"] for f in font_faces()}
    for base, ps_name in embedded.items():
        assert ps_name in shipped, f"{base} is {ps_name}, not a font shipped under static/fonts"
        family = next((families[f] for f in sorted(families, key=len, reverse=True) if base.startswith(f)), None)
        assert family, f"{base} is no family of fonts.css"
        declared = {postscript_name(f["file"]) for f in font_faces() if f["family"] == family}
        assert ps_name in declared, f"{base} embeds {ps_name}, not the file fonts.css gives {family}"

    expected = {}  # PostScript name -> the characters that need it
    for what, lang, text in texts()[: 1 + len(TAGLINES)]:  # what is printed: not the names
        for char in filter(printed, text):
            if face := font_for(char, lang):  # (a character with no font fails the test above)
                expected.setdefault(postscript_name(face["file"]), set()).add(what)
    missing = {name: sorted(whats) for name, whats in expected.items() if name not in embedded.values()}
    assert not missing, f"fonts the taglines need but the PDF lacks: {missing}"
    # One font a script, at the least: every script font of fonts.css is used by some tagline.
    scripts = {postscript_name(f["file"]) for f in font_faces()} - {"DejaVuSans-Bold", "DejaVuSans-Oblique"}
    assert scripts <= set(embedded.values()), scripts - set(embedded.values())


def test_english_text_is_still_set_in_dejavu_sans_alone():
    english = "Your request for a donor lymphocyte infusion (DLI) was approved on May 15, 2024 — “as asked”."
    assert set(embedded_fonts(render_pdf(english=english)).values()) == {"DejaVuSans"}


def test_the_latin_cyrillic_greek_and_cjk_taglines_can_be_read_back_from_the_pdf(pdf):
    """pdftotext finds them word for word. (Complex scripts, shaped into ligatures and reordered,
    need not extract as typed, so they are proved by the fonts above instead.)"""
    # -raw: in the order drawn, each cell whole (the taglines stand side by side in table cells).
    result = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)

    def squeeze(text):
        return "".join(unicodedata.normalize("NFKC", text).split())

    extracted = squeeze(result.stdout.decode())
    assert squeeze(taglines.english_notice(PHONE, TTY)) in extracted
    simple = {"Latn", "Cyrl", "Grek", "Hani", "Hang", "Kana", "Hira"}
    checked = []
    for tagline, text in all_taglines():
        if scripts_of(text) <= simple:
            assert squeeze(text) in extracted, f"{tagline.code} is not in the PDF's text"
            checked.append(tagline.code)
    assert {"es", "pl", "vi", "ru", "el", "zh-Hant", "ko", "ja"} <= set(checked)


def scripts_of(text: str) -> set[str]:
    """The scripts of the letters of `text`, roughly, from their Unicode names."""
    prefixes = {"LATIN": "Latn", "CYRILLIC": "Cyrl", "GREEK": "Grek", "CJK": "Hani", "HANGUL": "Hang",
                "KATAKANA": "Kana", "HIRAGANA": "Hira"}
    scripts = set()
    for char in text:
        if unicodedata.category(char).startswith("L"):
            name = unicodedata.name(char, "")
            scripts.add(next((s for p, s in prefixes.items() if name.startswith(p)), name.split(" ")[0]))
    return scripts


def test_right_to_left_taglines_are_marked_right_to_left():
    html = render_to_string(
        "letters/language_assistance.html",
        {"notice": taglines.english_notice(PHONE, TTY), "taglines": all_taglines()},
    )
    for tagline, text in all_taglines():
        assert f'<td lang="{tagline.code}" dir="{tagline.direction}"' in html
    assert '<td lang="ar" dir="rtl"' in html and '<td lang="es" dir="ltr"' in html


def test_the_check_sees_a_system_font_for_what_it_is():
    """The embedded-font check reads the fonts' own names: a system font is not mistaken for ours."""
    listed = subprocess.run(["fc-list", ":family=DejaVu Serif", "family"], capture_output=True, text=True)
    if "DejaVu Serif" not in listed.stdout:
        pytest.skip("this machine has no DejaVu Serif to try it with")
    pdf = html_to_pdf('<p style="font-family: \'DejaVu Serif\'">Hello</p>')
    assert set(embedded_fonts(pdf).values()) == {"DejaVuSerif"}
    assert "DejaVuSerif" not in shipped_fonts()
