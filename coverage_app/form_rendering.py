"""The step forms' renderer: Django's own (TemplatesSetting, the project's templates), except that
text-like inputs and text areas are written in Python.

Django renders each input through two templates and a loop over its attributes. On the request
step (ten questions) that made the page a quarter slower (bench/README.md), past the 10% for which
a speed trick is kept. This writes the same HTML (tests/test_form_rendering.py compares it with
Django's for every such widget of every step, hostile values included) and hands every other
template to Django.
"""

from django.forms.renderers import TemplatesSetting
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


class QuestionRenderer(TemplatesSetting):
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
