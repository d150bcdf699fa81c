from django.contrib.auth.management import create_permissions
from django.db import migrations


def let_admins_read_the_trail(apps, schema_editor):
    # Permissions are normally created after all migrations; the Admin group needs this one now.
    audit = apps.get_app_config("audit")
    audit.models_module = True
    create_permissions(audit, apps=apps, verbosity=0)
    audit.models_module = None
    view = apps.get_model("auth", "Permission").objects.get(
        content_type__app_label="audit", codename="view_auditentry"
    )
    for group in apps.get_model("auth", "Group").objects.filter(name="Admin"):
        group.permissions.add(view)


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial"), ("accounts", "0002_role_groups")]

    operations = [migrations.RunPython(let_admins_read_the_trail, migrations.RunPython.noop)]
