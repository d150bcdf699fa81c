from django.conf import settings
from django.views.decorators.debug import sensitive_variables

from exotel.client import ExotelClient
from ops.ratelimit import Priority, acquire


@sensitive_variables()
def shared_client(*, throttled=True, max_wait=300, priority=Priority.READ):
    """The Exotel client for background work, within the rate limit every process shares.

    Unthrottled only for a caller that takes its own slot first (the dial task), so a dial costs one slot.
    A web request passes a short `max_wait`: it must not hold a web worker while dials use up the minute.
    Every request through it is a read by default, kept to its share of the limit so dials come first.
    Recordings (open_recording) are fetched from the recordings' host, not the API: they cost no slot.
    """
    return ExotelClient.from_settings(
        throttle=(lambda: acquire(max_wait=max_wait, priority=priority)) if throttled else None,
        connect_timeout=settings.EXOTEL_CONNECT_TIMEOUT,
        read_timeout=settings.EXOTEL_READ_TIMEOUT,
    )
