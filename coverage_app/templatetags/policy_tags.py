from django import template

from coverage_app import policy_admin

register = template.Library()


@register.simple_tag
def overdue_policies():
    return list(policy_admin.overdue_policies())
