"""Exotel's status callbacks skip the middleware made for people: sessions, users, messages, CSP, time zones,
htmx, lockouts. A callback carries no cookie and gets a plain-text answer; its view checks the token itself.

What stays: the request log and SecurityMiddleware (above this one), the ALLOWED_HOSTS check and the view's
own answers (docs/architecture.md §3). A path under the prefix that names no view goes the usual way, to the
usual 404 page. It saves about 0.1 ms of CPU per callback (bench/README.md, `--floor`): 3 % of the view's
3.4 ms before it applied an observation in one statement, some 6 % of its 1.7 ms since; that middleware loads
nothing for a request without a session cookie, and a callback with one reads no session.
"""

from functools import lru_cache

from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, get_urlconf
from django.urls.resolvers import RegexPattern
from django.utils import timezone

CALLBACKS_PREFIX = "/callbacks/"


class CallbacksBypassMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path_info.startswith(CALLBACKS_PREFIX):
            return self.get_response(request)
        try:
            match = callbacks_resolver(get_resolver(get_urlconf())).resolve(request.path_info)
        except Resolver404:
            return self.get_response(request)
        request.get_host()  # DisallowedHost (400) for a host not allowed, as CommonMiddleware would
        # The zone of whoever this worker served last stays active until a middleware below deactivates it.
        timezone.deactivate()
        request.resolver_match = match
        return match.func(request, *match.args, **match.kwargs)


@lru_cache(maxsize=4)
def callbacks_resolver(root):
    """The root's patterns under the prefix, at its top or in an include without a prefix of its own, in their
    order: resolving a callback walks neither the admin's patterns nor the pages' (10 µs instead of 45)."""
    prefix = CALLBACKS_PREFIX.removeprefix("/")
    patterns = []
    for entry in root.url_patterns:
        included = (
            entry.url_patterns if isinstance(entry, URLResolver) and not str(entry.pattern) else [entry]
        )
        patterns += [p for p in included if isinstance(p, URLPattern) and str(p.pattern).startswith(prefix)]
    return URLResolver(RegexPattern(r"^/"), patterns)
