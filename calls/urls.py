from django.urls import path

from . import callback_view, views

urlpatterns = [
    path("", views.home, name="home"),
    path(
        "callbacks/exotel/<int:call_id>/<str:token>/",
        callback_view.exotel_callback,
        name="exotel-callback",
    ),
]
