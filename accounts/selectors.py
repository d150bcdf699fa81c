"""Reads of the accounts app."""

from .models import SavedView


def saved_views_of(user):
    """The user's own saved views, by name. Lazy: the query runs when the result is first iterated."""
    return SavedView.objects.filter(owner=user)
