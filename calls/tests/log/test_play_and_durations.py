"""Each row of the log: a play button only with a recording, no audio until it is pressed; m:ss durations."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings

from calls.tests.factories import T0, make_call

from .log_page import column, get

pytestmark = pytest.mark.django_db
PLAY_BUTTON = re.compile(r'<button type="button"[^>]*class="[^"]*play-recording[^"]*"[^>]*>')


def test_a_call_with_a_recording_has_a_play_button_named_for_its_time(manager_client):
    recorded = make_call(sid="rec", date_created=T0, recording_url="https://recordings.exotel.com/a.mp3")
    make_call(sid="silent", date_created=T0 - timedelta(hours=1))
    page = get(manager_client).content.decode()
    (button,) = PLAY_BUTTON.findall(page)
    assert f'data-src="/calls/{recorded.pk}/recording/"' in button
    assert 'aria-label="Play recording of the call at 10:00"' in button  # 04:30 UTC in Kolkata
    assert "<audio" not in page
    assert "https://recordings.exotel.com" not in page  # only ever through our proxy


def test_the_button_names_the_time_in_the_users_zone(manager_client, manager):
    manager.agent_profile.time_zone = "Europe/London"
    manager.agent_profile.save(update_fields=["time_zone"])
    make_call(sid="rec", date_created=T0, recording_url="https://recordings.exotel.com/a.mp3")
    assert 'aria-label="Play recording of the call at 04:30"' in get(manager_client).content.decode()


def test_the_player_comes_from_a_static_script(manager_client):
    make_call(sid="rec", date_created=T0, recording_url="https://recordings.exotel.com/a.mp3")
    page = get(manager_client).content.decode()
    assert '<script src="/static/app/play_recording.js" defer></script>' in page
    script = (Path(settings.BASE_DIR) / "static/app/play_recording.js").read_text()
    assert 'createElement("audio")' in script and "button.dataset.src" in script


def test_an_agent_gets_the_play_button_on_their_own_recorded_calls(client, agent):
    mine = make_call(
        sid="mine", agent=agent, date_created=T0, recording_url="https://recordings.exotel.com/a.mp3"
    )
    client.force_login(agent)
    assert f'data-src="/calls/{mine.pk}/recording/"' in get(client).content.decode()


@pytest.mark.parametrize(
    ("seconds", "shown"),
    [
        (None, "—"),
        (0, "0:00"),
        (7, "0:07"),
        (75, "1:15"),
        (3599, "59:59"),
        (3600, "1:00:00"),
        (3725, "1:02:05"),
    ],
)
def test_durations_read_as_a_clock(manager_client, seconds, shown):
    make_call(sid="one", duration=seconds)
    assert column(get(manager_client), "Duration") == [shown]
