# Call.sid and CallEvent.dedupe_key: unique by a constraint of the name PostgreSQL gave `unique=True`, so the
# constraint stays as it is; only the pattern index Django made beside it goes (none on SQLite).

from django.db import migrations, models

PATTERN_INDEXES = {
    "calls_call_sid_89aa7e5f_like": ("calls_call", "sid"),
    "calls_callevent_dedupe_key_d69c65c3_like": ("calls_callevent", "dedupe_key"),
}


def drop_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in PATTERN_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")


def make_pattern_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        quote = schema_editor.quote_name
        for name, (table, column) in PATTERN_INDEXES.items():
            schema_editor.execute(f"CREATE INDEX {quote(name)} ON {quote(table)} ({quote(column)} varchar_pattern_ops)")


class Migration(migrations.Migration):
    dependencies = [("calls", "0013_call_has_wrap_up")]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="call",
                    name="sid",
                    field=models.CharField(blank=True, max_length=64, null=True, verbose_name="Exotel Sid"),
                ),
                migrations.AlterField(
                    model_name="callevent",
                    name="dedupe_key",
                    field=models.CharField(max_length=200),
                ),
                migrations.AddConstraint(
                    model_name="call",
                    constraint=models.UniqueConstraint(
                        fields=("sid",),
                        name="calls_call_sid_key",
                        violation_error_message="Another call has this Sid.",
                    ),
                ),
                migrations.AddConstraint(
                    model_name="callevent",
                    constraint=models.UniqueConstraint(
                        fields=("dedupe_key",),
                        name="calls_callevent_dedupe_key_key",
                        violation_error_message="This event is recorded already.",
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(drop_pattern_indexes, make_pattern_indexes)],
        ),
    ]
