"""Every bad wrap-up gets a field error on the call page, keeps what was typed, and saves nothing."""

import re
from html import unescape

import pytest

from calls.models import WrapUp
from lib.dates import OUT_OF_RANGE

TYPED_NOTE = "Asked for the refund"


def textarea(html):
    return unescape(re.search(r'<textarea name="note"[^>]*>\n?(.*?)</textarea>', html, re.S).group(1))


def errors_of(html, field):
    block = re.search(rf'<(select|textarea|input)[^>]*name="{field}".*?(?=<label|<button)', html, re.S).group(
        0
    )
    return [
        unescape(error) for error in re.findall(r'<div class="invalid-feedback d-block">(.*?)</div>', block)
    ]


CASES = {
    "a note over 2,000 characters": (
        {"note": "x" * 2001},
        "note",
        "A note holds at most 2,000 characters; this one has 2001.",
    ),
    "a NUL in the note": ({"note": "refund\x00"}, "note", "Null characters are not allowed."),
    "an inactive disposition": ({"disposition": "Old campaign"}, "disposition", "not offered any more"),
    "an unknown disposition": ({"disposition": "999999"}, "disposition", "not offered any more"),
    "a disposition beyond any key": ({"disposition": "9" * 400}, "disposition", "not offered any more"),
    "a follow-up in the year 9999": ({"follow_up_at": "9999-12-31T23:59"}, "follow_up_at", OUT_OF_RANGE),
    "a follow-up before 2000": ({"follow_up_at": "1999-12-31T10:00"}, "follow_up_at", OUT_OF_RANGE),
    "a follow-up that is no date": (
        {"follow_up_at": "next Friday"},
        "follow_up_at",
        "Enter a valid date/time.",
    ),
    "a follow-up that has passed": (
        {"follow_up_at": "2020-01-01T10:00"},
        "follow_up_at",
        "This time has passed",
    ),
    "two follow-ups": (
        {"follow_up_at": ["2030-01-01T10:00", "2030-01-02T10:00"]},
        "follow_up_at",
        "Enter one date",
    ),
}


@pytest.mark.parametrize("case", CASES)
def test_a_bad_field_is_named_and_nothing_typed_is_lost(agent_client, ended_call, dispositions, case):
    given, field, message = CASES[case]
    if given.get("disposition") == "Old campaign":
        given = {"disposition": dispositions["Old campaign"].pk}
    data = {"note": TYPED_NOTE, "disposition": dispositions["Resolved"].pk, "version": "0"} | given
    response = agent_client.post(f"/calls/{ended_call.pk}/wrap-up/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "<h1" in html and 'data-testid="events"' in html  # the whole call page
    assert any(message in error for error in errors_of(html, field)), errors_of(html, field)
    assert "is-invalid" in re.search(rf'<(select|textarea|input)[^>]*name="{field}"[^>]*>', html).group(0)
    assert textarea(html) == data["note"]
    assert not WrapUp.objects.exists()


def test_a_note_of_2000_characters_with_line_breaks_fits(agent_client, ended_call):
    note = ("y" * 99 + "\r\n") * 20  # 2,000 as the browser counts them, 2,020 as posted
    response = agent_client.post(f"/calls/{ended_call.pk}/wrap-up/", {"note": note[:-2], "version": "0"})
    assert response.status_code == 302
    assert len(WrapUp.objects.get().note) == 1999


def test_the_textarea_says_its_limit(agent_client, ended_call):
    html = agent_client.get(f"/calls/{ended_call.pk}/").content.decode()
    assert re.search(r'<textarea name="note"[^>]*maxlength="2000"', html)
    assert "Up to 2,000 characters." in html


def test_an_empty_wrap_up_asks_for_a_disposition_or_a_note(agent_client, ended_call):
    response = agent_client.post(f"/calls/{ended_call.pk}/wrap-up/", {"note": "   ", "version": "0"})
    assert response.status_code == 400
    assert "Choose a disposition or write a note (or both)." in response.content.decode()
    assert not WrapUp.objects.exists()


@pytest.mark.parametrize("version", ["", "-1", "abc", str(2**63)])
def test_a_form_without_its_version_says_it_expired(agent_client, ended_call, version):
    response = agent_client.post(f"/calls/{ended_call.pk}/wrap-up/", {"note": TYPED_NOTE, "version": version})
    assert response.status_code == 400
    html = response.content.decode()
    assert "This form expired. Reload the page and try again." in html
    assert textarea(html) == TYPED_NOTE
    assert not WrapUp.objects.exists()
