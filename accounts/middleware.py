import zoneinfo

from django.conf import settings
from django.utils import timezone


class UserTimezoneMiddleware:
    """Show and read times in the agent's own zone when their profile names one (the site's otherwise)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # No session cookie, nobody logged in: skip loading the user (Exotel's callbacks, the login page).
        signed_in = settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated
        profile = getattr(request.user, "agent_profile", None) if signed_in else None
        if profile and profile.time_zone:
            timezone.activate(zoneinfo.ZoneInfo(profile.time_zone))
        else:
            timezone.deactivate()
        return self.get_response(request)
