"""The project's URLs plus one view with a bug, for the 500 page's tests."""

from django.urls import path

from exotel_dashboard.urls import handler403, handler404, handler500, urlpatterns

__all__ = ["handler403", "handler404", "handler500", "urlpatterns"]


def broken(request):
    raise RuntimeError("a bug in a view")


urlpatterns = [path("broken/", broken), *urlpatterns]
