"""A local imitation of the Exotel Voice v1 REST API, for the demo, development and integration tests.

A separate server with its own state: it never imports the Django app. Start it with
``python -m sandbox --port 8001``, or from Python with ``SandboxServer(SandboxConfig(...)).start()``.
"""
