"""GET /exotelrecordings/<account>/<sid>.mp3: private (Basic auth or pre-signed), a silent MP3, Ranges."""

import time

import pytest
import requests

from sandbox.__main__ import parse_config
from sandbox.render import presigned
from sandbox.tests.helpers import customer, get, place, rest_exception

# MPEG-1 Layer III: kbps by bitrate index, Hz by sample-rate index.
BITRATES = (None, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320)
SAMPLE_RATES = (44100, 48000, 32000)
SAMPLES_PER_FRAME = 1152


def mp3_duration(body: bytes) -> tuple[int, float]:
    """Walk an MP3 stream frame by frame, checking every header; return (frames, seconds)."""
    offset = frames = 0
    seconds = 0.0
    while offset < len(body):
        header = body[offset : offset + 4]
        assert header[0] == 0xFF and header[1] & 0xE0 == 0xE0, f"no frame sync at byte {offset}"
        assert (header[1] >> 3) & 3 == 3, "not MPEG-1"
        assert (header[1] >> 1) & 3 == 1, "not Layer III"
        bitrate, rate = BITRATES[header[2] >> 4], SAMPLE_RATES[(header[2] >> 2) & 3]
        padding = (header[2] >> 1) & 1
        offset += 144 * bitrate * 1000 // rate + padding
        frames += 1
        seconds += SAMPLES_PER_FRAME / rate
    assert offset == len(body), "the last frame is cut short"
    return frames, seconds


def recorded_call(sandbox, **fields) -> tuple[str, str]:
    """Inject a finished, answered, recorded call; return its Sid and RecordingUrl."""
    call = sandbox.inject_call(**({"From": "09812345601", "Record": "true", "Duration": "60"} | fields))
    assert call["recording_url"], call
    return call["sid"], call["recording_url"]


def fetch(url: str, *, auth=None, **headers) -> requests.Response:
    return requests.get(url, auth=auth, headers=headers, timeout=10)


def test_a_recorded_answered_call_has_its_recording_on_the_sandbox_as_a_playable_mp3(sandbox):
    sid = place(sandbox, To=customer("00"), Record="true")  # both answer, then talk for 10 s
    sandbox.wait_for_status(sid, "completed")

    url = get(sandbox, f"Calls/{sid}.json").json()["Call"]["RecordingUrl"]
    response = fetch(url, auth=sandbox.auth)

    assert sandbox.server.port != 0
    assert url == f"http://127.0.0.1:{sandbox.server.port}/exotelrecordings/{sandbox.sid}/{sid}.mp3"
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "audio/mpeg"
    assert response.headers["Accept-Ranges"] == "bytes"
    assert int(response.headers["Content-Length"]) == len(response.content)
    body = response.content
    assert body[:2] == b"\xff\xfb"
    assert not body.startswith(b"ID3")
    frames, seconds = mp3_duration(body)
    assert len(body) == frames * 144
    assert sandbox.call(sid)["conversation"] == 10
    assert seconds == pytest.approx(10, abs=0.036)


def test_the_recording_lasts_as_long_as_the_conversation_and_is_the_same_every_time(sandbox):
    sid, url = recorded_call(sandbox, Duration="300")
    conversation = sandbox.call(sid)["conversation"]

    first = fetch(url, auth=sandbox.auth).content
    again = fetch(url, auth=sandbox.auth).content

    assert conversation > 200
    assert mp3_duration(first)[1] == pytest.approx(conversation, abs=0.036)
    assert first == again


def test_every_recording_url_the_sandbox_gives_points_at_itself(sandbox_factory, receiver):
    sandbox = sandbox_factory(history=40)
    sid = place(sandbox, To=customer("00"), Record="true", StatusCallback=receiver.url)
    sandbox.wait_for_status(sid, "completed")
    injected, _ = recorded_call(sandbox)

    [callback] = receiver.wait_for(1)
    details = get(sandbox, f"Calls/{sid}.json").json()["Call"]["RecordingUrl"]
    listed = {
        call["Sid"]: call["RecordingUrl"]
        for call in get(sandbox, "Calls.json", PageSize="100").json()["Calls"]
    }
    inspected = {call["sid"]: call["recording_url"] for call in sandbox.calls()}

    prefix = f"{sandbox.url}/exotelrecordings/{sandbox.sid}/"
    assert (
        callback["fields"]["RecordingUrl"] == details == listed[sid] == inspected[sid] == f"{prefix}{sid}.mp3"
    )
    assert listed[injected] == inspected[injected] == f"{prefix}{injected}.mp3"
    history = [url for other, url in inspected.items() if url and other not in (injected, sid)]
    assert history
    for url in history:
        assert url.startswith(prefix)
    assert fetch(history[0], auth=sandbox.auth).status_code == 200


def test_recording_urls_can_start_with_another_base_for_clients_that_reach_the_sandbox_elsewhere(
    sandbox_factory,
):
    sandbox = sandbox_factory(recordings_base="http://sandbox.test:9000/")
    sid, url = recorded_call(sandbox)
    signed = get(sandbox, f"Calls/{sid}.json", RecordingUrlValidity="5").json()["Call"][
        "PreSignedRecordingUrl"
    ]

    direct = signed.replace("http://sandbox.test:9000", sandbox.url)

    assert url == f"http://sandbox.test:9000/exotelrecordings/{sandbox.sid}/{sid}.mp3"
    assert fetch(direct).status_code == 200


def test_a_recordings_base_must_be_an_http_url():
    with pytest.raises(SystemExit):
        parse_config(["--recordings-base", "sandbox:9000"], {})

    assert (
        parse_config([], {"SANDBOX_RECORDINGS_BASE": "https://x.test/"}).recordings_base == "https://x.test"
    )


def test_it_refuses_a_recording_without_credentials_with_401(sandbox):
    _, url = recorded_call(sandbox)

    anonymous = fetch(url)
    wrong = fetch(url, auth=(sandbox.api_key, "wrong"))

    assert anonymous.status_code == wrong.status_code == 401
    assert anonymous.headers["WWW-Authenticate"].startswith("Basic")
    assert rest_exception(anonymous)[0] == 401


def test_a_presigned_url_needs_no_credentials_until_it_expires(sandbox):
    sid, url = recorded_call(sandbox)
    call = get(sandbox, f"Calls/{sid}.json", RecordingUrlValidity="5").json()["Call"]

    signed = fetch(call["PreSignedRecordingUrl"])

    assert call["PreSignedRecordingUrl"].startswith(url + "?Expires=")
    assert signed.status_code == 200
    assert signed.content == fetch(url, auth=sandbox.auth).content


def test_an_expired_or_tampered_presigned_url_is_refused_with_403(sandbox):
    sid, url = recorded_call(sandbox)
    other_sid, _ = recorded_call(sandbox)
    good = presigned(url, time.time(), 5)
    expires = good.split("Expires=")[1].split("&")[0]

    refused = {
        "expired": fetch(presigned(url, time.time() - 3600, 5)),
        "signature changed": fetch(good[:-1] + ("0" if good[-1] != "0" else "1")),
        "expiry moved": fetch(good.replace(f"Expires={expires}", f"Expires={int(expires) + 3600}")),
        "no signature": fetch(good.split("&")[0]),
        "no expiry": fetch(url + "?Signature=" + good.split("Signature=")[1]),
        "other call": fetch(good.replace(sid, other_sid)),
    }

    assert {name: answer.status_code for name, answer in refused.items()} == dict.fromkeys(refused, 403)
    assert "expired" in rest_exception(refused["expired"])[1]


def test_valid_credentials_are_enough_even_with_a_stale_signature(sandbox):
    _, url = recorded_call(sandbox)

    assert fetch(presigned(url, time.time() - 3600, 5), auth=sandbox.auth).status_code == 200


def test_there_is_no_recording_for_unknown_unrecorded_unanswered_or_live_calls(sandbox):
    _, url = recorded_call(sandbox)
    base = url.rsplit("/", 1)[0]
    unrecorded = sandbox.inject_call(From="09812345601")["sid"]
    busy = sandbox.inject_call(From="09812345601", Status="busy", Record="true")["sid"]
    live = sandbox.inject_call(From="09812345601", Status="in-progress", Record="true", Duration="3000")
    another_account = url.replace(f"/{sandbox.sid}/", "/someone_else/")

    answers = {
        "unknown": fetch(f"{base}/{'0' * 32}.mp3", auth=sandbox.auth),
        "unrecorded": fetch(f"{base}/{unrecorded}.mp3", auth=sandbox.auth),
        "busy": fetch(f"{base}/{busy}.mp3", auth=sandbox.auth),
        "live": fetch(live["recording_url"], auth=sandbox.auth),
        "another account": fetch(another_account, auth=sandbox.auth),
        "not an mp3": fetch(url.removesuffix(".mp3") + ".wav", auth=sandbox.auth),
    }

    assert {name: answer.status_code for name, answer in answers.items()} == dict.fromkeys(answers, 404)
    assert live["recording_url"] and not sandbox.call(live["sid"])["over"]


def test_a_live_calls_recording_appears_once_the_call_is_over(sandbox_factory):
    sandbox = sandbox_factory(speed=1000)
    live = sandbox.inject_call(From="09812345601", Status="in-progress", Record="true", Duration="1000")

    assert fetch(live["recording_url"], auth=sandbox.auth).status_code == 404
    sandbox.wait_for_status(live["sid"], "completed")
    assert fetch(live["recording_url"], auth=sandbox.auth).status_code == 200


@pytest.mark.parametrize(
    "header, first, last",
    [
        ("bytes=0-99", 0, 99),
        ("bytes=140-300", 140, 300),  # across a frame boundary
        ("bytes=1000-", 1000, None),
        ("bytes=-500", -500, None),
        ("bytes=100-99999999", 100, None),  # the end is clipped to the last byte
        ("bytes=-99999999", 0, None),  # a suffix longer than the body is all of it
        ("bytes=7-7", 7, 7),
        ("Bytes = 10 - 20", 10, 20),
    ],
)
def test_a_range_is_answered_with_206_and_exactly_those_bytes(sandbox, header, first, last):
    _, url = recorded_call(sandbox)
    full = fetch(url, auth=sandbox.auth).content
    total = len(full)
    wanted = full[first : None if last is None else last + 1]
    start = first % total if first < 0 else first

    response = fetch(url, auth=sandbox.auth, Range=header)

    assert response.status_code == 206
    assert response.content == wanted
    assert response.headers["Content-Range"] == f"bytes {start}-{start + len(wanted) - 1}/{total}"
    assert int(response.headers["Content-Length"]) == len(wanted)
    assert response.headers["Content-Type"] == "audio/mpeg"


@pytest.mark.parametrize("header", ["bytes={total}-", "bytes={total}-{end}", "bytes=-0"])
def test_an_unsatisfiable_range_gets_416_with_the_total(sandbox, header):
    _, url = recorded_call(sandbox)
    total = len(fetch(url, auth=sandbox.auth).content)

    response = fetch(url, auth=sandbox.auth, Range=header.format(total=total, end=total + 10))

    assert response.status_code == 416
    assert response.headers["Content-Range"] == f"bytes */{total}"


@pytest.mark.parametrize("header", ["bytes=abc", "items=0-10", "bytes=20-10", "bytes=0-1,5-6", "bytes=-", ""])
def test_a_malformed_range_is_ignored(sandbox, header):
    _, url = recorded_call(sandbox)
    full = fetch(url, auth=sandbox.auth).content

    response = fetch(url, auth=sandbox.auth, Range=header)

    assert response.status_code == 200
    assert response.content == full
    assert "Content-Range" not in response.headers


def test_head_gives_the_headers_without_the_body(sandbox):
    _, url = recorded_call(sandbox)
    total = len(fetch(url, auth=sandbox.auth).content)

    response = requests.head(url, auth=sandbox.auth, timeout=10)
    ranged = requests.head(url, auth=sandbox.auth, headers={"Range": "bytes=0-9"}, timeout=10)

    assert response.status_code == 200
    assert int(response.headers["Content-Length"]) == total
    assert response.content == b""
    assert ranged.status_code == 206
    assert ranged.headers["Content-Range"] == f"bytes 0-9/{total}"


def test_other_methods_are_refused_with_405(sandbox):
    _, url = recorded_call(sandbox)

    response = requests.post(url, auth=sandbox.auth, timeout=10)

    assert response.status_code == 405
    assert response.headers["Allow"] == "GET, HEAD"


def test_recording_fetches_are_logged_but_not_counted_against_the_api_rate_limit(sandbox_factory):
    sandbox = sandbox_factory(rate_limit=2)
    sid, url = recorded_call(sandbox)

    recordings = [fetch(url, auth=sandbox.auth).status_code for _ in range(5)]
    api = [get(sandbox, f"Calls/{sid}.json").status_code for _ in range(3)]
    after_the_limit = fetch(url, auth=sandbox.auth, Range="bytes=0-9").status_code

    assert recordings == [200] * 5
    assert api == [200, 200, 429]
    assert after_the_limit == 206
    logged = [(entry["method"], entry["path"], entry["status"]) for entry in sandbox.requests()]
    path = f"/exotelrecordings/{sandbox.sid}/{sid}.mp3"
    assert logged.count(("GET", path, 200)) == 5
    assert logged[-1] == ("GET", path, 206)
