from exotel_dashboard.exotel import ExotelClient
from ops.ratelimit import acquire


def shared_client():
    """The Exotel client for background work, within the rate limit every process shares."""
    return ExotelClient.from_settings(throttle=lambda: acquire(max_wait=300))
