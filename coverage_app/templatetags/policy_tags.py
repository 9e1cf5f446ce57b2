from django import template

from coverage_app import policy_versions

register = template.Library()


@register.simple_tag
def overdue_policies():
    return list(policy_versions.overdue_policies())
