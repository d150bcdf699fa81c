"""Writing a call's wrap-up: the first version, or an edit that keeps the one it replaces."""

from enum import StrEnum

from django.db import IntegrityError, transaction
from django.utils import timezone

from calls.models import WrapUp, WrapUpVersion

KEPT_FIELDS = ("disposition_id", "note", "follow_up_at", "written_by_id", "written_at", "version")


class Outcome(StrEnum):
    WRITTEN = "written"
    EDITED = "edited"
    UNCHANGED = "unchanged"


class StaleWrapUp(Exception):
    """Someone saved the wrap-up after the writer loaded it: saving would silently undo their edit."""

    def __init__(self, current):
        super().__init__(f"the wrap-up is at version {current.version}")
        self.current = current


def same_contents(wrap_up, contents):
    return (
        wrap_up.disposition_id == (contents["disposition"].pk if contents["disposition"] else None)
        and wrap_up.note == contents["note"]
        and wrap_up.follow_up_at == contents["follow_up_at"]
    )


@transaction.atomic
def wrap_up_write(*, call, by, contents, seen_version):
    """Write `contents` (disposition, note, follow_up_at) as the call's wrap-up, unless someone saved another
    version since the writer saw `seen_version` (StaleWrapUp). Returns (wrap_up, Outcome).

    The row is locked, so of two edits of the same version one is saved and the other is told."""
    current = WrapUp.objects.select_for_update().filter(call=call).first()
    if current is not None and same_contents(current, contents):
        return current, Outcome.UNCHANGED  # nothing anyone saved is lost, whichever version they saw
    if current is None:
        return _first_version(call, by, contents), Outcome.WRITTEN
    if current.version != seen_version:
        raise StaleWrapUp(current)
    WrapUpVersion.objects.create(wrap_up=current, **{name: getattr(current, name) for name in KEPT_FIELDS})
    for name, value in contents.items():
        setattr(current, name, value)
    current.written_by = by
    current.written_at = timezone.now()
    current.version += 1
    current.save()
    return current, Outcome.EDITED


def _first_version(call, by, contents):
    try:
        with transaction.atomic():
            return WrapUp.objects.create(call=call, written_by=by, written_at=timezone.now(), **contents)
    except IntegrityError:
        # Two first versions at once: the other was committed first, under the call's one-to-one.
        raise StaleWrapUp(WrapUp.objects.get(call=call)) from None
