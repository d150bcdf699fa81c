from django.utils import timezone

from calls.models import Call


def make_call(agent, to):
    return Call.objects.create(
        agent=agent, from_number="+919845012301", to_number=to, date_created=timezone.now()
    )


def test_an_agent_sees_only_their_own_calls(client, agent, other_agent):
    make_call(agent, "+919876543210")
    make_call(other_agent, "+919876500099")
    client.force_login(agent)
    html = client.get("/").content.decode()
    assert "+919876543210" in html
    assert "+919876500099" not in html


def test_a_manager_sees_every_call(client, manager, agent, other_agent):
    make_call(agent, "+919876543210")
    make_call(other_agent, "+919876500099")
    client.force_login(manager)
    html = client.get("/").content.decode()
    assert "+919876543210" in html and "+919876500099" in html
