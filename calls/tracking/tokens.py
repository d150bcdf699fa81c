"""Each call's StatusCallback URL carries a token only we can make: Exotel does not sign its callbacks."""

import hmac

from django.conf import settings
from django.urls import reverse
from django.utils.crypto import salted_hmac
from django.views.decorators.debug import sensitive_variables

SALT = "calls.callback"
TOKEN_LENGTH = 40


class TokenConverter:
    """The URL matches a token's exact shape only, so nothing else ever reaches the comparison."""

    regex = f"[0-9a-f]{{{TOKEN_LENGTH}}}"

    def to_python(self, value):
        return value

    def to_url(self, value):
        return value


@sensitive_variables()
def _token(call_id: int, secret: str) -> bytes:
    digest = salted_hmac(SALT, str(call_id), secret=secret, algorithm="sha256").hexdigest()
    return digest[:TOKEN_LENGTH].encode()


@sensitive_variables()
def callback_token(call_id: int) -> str:
    return _token(call_id, settings.CALLBACK_SECRET).decode()


@sensitive_variables()
def token_is_valid(call_id: int, token: str) -> bool:
    """Compared as bytes in constant time against the current secret and any fallback being rotated out."""
    given = token.encode("utf-8", errors="replace")
    valid = False
    for secret in [settings.CALLBACK_SECRET, *settings.CALLBACK_SECRET_FALLBACKS]:
        valid |= hmac.compare_digest(_token(call_id, secret), given)
    return valid


def callback_url(call_id: int) -> str:
    path = reverse("exotel-callback", kwargs={"call_id": call_id, "token": callback_token(call_id)})
    return settings.PUBLIC_BASE_URL + path
