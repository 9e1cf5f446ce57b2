"""The three roles, as Django groups made by migration 0002."""

NURSE = "Nurse reviewer"
DIRECTOR = "Medical director"
POLICY_STAFF = "Policy staff"


def has_role(user, role: str) -> bool:
    if not user.is_authenticated:
        return False
    # One query per request at most: the group names are cached on the user object.
    if not hasattr(user, "_role_names"):
        user._role_names = frozenset(user.groups.values_list("name", flat=True))
    return role in user._role_names
