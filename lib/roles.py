"""The three roles are Django groups; these helpers say which one a user holds."""

from enum import StrEnum

from django.contrib.auth.decorators import user_passes_test
from django.core.exceptions import PermissionDenied


class Role(StrEnum):
    AGENT = "Agent"
    MANAGER = "Manager"
    ADMIN = "Admin"


def role_of(user) -> Role | None:
    """The strongest role the user holds. Caches the user's group names on the user object."""
    if not user.is_authenticated or not user.is_active:
        return None
    if user.is_superuser:
        return Role.ADMIN
    if not hasattr(user, "_role_names"):
        remember_roles(user, set(user.groups.values_list("name", flat=True)))
    for role in (Role.ADMIN, Role.MANAGER, Role.AGENT):
        if role.value in user._role_names:
            return role
    return None


def remember_roles(user, names):
    """The names of the user's groups, read along with something else: role_of asks no more."""
    user._role_names = names


def is_manager(user) -> bool:
    """Managers and admins see every call."""
    return role_of(user) in {Role.MANAGER, Role.ADMIN}


def can_place_calls(user) -> bool:
    return role_of(user) is not None


def _require(check):
    def test(user):
        if not check(user):
            raise PermissionDenied
        return True

    return user_passes_test(test)


manager_required = _require(is_manager)
role_required = _require(can_place_calls)
