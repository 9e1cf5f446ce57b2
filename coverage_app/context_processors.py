from django.utils.functional import SimpleLazyObject

from coverage_app import roles


def user_roles(request):
    """`roles.nurse`, `roles.director`, `roles.policy_staff`, `roles.appeals` for templates; looked up
    only if used."""

    def lookup():
        user = request.user
        return {
            "nurse": roles.has_role(user, roles.NURSE),
            "director": roles.has_role(user, roles.DIRECTOR),
            "policy_staff": roles.has_role(user, roles.POLICY_STAFF),
            "appeals": roles.has_role(user, roles.APPEALS_COORDINATOR),
        }

    return {"user_roles": SimpleLazyObject(lookup)}
