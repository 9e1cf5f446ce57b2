"""Reference numbers kept whole in a letter's free text: a line never breaks at their hyphen."""

import re

from django import template
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

register = template.Library()

# A case (UR-261129-ABCDE), determination or notice (D261129-ABCDEF, N...) or appeal (A...) number.
REFERENCE = re.compile(r"\b(?:UR-\d{6}-[A-Z0-9]{5}|[ADN]\d{6}-[A-Z0-9]{6})\b")


@register.filter(needs_autoescape=True)
def keep_references_whole(text, autoescape=True):
    escaped = conditional_escape(text) if autoescape else str(text)
    return mark_safe(REFERENCE.sub(lambda m: f'<span class="ref">{m.group(0)}</span>', escaped))
