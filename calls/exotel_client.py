from django.conf import settings

from exotel_dashboard.exotel import ExotelClient
from ops.ratelimit import acquire


def shared_client():
    """The Exotel client for background work, within the rate limit every process shares."""
    return ExotelClient.from_settings(
        throttle=lambda: acquire(max_wait=300),
        connect_timeout=settings.EXOTEL_CONNECT_TIMEOUT,
        read_timeout=settings.EXOTEL_READ_TIMEOUT,
    )
