"""GET (or HEAD) /exotelrecordings/<account>/<call>.mp3: call recordings, private as on Exotel since Oct 2024.

A request needs the API key and token as HTTP Basic auth (401 without), or the `Expires` and `Signature` of
a PreSignedRecordingUrl (see `render.presigned`) that has not expired; a wrong or expired one gets 403.
A recording exists once a recorded, answered call is over (404 before, and for calls without one).

The body is a silent MP3 as long as the conversation (at least a second): a bare stream, no ID3 tag, of MPEG-1
Layer III frames at 32 kbps, 32 kHz, mono, whose all-zero side information and main data decode as silence.
One `Range: bytes=...` range is served with 206 for seeking; an unsatisfiable one gets 416, a malformed one
(or several ranges) is ignored. Recording requests are logged with the API's but don't count against its rate
limit, which Exotel applies to the API.
"""

import hmac
import re

from sandbox import clock
from sandbox.api import authenticated, log_request, unauthorized
from sandbox.calls import RECORDINGS_PATH, recording_url
from sandbox.errors import ApiError
from sandbox.messages import Request, Response
from sandbox.render import rest_exception, signature

PATH = re.compile(re.escape(RECORDINGS_PATH) + r"/(?P<account>[^/]+)/(?P<sid>[^/]+)\.mp3")
METHODS = ("GET", "HEAD")
CONTENT_TYPE = "audio/mpeg"
# Frame header: sync, MPEG-1, Layer III, no CRC | 32 kbps, 32 kHz, no padding | mono, no emphasis.
FRAME_HEADER = bytes.fromhex("FFFB18C0")
FRAME_BYTES = 144  # 144 x bitrate / sample rate
SAMPLES_PER_FRAME = 1152  # 36 ms at 32 kHz
SAMPLE_RATE = 32000
SILENT_FRAME = FRAME_HEADER + bytes(FRAME_BYTES - len(FRAME_HEADER))
RANGE = re.compile(r"bytes\s*=\s*(?P<first>\d*)\s*-\s*(?P<last>\d*)", re.IGNORECASE | re.ASCII)


class Unsatisfiable(Exception):
    """The Range asks only for bytes past the end."""


def handle(app, request: Request) -> Response:
    try:
        response = _serve(app, request)
    except ApiError as error:
        response = rest_exception(error.status, error.message, "json", error.headers)
    log_request(app, request, response)
    return response


def _serve(app, request: Request) -> Response:
    path = PATH.fullmatch(request.path)
    if not path:
        raise ApiError(404, f"The requested resource {request.path} was not found")
    if request.method not in METHODS:
        raise ApiError(405, f"Method {request.method} is not allowed here", {"Allow": ", ".join(METHODS)})
    _authorize(request, app.config, path["account"], path["sid"])
    call = app.state.call(path["sid"])
    if (
        call is None
        or call.account_sid != path["account"]
        or call.recording_url is None
        or not call.is_over(clock.now())
    ):
        raise ApiError(404, f"There is no recording for call {path['sid']}")
    total = mp3_length(call.timeline.conversation)
    headers = {"Accept-Ranges": "bytes"}
    try:
        wanted = byte_range(request.headers.get("range"), total)
    except Unsatisfiable:
        headers["Content-Range"] = f"bytes */{total}"
        raise ApiError(416, f"Range Not Satisfiable: the recording has {total} bytes", headers) from None
    if wanted is None:
        return Response(200, silent_mp3_bytes(0, total - 1), CONTENT_TYPE, headers)
    first, last = wanted
    headers["Content-Range"] = f"bytes {first}-{last}/{total}"
    return Response(206, silent_mp3_bytes(first, last), CONTENT_TYPE, headers)


def _authorize(request: Request, config, account: str, sid: str) -> None:
    if authenticated(request, config):
        return
    query = request.query
    if "Expires" not in query and "Signature" not in query:
        raise unauthorized()
    expires = query.get("Expires", "")
    url = recording_url(config.recordings_base, account, sid)
    valid = re.fullmatch(r"\d{1,12}", expires, re.ASCII) and hmac.compare_digest(
        query.get("Signature", "").encode(), signature(url, int(expires)).encode()
    )
    if not valid:
        raise ApiError(403, "The signature of this pre-signed recording URL is not valid")
    if int(expires) <= clock.now():
        raise ApiError(403, "This pre-signed recording URL has expired")


def mp3_length(seconds: int) -> int:
    """Bytes in a recording of `seconds` (at least 1): whole frames, within half a frame (18 ms) of it."""
    frames = round(max(seconds, 1) * SAMPLE_RATE / SAMPLES_PER_FRAME)
    return frames * FRAME_BYTES


def silent_mp3_bytes(first: int, last: int) -> bytes:
    """Bytes `first` to `last` (inclusive) of a silent recording: all frames are alike, so make only those."""
    first_frame, last_frame = first // FRAME_BYTES, last // FRAME_BYTES
    start = first_frame * FRAME_BYTES
    return (SILENT_FRAME * (last_frame - first_frame + 1))[first - start : last - start + 1]


def byte_range(header: str | None, total: int) -> tuple[int, int] | None:
    """The inclusive byte range a Range header asks of `total` bytes, or None to send them all.

    `bytes=a-b`, `bytes=a-` and `bytes=-n` (the last n) are understood; anything else, including several
    ranges, is ignored. Raises Unsatisfiable when the range starts past the end or asks for the last 0 bytes.
    """
    match = RANGE.fullmatch((header or "").strip())
    if not match or not (match["first"] or match["last"]):
        return None
    if not match["first"]:
        suffix = int(match["last"])
        if suffix == 0:
            raise Unsatisfiable
        return max(total - suffix, 0), total - 1
    first = int(match["first"])
    if match["last"] and int(match["last"]) < first:
        return None  # invalid, so ignored (RFC 9110 14.1.1)
    if first >= total:
        raise Unsatisfiable
    return first, min(int(match["last"] or total - 1), total - 1)
