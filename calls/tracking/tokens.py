"""Each call's StatusCallback URL carries a token only we can make: Exotel does not sign its callbacks."""

import hmac

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac

SALT = "calls.callback"


def _token(call_id: int, secret: str) -> str:
    return salted_hmac(SALT, str(call_id), secret=secret, algorithm="sha256").hexdigest()[:40]


def callback_token(call_id: int) -> str:
    return _token(call_id, settings.CALLBACK_SECRET)


def token_is_valid(call_id: int, token: str) -> bool:
    """Compared in constant time against the current secret and any fallback still being rotated out."""
    return any(
        hmac.compare_digest(_token(call_id, secret), token)
        for secret in [settings.CALLBACK_SECRET, *settings.CALLBACK_SECRET_FALLBACKS]
    )


def callback_url(call_id: int) -> str:
    path = reverse("exotel-callback", kwargs={"call_id": call_id, "token": callback_token(call_id)})
    return settings.PUBLIC_BASE_URL + path
