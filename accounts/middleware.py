import zoneinfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.utils import timezone

from lib.roles import remember_roles


class UserTimezoneMiddleware:
    """Show and read times in the agent's own zone when their profile names one (the site's otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie, nobody logged in: skip loading the user (Exotel's callbacks, the login page).
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
        time_zone = signed_in and time_zone_and_roles(request.user)
        if time_zone:
            timezone.activate(zoneinfo.ZoneInfo(time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)


def time_zone_and_roles(user):
    """The user's own time zone, if any; their roles are kept for lib.roles. One query, where asking the
    profile and then the roles took two on every page."""
    rows = get_user_model().objects.filter(pk=user.pk).values_list("agent_profile__time_zone", "groups__name")
    remember_roles(user, {role for _, role in rows if role})
    return rows[0][0] if rows else None
