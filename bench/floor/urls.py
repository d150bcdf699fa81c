from django.urls import path, register_converter

from calls.tracking.tokens import TokenConverter

from .views import callback

register_converter(TokenConverter, "callback_token")

urlpatterns = [path("callbacks/exotel/<int:call_id>/<callback_token:token>/", callback)]
