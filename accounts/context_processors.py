from lib.roles import Role, role_of

from .selectors import saved_views_of


def role(request):
    user_role = role_of(request.user) if hasattr(request, "user") else None
    return {
        "user_role": user_role,
        "is_agent": user_role is not None,
        "is_manager": user_role in {Role.MANAGER, Role.ADMIN},
        "is_admin": user_role is Role.ADMIN,
    }


def saved_views(request):
    """The user's saved views for the navigation: one query, run only when a page iterates them."""
    user = getattr(request, "user", None)
    if user is None or role_of(user) is None:
        return {}
    return {"saved_views": saved_views_of(user)}
