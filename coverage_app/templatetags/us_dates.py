"""`{{ moment|short_datetime }}`: "May 15, 2024, 3:07 PM" in the local time zone, for list pages,
where Django's `date` filter's translation lookups cost more than the rest of a row; and
`{{ day|long_date }}`: "May 15, 2024"."""

from django import template
from django.utils import timezone

from coverage_app.lib import usdates
from coverage_app.lib.usdates import short_datetime as _short_datetime

register = template.Library()


@register.filter
def short_datetime(moment):
    if not moment:
        return ""
    return _short_datetime(timezone.localtime(moment))


@register.filter
def long_date(day):
    """May 15, 2024"""
    return usdates.long_date(day) if day else ""
