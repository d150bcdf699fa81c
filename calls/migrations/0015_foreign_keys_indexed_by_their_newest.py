# The calls' agent, ExoPhone and flow: no index of their own, since call_agent_newest, call_exophone_newest
# and call_flow_newest begin with them. Only the indexes go: AlterField would also drop each foreign key and
# add it again, checking every call (seconds a key at ten million calls, the table locked meanwhile).

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEXES = {
    "calls_call_agent_id_bc37e002": "agent_id",
    "calls_call_exophone_id_e5bbfcdc": "exophone_id",
    "calls_call_flow_id_456b9060": "flow_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("calls", "0014_unique_without_pattern_indexes"),
        ("numbers", "0002_exophone_refused_by_exotel"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="call",
                    name="agent",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="calls",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="call",
                    name="exophone",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="calls",
                        to="numbers.exophone",
                    ),
                ),
                migrations.AlterField(
                    model_name="call",
                    name="flow",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="calls",
                        to="numbers.flow",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    f'DROP INDEX IF EXISTS "{name}"', f'CREATE INDEX "{name}" ON "calls_call" ("{column}")'
                )
                for name, column in INDEXES.items()
            ],
        ),
    ]
