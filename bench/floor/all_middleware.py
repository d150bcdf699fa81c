"""The app's settings with every middleware on the callback path, as before callbacks_bypass: measured in
the same run as the app and the floor (bench/callbacks.py --floor)."""

from exotel_dashboard.settings import *  # noqa: F403
from exotel_dashboard.settings import MIDDLEWARE

MIDDLEWARE = [name for name in MIDDLEWARE if not name.endswith("CallbacksBypassMiddleware")]
