from django.contrib.auth.models import Group, User

from lib.roles import Role, is_manager, role_of


def test_the_migration_creates_three_role_groups_with_permissions(db):
    groups = {group.name: group for group in Group.objects.all()}
    assert set(groups) >= {"Agent", "Manager", "Admin"}
    agent_perms = set(groups["Agent"].permissions.values_list("codename", flat=True))
    manager_perms = set(groups["Manager"].permissions.values_list("codename", flat=True))
    admin_perms = set(groups["Admin"].permissions.values_list("codename", flat=True))
    assert agent_perms == {"place_call", "view_call"}
    assert {"view_all_calls", "export_calls"} <= manager_perms
    assert "change_exophone" not in manager_perms
    assert {"add_exophone", "change_flow", "change_user", "view_callevent"} <= admin_perms


def test_each_person_holds_their_role(agent, manager, admin):
    assert role_of(agent) is Role.AGENT
    assert role_of(manager) is Role.MANAGER
    assert role_of(admin) is Role.ADMIN
    assert not is_manager(agent)
    assert is_manager(manager) and is_manager(admin)


def test_a_superuser_is_an_admin(db):
    root = User.objects.create_superuser("root", "root@example.in", "x")
    assert role_of(root) is Role.ADMIN


def test_an_inactive_user_has_no_role(agent):
    agent.is_active = False
    assert role_of(agent) is None
