"""Who may wrap up which call, and when the form takes the focus."""

import re

import pytest
from django.test import Client

from calls.models import WrapUp


def wrap(client, call, note="Spoke to them"):
    return client.post(f"/calls/{call.pk}/wrap-up/", {"note": note, "version": "0"})


def test_an_agent_cannot_wrap_up_anothers_call(agent_client, others_call):
    assert wrap(agent_client, others_call).status_code == 404
    assert not WrapUp.objects.exists()


def test_an_agent_does_not_see_anothers_wrap_up(agent_client, other_agent, others_call):
    WrapUp.objects.create(
        call=others_call, note="Private", written_by=other_agent, written_at=others_call.date_created
    )
    assert agent_client.get(f"/calls/{others_call.pk}/").status_code == 404


@pytest.mark.parametrize("person", ["manager", "admin"])
def test_managers_and_admins_wrap_up_any_call(client, request, others_call, person):
    client.force_login(request.getfixturevalue(person))
    assert wrap(client, others_call).status_code == 302
    assert (
        WrapUp.objects.get(call=others_call).written_by.username == request.getfixturevalue(person).username
    )


def test_strangers_are_sent_to_log_in(client, ended_call):
    response = wrap(client, ended_call)
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert not WrapUp.objects.exists()


def test_the_wrap_up_takes_only_a_post(agent_client, ended_call):
    assert agent_client.get(f"/calls/{ended_call.pk}/wrap-up/").status_code == 405


def test_the_post_needs_its_csrf_token(agent, ended_call):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(agent)
    assert wrap(browser, ended_call).status_code == 403
    assert not WrapUp.objects.exists()


def focused(client, call):
    html = client.get(f"/calls/{call.pk}/").content.decode()
    assert 'data-testid="wrap-up-form"' in html  # the form is there in every case
    return re.findall(r"<(\w+) [^>]*\bautofocus\b[^>]*>", html)


def test_the_agent_whose_call_just_ended_finds_the_wrap_up_focused(agent_client, ended_call):
    assert focused(agent_client, ended_call) == ["select"]
    html = agent_client.get(f"/calls/{ended_call.pk}/").content.decode()
    assert re.search(r'<select name="disposition"[^>]*autofocus', html)


def test_a_live_call_offers_the_form_for_notes_without_focus(agent_client, live_call):
    assert focused(agent_client, live_call) == []
    assert "Notes while you talk are welcome" in agent_client.get(f"/calls/{live_call.pk}/").content.decode()


def test_a_wrapped_up_call_takes_no_focus(agent_client, agent, ended_call):
    WrapUp.objects.create(call=ended_call, note="Done", written_by=agent, written_at=ended_call.date_created)
    assert focused(agent_client, ended_call) == []


def test_a_manager_looking_at_an_agents_ended_call_is_not_focused(manager_client, ended_call):
    assert focused(manager_client, ended_call) == []


def test_the_form_is_not_focused_when_shown_again_with_its_errors(agent_client, ended_call):
    html = agent_client.post(
        f"/calls/{ended_call.pk}/wrap-up/", {"note": "", "version": "0"}
    ).content.decode()
    assert "autofocus" not in re.search(r'<select name="disposition"[^>]*>', html).group(0)
