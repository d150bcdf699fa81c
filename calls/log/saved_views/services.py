"""Writes of the accounts app: saved views of the call log."""

from urllib.parse import parse_qsl, urlencode

from django.db import transaction

from accounts.models import SavedView

# Paging (a page number, a cursor) is where the user happened to be, not part of what they want to see again.
DROPPED_KEYS = {"page", "cursor"}


def normalise_query(query: str) -> str:
    """The query string without paging or empty values, sorted so equal filters read the same.

    Repeated keys (status=busy&status=completed) are kept.
    """
    pairs = parse_qsl(query.lstrip("?"), keep_blank_values=True)
    return urlencode(
        sorted((key, value) for key, value in pairs if key not in DROPPED_KEYS and value.strip())
    )


@transaction.atomic
def saved_view_save(*, owner, name: str, query: str) -> tuple[SavedView, bool]:
    """Save `query` as the owner's view `name`; a view of that name gets the new query. True if created."""
    return SavedView.objects.update_or_create(
        owner=owner, name=name.strip(), defaults={"query": normalise_query(query)}
    )


def saved_view_delete(*, saved_view: SavedView) -> None:
    saved_view.delete()
