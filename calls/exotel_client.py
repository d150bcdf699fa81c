from django.conf import settings

from exotel_dashboard.exotel import ExotelClient
from ops.ratelimit import acquire


def shared_client(*, throttled=True):
    """The Exotel client for background work, within the rate limit every process shares.

    Unthrottled only for a caller that takes its own slot first (the dial task), so a dial costs one slot.
    """
    return ExotelClient.from_settings(
        throttle=(lambda: acquire(max_wait=300)) if throttled else None,
        connect_timeout=settings.EXOTEL_CONNECT_TIMEOUT,
        read_timeout=settings.EXOTEL_READ_TIMEOUT,
    )
