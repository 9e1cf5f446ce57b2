"""ICD-10-CM diagnosis codes, checked against the code set shipped in simple-icd-10-cm (offline)."""

import re
from dataclasses import dataclass
from functools import cache

_SEPARATORS = re.compile(r"[\s,;]+")


@cache
def _codes():
    # Importing parses the whole code set (seconds): do it on first use, not at every command's
    # start. The web server warms it when it starts (config/wsgi.py).
    import simple_icd_10_cm

    return simple_icd_10_cm


def warm() -> None:
    _codes()


@dataclass(frozen=True)
class Diagnosis:
    code: str
    description: str


def normalise(code: str) -> str:
    """C9202 and c92.02 are both written C92.02."""
    code = code.strip().upper().replace(".", "")
    return f"{code[:3]}.{code[3:]}" if len(code) > 3 and code.isalnum() else code


def split_codes(text: str) -> dict[str, str]:
    """Each code as written (normalised) mapped to how the user typed it, in order, without repeats."""
    seen: dict[str, str] = {}
    for raw in _SEPARATORS.split(text or ""):
        if raw:
            seen.setdefault(normalise(raw), raw)
    return seen


def code_problem(code: str, typed: str | None = None) -> str | None:
    """None when `code` is a billable ICD-10-CM code, else what is wrong with it."""
    icd = _codes()
    if len(code) > 8 or not code.isascii() or not icd.is_valid_item(code) or not (
        icd.is_category_or_subcategory(code)
    ):
        return f"{typed or code} is not an ICD-10-CM code."
    if not icd.is_leaf(code):
        examples = ", ".join(icd.get_children(code)[:2])
        return f"{code} is a category, not a billable code; choose a more specific one (e.g. {examples})."
    return None


def describe(code: str) -> Diagnosis:
    try:
        description = _codes().get_description(code)
    except ValueError:
        description = "(not in the ICD-10-CM code set)"
    return Diagnosis(code=code, description=description)
