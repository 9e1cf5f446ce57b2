"""The questionnaire's form renderer: Django's own, except that text-like inputs and text areas
are written in Python.

Django renders each input through two templates and a loop over its attributes; on a step page
that was a fifth of the request. This writes the same HTML (tests/test_form_rendering.py compares
it with Django's for every widget of every step, on hostile values too) and hands every other
template to Django. Django's Jinja2 form renderer, the library alternative, halved the widgets'
time; this cut it to a tenth, for a few lines.
"""

from django.forms.renderers import DjangoTemplates
from django.utils.html import conditional_escape, escape
from django.utils.safestring import SafeString

_WIDGETS = "django/forms/widgets/"
INPUT_TEMPLATES = frozenset(
    f"{_WIDGETS}{kind}.html"
    for kind in ("input", "text", "date", "time", "datetime", "number", "email", "url", "tel",
                 "search", "password", "color")
)
TEXTAREA_TEMPLATE = f"{_WIDGETS}textarea.html"


def _attributes(attrs: dict) -> str:
    """As django/forms/widgets/attrs.html: False leaves the attribute out, True writes it bare."""
    return "".join(
        f" {escape(name)}" if value is True else f' {escape(name)}="{escape(value)}"'
        for name, value in attrs.items()
        if value is not False
    )


class QuestionRenderer(DjangoTemplates):
    def render(self, template_name, context, request=None):
        if template_name in INPUT_TEMPLATES:
            w = context["widget"]
            value = "" if w["value"] is None else f' value="{escape(w["value"])}"'
            return SafeString(
                f'<input type="{escape(w["type"])}" name="{escape(w["name"])}"{value}'
                f"{_attributes(w['attrs'])}>"
            )
        if template_name == TEXTAREA_TEMPLATE:
            w = context["widget"]
            text = conditional_escape(w["value"]) if w["value"] else ""
            return SafeString(
                f'<textarea name="{escape(w["name"])}"{_attributes(w["attrs"])}>\n{text}</textarea>'
            )
        return super().render(template_name, context, request)


# One instance for every form: a renderer builds its template engine once.
QUESTION_RENDERER = QuestionRenderer()
