from .roles import Role, role_of


def role(request):
    user_role = role_of(request.user) if hasattr(request, "user") else None
    return {
        "user_role": user_role,
        "is_agent": user_role is not None,
        "is_manager": user_role in {Role.MANAGER, Role.ADMIN},
        "is_admin": user_role is Role.ADMIN,
    }
