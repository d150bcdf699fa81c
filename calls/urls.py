from django.urls import path

from . import callback_view, recordings, views, views_log, views_placing

urlpatterns = [
    path("", views.home, name="home"),
    path("calls/", views_log.CallLogView.as_view(), name="call-log"),
    path("calls/export.csv", views_log.export_calls, name="call-export"),
    path("calls/new/", views_placing.new_call, name="call-new"),
    path("calls/new/flow/", views_placing.new_flow_call, name="call-new-flow"),
    path("calls/lookup/", views_placing.number_lookup, name="number-lookup"),
    path("calls/<int:call_id>/", views_placing.call_detail, name="call-detail"),
    path("calls/<int:call_id>/refresh/", views_placing.refresh_call, name="call-refresh"),
    path("calls/<int:call_id>/status/", views_placing.call_status, name="call-status"),
    path("calls/<int:call_id>/recording/", recordings.call_recording, name="call-recording"),
    path(
        "callbacks/exotel/<int:call_id>/<str:token>/",
        callback_view.exotel_callback,
        name="exotel-callback",
    ),
]
