"""Login lockouts (django-axes' AXES_HANDLER and AXES_LOCKOUT_CALLABLE).

Two rules, both over the failures of the last AXES_COOLOFF_TIME:
- axes' own: AXES_FAILURE_LIMIT failures for one username from one address lock that pair;
- ours: LOGIN_FAILURE_LIMIT_PER_USER failures for one username from addresses it has never logged in from lock
  that username on every such address. Addresses it has logged in from (axes' AccessLog) neither count nor are
  locked, so guessing spread over many addresses is slowed without locking the person out where they work.
"""

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_client_username, get_cool_off
from axes.models import AccessAttempt, AccessLog
from axes.signals import user_locked_out
from django.conf import settings
from django.db.models import Sum
from django.shortcuts import render

USERNAME_KEPT = AccessAttempt._meta.get_field("username").max_length


def as_kept(credentials):
    """The username as axes can store it: its column holds 255 characters (PostgreSQL refuses more, with a
    500), and Django's login form lets any length through to authenticate. Nobody's is longer than 150."""
    username = (credentials or {}).get("username")
    if isinstance(username, str) and len(username) > USERNAME_KEPT:
        return {**credentials, "username": username[:USERNAME_KEPT]}
    return credentials


def addresses_logged_in_from(username):
    return AccessLog.objects.filter(username=username, ip_address__isnull=False).values("ip_address")


def failures_from_new_addresses(username, since):
    """One query. Counted as axes counts: a (username, address) row still in the window counts whole."""
    return (
        AccessAttempt.objects.filter(username=username, attempt_time__gte=since)
        .exclude(ip_address__in=addresses_logged_in_from(username))
        .aggregate(failures=Sum("failures_since_start"))["failures"]
        or 0
    )


class LoginLockoutHandler(AxesDatabaseHandler):
    def is_locked(self, request, credentials=None):
        credentials = as_kept(credentials)
        if self.is_locked_at_this_address(request, credentials):
            return True
        return self.is_locked_from_new_addresses(request, credentials)

    def is_locked_at_this_address(self, request, credentials=None):
        """axes' own rule, on the (username, address) pair."""
        return super().is_locked(request, credentials)

    def is_locked_from_new_addresses(self, request, credentials=None):
        username = get_client_username(request, credentials)
        if not username:
            return False
        if addresses_logged_in_from(username).filter(ip_address=request.axes_ip_address).exists():
            return False
        since = get_cool_off_threshold(request)
        return failures_from_new_addresses(username, since) >= settings.LOGIN_FAILURE_LIMIT_PER_USER

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        credentials = as_kept(credentials)
        super().user_login_failed(sender, credentials, request, **kwargs)
        # axes locks only at its own limit; the failure that reaches ours shows the lockout page too.
        if request is None or request.axes_locked_out:
            return
        if self.is_locked_from_new_addresses(request, credentials):
            request.axes_locked_out = True
            request.axes_credentials = credentials
            username = get_client_username(request, credentials)
            user_locked_out.send(
                "axes", request=request, username=username, ip_address=request.axes_ip_address
            )


def locked_out_response(request, original_response=None, credentials=None):
    """The lockout page, naming the rule that applies: axes' own page knows only AXES_FAILURE_LIMIT."""
    handler = LoginLockoutHandler()
    at_this_address = handler.is_locked_at_this_address(request, credentials)
    from_new_addresses = not at_this_address and handler.is_locked_from_new_addresses(request, credentials)
    context = {
        "username": get_client_username(request, credentials) or "",
        "from_new_addresses": from_new_addresses,
        "failure_limit": (
            settings.LOGIN_FAILURE_LIMIT_PER_USER if from_new_addresses else settings.AXES_FAILURE_LIMIT
        ),
        "cooloff_timedelta": get_cool_off(request),
    }
    return render(request, settings.AXES_LOCKOUT_TEMPLATE, context, status=settings.AXES_HTTP_RESPONSE_CODE)
