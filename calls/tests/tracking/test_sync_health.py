"""The sync-health panel: linked from the navigation for managers and admins, closed to agents."""


def test_admins_see_the_link_and_the_panel(client, admin):
    client.force_login(admin)
    assert 'href="/ops/sync/"' in client.get("/").content.decode()
    assert client.get("/ops/sync/").status_code == 200


def test_managers_see_the_link_and_the_panel(client, manager):
    client.force_login(manager)
    assert 'href="/ops/sync/"' in client.get("/").content.decode()
    assert client.get("/ops/sync/").status_code == 200


def test_agents_see_neither(client, agent):
    client.force_login(agent)
    assert 'href="/ops/sync/"' not in client.get("/").content.decode()
    assert client.get("/ops/sync/").status_code == 403
