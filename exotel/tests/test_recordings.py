"""Which recording links the client will fetch, and with what credentials."""

import base64

import pytest

from exotel.client import ExotelClient, ExotelRejected, ExotelServerError

from .test_client import KEY, SID, TOKEN, FakeExotel, Reply

HOSTS = ("*.exotel.com", "recordings.example-storage.in")


def client(base_url="https://api.exotel.com"):
    return ExotelClient(base_url, SID, KEY, TOKEN, recording_hosts=HOSTS)


@pytest.mark.parametrize(
    "url",
    [
        "https://recordings.exotel.com/exotelrecordings/acme1/abc.mp3",
        "https://s3.exotel.com/a.mp3",
        "https://recordings.example-storage.in/a.mp3?Signature=x",
    ],
)
def test_it_allows_https_links_on_listed_hosts(url):
    assert client().recording_url_allowed(url)


@pytest.mark.parametrize(
    "url",
    [
        "http://recordings.exotel.com/a.mp3",  # not https
        "https://exotel.com.attacker.in/a.mp3",
        "https://recordings.exotel.com@attacker.in/a.mp3",
        "https://user:pass@recordings.exotel.com/a.mp3",
        "https://attacker.in/recordings.exotel.com/a.mp3",
        "https://sub.recordings.example-storage.in/a.mp3",  # listed exactly, not as *.
        "file:///etc/passwd",
        "https://169.254.169.254/latest/meta-data/",
        "http://127.0.0.1:8001/a.mp3",  # loopback, but not the sandbox this client uses
        "",
    ],
)
def test_it_refuses_every_other_link(url):
    assert not client().recording_url_allowed(url)


def test_a_local_sandbox_is_allowed_only_on_its_own_address():
    sandbox = client("http://127.0.0.1:8001")
    assert sandbox.recording_url_allowed("http://127.0.0.1:8001/exotelrecordings/acme1/abc.mp3")
    assert not sandbox.recording_url_allowed("http://127.0.0.1:8002/exotelrecordings/acme1/abc.mp3")
    assert not client("http://10.0.0.5:8001").recording_url_allowed("http://10.0.0.5:8001/a.mp3")


def basic_auth(seen):
    header = seen.headers.get("Authorization", "")
    return base64.b64decode(header.removeprefix("Basic ")).decode() if header else None


def test_it_fetches_with_the_api_credentials_and_passes_the_range_on():
    with FakeExotel() as exotel:
        exotel.will(Reply(206, "abc", "audio/mpeg", {"Content-Range": "bytes 0-2/10"}))
        response = client(exotel.url).open_recording(f"{exotel.url}/r/a.mp3", byte_range="bytes=0-2")
        assert response.status_code == 206 and response.content == b"abc"
    assert basic_auth(exotel.seen[0]) == f"{KEY}:{TOKEN}"
    assert exotel.seen[0].headers["Range"] == "bytes=0-2"


def test_a_presigned_link_goes_without_credentials():
    with FakeExotel() as exotel:
        exotel.will(Reply(200, "abc", "audio/mpeg"))
        client(exotel.url).open_recording(f"{exotel.url}/r/a.mp3?Expires=9&Signature=s").close()
    assert basic_auth(exotel.seen[0]) is None


def test_it_refuses_a_link_off_the_list_without_sending_anything():
    with FakeExotel() as exotel, pytest.raises(ExotelRejected, match="not on an allowed"):
        client(exotel.url).open_recording("https://attacker.in/a.mp3")
    assert exotel.seen == []


def test_it_follows_a_redirect_only_to_an_allowed_host():
    with FakeExotel() as exotel:
        exotel.will(Reply(302, "", headers={"Location": "https://attacker.in/a.mp3"}))
        with pytest.raises(ExotelRejected, match="not on an allowed"):
            client(exotel.url).open_recording(f"{exotel.url}/r/a.mp3")
        exotel.will(Reply(302, "", headers={"Location": "/r/b.mp3"}), Reply(200, "b", "audio/mpeg"))
        assert client(exotel.url).open_recording(f"{exotel.url}/r/a.mp3").content == b"b"
    assert exotel.seen[-1].path == "/r/b.mp3"


@pytest.mark.parametrize(
    ("status", "error"), [(404, ExotelRejected), (401, ExotelRejected), (503, ExotelServerError)]
)
def test_failures_become_typed_errors_without_secrets(status, error):
    with FakeExotel() as exotel:
        exotel.will(Reply(status, f"echo {TOKEN}", "text/plain"))
        with pytest.raises(error) as raised:
            client(exotel.url).open_recording(f"{exotel.url}/r/a.mp3")
    assert TOKEN not in raised.value.message and str(status) in raised.value.message
