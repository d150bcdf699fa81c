"""Reads of the call log, scoped to what a user may see."""

from lib.roles import is_manager

from .models import Call


def calls_visible_to(user):
    """Managers and admins see every call; an agent only their own."""
    calls = Call.objects.select_related("exophone", "flow", "agent")
    if is_manager(user):
        return calls
    return calls.filter(agent=user)


def campaigns():
    """Campaigns, newest first. They live in an app above calls and reach a call through its attempt: found
    by the relation that app adds (Call.campaign_attempt), not by an import."""
    attempt = Call._meta.get_field("campaign_attempt").related_model
    return attempt._meta.get_field("campaign").related_model.objects.order_by("-created_at", "-id")
