from django.contrib.auth.management import create_permissions
from django.db import migrations

# Admins keep the wrap-up's dispositions in the admin, and see a call's wrap-up and its versions there.
ADMIN_PERMISSIONS = [
    "calls.add_disposition",
    "calls.change_disposition",
    "calls.delete_disposition",
    "calls.view_disposition",
    "calls.view_wrapup",
    "calls.view_wrapupversion",
]


def grant_admins(apps, schema_editor):
    # Permissions are normally created after all migrations; the Admin group needs these now.
    app_config = apps.get_app_config("calls")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    for group in apps.get_model("auth", "Group").objects.filter(name="Admin"):
        for code in ADMIN_PERMISSIONS:
            app_label, codename = code.split(".")
            group.permissions.add(
                Permission.objects.get(content_type__app_label=app_label, codename=codename)
            )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0004_admins_see_audit_logins_and_tasks"),
        ("calls", "0010_team_day"),
    ]

    operations = [migrations.RunPython(grant_admins, migrations.RunPython.noop)]
