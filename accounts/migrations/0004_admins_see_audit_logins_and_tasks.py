from django.contrib.auth.management import create_permissions
from django.db import migrations

ADMIN_PERMISSIONS = [
    "audit.view_auditentry",
    # Login lockouts (django-axes): admins see them and lift one by deleting the attempt.
    "axes.view_accessattempt",
    "axes.delete_accessattempt",
    "axes.view_accesslog",
    "axes.view_accessfailurelog",
    "django_tasks_database.view_dbtaskresult",
]


def grant_admins(apps, schema_editor):
    # Permissions are normally created after all migrations; the Admin group needs these now.
    for label in {code.split(".")[0] for code in ADMIN_PERMISSIONS}:
        app_config = apps.get_app_config(label)
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
        ("accounts", "0003_saved_view"),
        ("audit", "0001_initial"),
        ("axes", "0010_accessattemptexpiration"),
        ("django_tasks_database", "0021_conditional_partial_index_ordering"),
    ]

    operations = [migrations.RunPython(grant_admins, migrations.RunPython.noop)]
