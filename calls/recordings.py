"""Recordings, played through our own authenticated proxy: the browser never sees Exotel's credentials."""

from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.debug import sensitive_variables
from django.views.decorators.http import require_GET

from audit.models import Action
from audit.services import audit_object
from exotel.client import ExotelError
from lib.roles import role_required

from .selectors import calls_visible_to
from .shared_client import shared_client

CHUNK_BYTES = 64 * 1024
PASSED_HEADERS = ("Content-Length", "Content-Range", "Last-Modified", "ETag")
AUDIO_TYPES = ("audio/", "application/octet-stream")


@sensitive_variables()  # the client and the recording's link (pre-signed ones carry their own permission)
@role_required
@require_GET
def call_recording(request, call_id):
    """Stream the call's recording; Range requests pass through, so the player can seek."""
    call = get_object_or_404(calls_visible_to(request.user), pk=call_id)
    if not call.recording_url:
        raise Http404("This call has no recording.")
    byte_range = request.headers.get("Range")
    if not byte_range or byte_range.replace(" ", "") == "bytes=0-":  # a new play, not a seek or a resume
        audit_object(request=request, action=Action.RECORDING_PLAYED, obj=call)
    try:
        # Not throttled: recordings are not API requests and do not count against Exotel's rate limit.
        upstream = shared_client(throttled=False).open_recording(call.recording_url, byte_range=byte_range)
    except ExotelError as exc:
        return _unavailable(exc.message)
    content_type = upstream.headers.get("Content-Type", "audio/mpeg")
    if upstream.status_code != 416 and not content_type.startswith(AUDIO_TYPES):
        upstream.close()
        return _unavailable("Exotel answered with something that is not audio.")
    response = StreamingHttpResponse(
        _chunks(upstream), status=upstream.status_code, content_type=content_type.split(";")[0]
    )
    for name in PASSED_HEADERS:
        if name in upstream.headers:
            response[name] = upstream.headers[name]
    response["Accept-Ranges"] = "bytes"
    response["Cache-Control"] = "private, no-store"
    response["Content-Disposition"] = f'inline; filename="call-{call.pk}.mp3"'
    return response


def _chunks(upstream):
    try:
        yield from upstream.iter_content(CHUNK_BYTES)
    finally:
        upstream.close()


def _unavailable(reason):
    return HttpResponse(
        f"The recording cannot be played right now: {reason}", status=502, content_type="text/plain"
    )
