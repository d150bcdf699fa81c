"""Reads of the call log, scoped to what a user may see."""

from lib.roles import is_manager

from .models import Call


def calls_visible_to(user):
    """Managers and admins see every call; an agent only their own."""
    calls = Call.objects.select_related("exophone", "flow", "agent")
    if is_manager(user):
        return calls
    return calls.filter(agent=user)
