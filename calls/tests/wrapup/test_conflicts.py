"""Two people editing one wrap-up at once: neither edit is lost without a word."""

import re
from html import unescape

import pytest

from calls.models import WrapUp, WrapUpVersion
from calls.wrapup.services import StaleWrapUp, wrap_up_write


def hidden_version(html):
    return re.search(r'<input type="hidden" name="version" value="(\d+)"', html).group(1)


def textarea(html):
    return unescape(re.search(r'<textarea name="note"[^>]*>\n?(.*?)</textarea>', html, re.S).group(1))


def test_a_stale_save_is_refused_keeping_the_text_and_showing_the_other_version(
    agent_client, meera, ended_call, dispositions
):
    agent_client.post(f"/calls/{ended_call.pk}/wrap-up/", {"note": "Wants a callback", "version": "0"})
    # Both open the page at version 1; Meera saves first.
    page = agent_client.get(f"/calls/{ended_call.pk}/").content.decode()
    assert hidden_version(page) == "1"
    meera.post(
        f"/calls/{ended_call.pk}/wrap-up/",
        {"disposition": dispositions["Resolved"].pk, "note": "Sorted on the phone", "version": "1"},
    )

    response = agent_client.post(
        f"/calls/{ended_call.pk}/wrap-up/",
        {"disposition": dispositions["Follow-up needed"].pk, "note": "Callback on Monday", "version": "1"},
    )

    assert response.status_code == 409
    html = response.content.decode()
    assert "<h1" in html  # the call page, not a bare error
    error = re.sub(
        r"<[^>]+>", "", re.search(r'data-testid="wrap-up-errors">(.*?)</div></div>', html, re.S).group(1)
    )
    assert "Meera saved this wrap-up while you were editing it" in error
    assert "Yours is still in the form" in error
    assert textarea(html) == "Callback on Monday"
    assert f'<option value="{dispositions["Follow-up needed"].pk}" selected>' in html
    current = re.search(r'data-testid="wrap-up-current">(.*?)</div>', html, re.S).group(1)
    assert "Resolved" in current and "Sorted on the phone" in current and "Meera" in current
    wrap_up = WrapUp.objects.get()
    assert (wrap_up.version, wrap_up.note) == (2, "Sorted on the phone")

    # Saving again, having seen Meera's version, replaces it, and hers is kept.
    assert hidden_version(html) == "2"
    again = agent_client.post(
        f"/calls/{ended_call.pk}/wrap-up/",
        {"disposition": dispositions["Follow-up needed"].pk, "note": "Callback on Monday", "version": "2"},
    )
    assert again.status_code == 302
    assert WrapUp.objects.get().note == "Callback on Monday"
    assert list(WrapUpVersion.objects.values_list("version", "note")) == [
        (2, "Sorted on the phone"),
        (1, "Wants a callback"),
    ]


def test_two_first_versions_at_once_leave_the_second_writer_told(agent, manager, ended_call):
    wrap_up_write(
        call=ended_call,
        by=agent,
        contents={"disposition": None, "note": "A", "follow_up_at": None},
        seen_version=0,
    )
    with pytest.raises(StaleWrapUp) as stale:
        wrap_up_write(
            call=ended_call,
            by=manager,
            contents={"disposition": None, "note": "B", "follow_up_at": None},
            seen_version=0,
        )
    assert stale.value.current.note == "A"
    assert WrapUp.objects.get().note == "A"


def test_a_first_version_that_loses_the_race_for_the_call_is_a_conflict(agent, manager, ended_call):
    """Both found no wrap-up; the other's insert was committed first (the call's one-to-one refuses ours)."""
    from calls.wrapup.services import _first_version

    WrapUp.objects.create(call=ended_call, note="A", written_by=agent, written_at=ended_call.date_created)
    with pytest.raises(StaleWrapUp) as stale:
        _first_version(ended_call, manager, {"disposition": None, "note": "B", "follow_up_at": None})
    assert stale.value.current.note == "A"
