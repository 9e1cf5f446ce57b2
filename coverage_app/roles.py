"""The three roles, as Django groups made by migration 0002."""

from functools import wraps

from django.core.exceptions import PermissionDenied

NURSE = "Nurse reviewer"
DIRECTOR = "Medical director"
POLICY_STAFF = "Policy staff"
APPEALS_COORDINATOR = "Appeals coordinator"
# Not a group: what the app does by itself (manage.py lapse_information_requests). No user holds it.
THE_APP = "The app itself, on schedule"


def has_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    # One query per request at most: the group names are cached on the user object.
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return role in user._role_names


def role_required(*allowed: str):
    """View decorator: 403 unless the user holds one of the roles. (LoginRequiredMiddleware has
    already sent anyone not logged in to the log-in page.)"""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not any(has_role(request.user, role) for role in allowed):
                raise PermissionDenied("Your role does not allow this page.")
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
