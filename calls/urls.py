from django.urls import path, register_converter

from . import recordings, views
from .live import views as live
from .log import views as log
from .missed import views as missed
from .overview import views as overview
from .placing import views as placing
from .tracking import callbacks
from .tracking import views as tracking
from .tracking.tokens import TokenConverter
from .wrapup import views as wrapup

register_converter(TokenConverter, "callback_token")

urlpatterns = [
    path("", overview.home, name="home"),
    path("calls/", log.CallLogView.as_view(), name="call-log"),
    path("calls/export.csv", log.export_calls, name="call-export"),
    path("calls/new/", placing.new_call, name="call-new"),
    path("calls/new/flow/", placing.new_flow_call, name="call-new-flow"),
    path("calls/lookup/", placing.number_lookup, name="number-lookup"),
    path("calls/<int:call_id>/", views.call_detail, name="call-detail"),
    path("calls/<int:call_id>/refresh/", views.refresh_call, name="call-refresh"),
    path("calls/<int:call_id>/status/", views.call_status, name="call-status"),
    path("calls/<int:call_id>/recording/", recordings.call_recording, name="call-recording"),
    # The wrap-up's view sits below the call page's, so it is handed the page to show its form's errors on.
    path("calls/<int:call_id>/wrap-up/", wrapup.wrap_up, {"call_page": views.call_page}, name="call-wrap-up"),
    path("live/", live.wallboard, name="live"),
    path("live/board/", live.board, name="live-board"),
    path("live/mine/", live.my_live_call, name="live-mine"),
    path("missed/", missed.queue, name="missed"),
    path("missed/dismissed/", missed.dismissed, name="missed-dismissed"),
    path("missed/<int:row_id>/claim/", missed.claim, name="missed-claim"),
    path("missed/<int:row_id>/dismiss/", missed.dismiss, name="missed-dismiss"),
    path("ops/sync/", tracking.sync_health, name="sync-health"),
    path(
        "callbacks/exotel/<int:call_id>/<callback_token:token>/",
        callbacks.exotel_callback,
        name="exotel-callback",
    ),
]
