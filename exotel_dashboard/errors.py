"""The app's own error pages (handler403/404/500 in urls.py, CSRF_FAILURE_VIEW in settings).

403, 404 and a CSRF failure render with the request, so a person logged in keeps the navigation. The 500
page renders without it, as Django's own does: whatever broke (the database, perhaps) must not break it too.
"""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import defaults


def way_back(request):
    """The page the person came from, when it is one of ours and not this one."""
    referer = request.headers.get("referer", "")
    if not referer or referer.endswith(request.get_full_path()):
        return ""
    ours = url_has_allowed_host_and_scheme(referer, {request.get_host()}, require_https=request.is_secure())
    return referer if ours else ""


def permission_denied(request, exception):
    return render(request, "errors/403.html", {"back_url": way_back(request)}, status=403)


def page_not_found(request, exception):
    return render(request, "errors/404.html", {"back_url": way_back(request)}, status=404)


def server_error(request):
    return defaults.server_error(request, template_name="errors/500.html")


def csrf_failure(request, reason=""):
    return render(request, "errors/csrf_failure.html", {"back_url": way_back(request)}, status=403)
