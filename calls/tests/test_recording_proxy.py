"""/calls/<id>/recording/: streamed from the sandbox over a real socket, seekable, scoped, audited."""

import pytest
import requests

from audit.models import AuditEntry

from .factories import make_call


@pytest.fixture
def recorded(sandbox, settings, agent):
    settings.EXOTEL_API_URL = sandbox.url
    settings.EXOTEL_SID, settings.EXOTEL_API_KEY, settings.EXOTEL_API_TOKEN = (
        sandbox.sid,
        sandbox.api_key,
        sandbox.api_token,
    )
    exotel_call = sandbox.inject_call(From="09812345601", Record="true", Duration="60")
    call = make_call(
        sid=exotel_call["sid"], agent=agent, status="completed", recording_url=exotel_call["recording_url"]
    )
    original = requests.get(exotel_call["recording_url"], auth=sandbox.auth, timeout=10).content
    return call, original


def test_the_owner_plays_the_recording_exactly_as_exotel_has_it(client, agent, recorded, sandbox):
    call, original = recorded
    client.force_login(agent)
    response = client.get(f"/calls/{call.pk}/recording/")
    assert response.status_code == 200
    assert response["Content-Type"] == "audio/mpeg" and response["Accept-Ranges"] == "bytes"
    assert b"".join(response.streaming_content) == original
    assert int(response["Content-Length"]) == len(original)
    assert "Authorization" not in response and sandbox.api_token not in str(response.items())


def test_seeking_asks_exotel_for_just_those_bytes(client, agent, recorded):
    call, original = recorded
    client.force_login(agent)
    response = client.get(f"/calls/{call.pk}/recording/", headers={"Range": "bytes=1000-1999"})
    assert response.status_code == 206
    assert response["Content-Range"] == f"bytes 1000-1999/{len(original)}"
    assert b"".join(response.streaming_content) == original[1000:2000]
    beyond = client.get(f"/calls/{call.pk}/recording/", headers={"Range": f"bytes={len(original) + 5}-"})
    assert beyond.status_code == 416


def test_a_play_is_audited_once_and_seeks_are_not(client, agent, recorded):
    call, _ = recorded
    client.force_login(agent)
    for byte_range in ("bytes=0-", "bytes=5000-", "bytes=9000-"):
        b"".join(client.get(f"/calls/{call.pk}/recording/", headers={"Range": byte_range}).streaming_content)
    entry = AuditEntry.objects.get()
    assert (entry.actor_name, entry.action, entry.target_id) == ("asha", "recording-played", str(call.pk))


def test_another_agents_recording_is_404_and_a_manager_may_play_it(client, other_agent, manager, recorded):
    call, _ = recorded
    client.force_login(other_agent)
    assert client.get(f"/calls/{call.pk}/recording/").status_code == 404
    client.force_login(manager)
    assert client.get(f"/calls/{call.pk}/recording/").status_code == 200


def test_a_call_without_a_recording_is_404(client, agent):
    call = make_call(agent=agent, status="completed")
    client.force_login(agent)
    assert client.get(f"/calls/{call.pk}/recording/").status_code == 404


@pytest.mark.parametrize(
    "url",
    ["https://attacker.example/a.mp3", "http://recordings.exotel.com/a.mp3", "file:///etc/passwd"],
)
def test_links_off_the_allow_list_are_never_fetched(client, agent, recorded, sandbox, url):
    call, _ = recorded
    call.recording_url = url
    call.save()
    client.force_login(agent)
    before = len(sandbox.requests())
    response = client.get(f"/calls/{call.pk}/recording/")
    assert response.status_code == 502
    assert "not on an allowed Exotel host" in response.content.decode()
    assert len(sandbox.requests()) == before


def test_when_exotel_has_lost_the_recording_the_user_is_told(client, agent, recorded, sandbox):
    call, _ = recorded
    call.recording_url = call.recording_url.replace(call.sid, "0" * 32)
    call.save()
    client.force_login(agent)
    response = client.get(f"/calls/{call.pk}/recording/")
    assert response.status_code == 502
    assert "no such recording" in response.content.decode()


def test_the_call_page_has_a_player_and_no_credentials(client, agent, recorded, sandbox):
    call, _ = recorded
    client.force_login(agent)
    page = client.get(f"/calls/{call.pk}/").content.decode()
    assert f'src="/calls/{call.pk}/recording/"' in page
    assert sandbox.api_token not in page and sandbox.api_key not in page
