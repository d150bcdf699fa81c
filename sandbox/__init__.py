"""A local imitation of the Exotel Voice v1 REST API, for the demo, development and integration tests.

A separate server with its own state: it never imports the Django app. Start it with
``python -m sandbox --port 8001``, or from Python with ``SandboxServer(SandboxConfig(...)).start()``.

Endpoints: the API under ``/v1/Accounts/<sid>/`` (``api``: Calls/connect, Calls, Calls/<Sid>,
Numbers/<number>; HTTP Basic auth, rate limited); recordings at ``/exotelrecordings/<sid>/<call sid>.mp3``
(``recordings``: Basic auth or a pre-signed URL, Range requests, not rate limited); and the sandbox's own
``/_sandbox/`` endpoints (``inspection``: requests, callbacks, calls, reset, config; no auth).
"""
