from django.contrib.auth.management import create_permissions
from django.db import migrations

ROLE_PERMISSIONS = {
    "Agent": [
        "calls.place_call",
        "calls.view_call",
    ],
    "Manager": [
        "calls.place_call",
        "calls.view_call",
        "calls.view_all_calls",
        "calls.export_calls",
        "calls.view_callevent",
        "numbers.view_exophone",
        "numbers.view_flow",
    ],
    "Admin": [
        "calls.place_call",
        "calls.view_call",
        "calls.view_all_calls",
        "calls.export_calls",
        "calls.view_callevent",
        "numbers.add_exophone",
        "numbers.change_exophone",
        "numbers.delete_exophone",
        "numbers.view_exophone",
        "numbers.add_flow",
        "numbers.change_flow",
        "numbers.delete_flow",
        "numbers.view_flow",
        "auth.add_user",
        "auth.change_user",
        "auth.delete_user",
        "auth.view_user",
        "auth.view_group",
        "accounts.add_agentprofile",
        "accounts.change_agentprofile",
        "accounts.delete_agentprofile",
        "accounts.view_agentprofile",
    ],
}


def create_role_groups(apps, schema_editor):
    # Permissions are normally created after all migrations; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for role, codes in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=role)
        for code in codes:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


def remove_role_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=ROLE_PERMISSIONS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("calls", "0001_initial"),
        ("numbers", "0001_initial"),
    ]

    operations = [migrations.RunPython(create_role_groups, remove_role_groups)]
