"""The client's address for login throttling (django-axes' AXES_CLIENT_IP_CALLABLE)."""

import ipaddress

from django.conf import settings


def client_ip(request):
    """The address our outermost proxy was connected from, or the socket's peer when no proxy is trusted.

    Each of the TRUSTED_PROXY_COUNT proxies appends the address it was connected from to X-Forwarded-For, so
    the client is that many entries from the right; anything further left was written by the client: ignored.
    """
    proxies = settings.TRUSTED_PROXY_COUNT
    if proxies:
        hops = [hop.strip() for hop in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
        if len(hops) >= proxies:
            try:
                return str(ipaddress.ip_address(hops[-proxies]))
            except ValueError:
                pass
    return request.META.get("REMOTE_ADDR")
