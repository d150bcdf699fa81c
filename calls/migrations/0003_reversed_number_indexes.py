from django.db import migrations

# "Number ends with 43210" is reverse(number) LIKE '01234%': a prefix search a B-tree answers on PostgreSQL
# (text_pattern_ops makes LIKE use it under any collation). SQLite, for small logs, scans instead.
INDEXES = {
    "call_from_reversed": "from_number",
    "call_to_reversed": "to_number",
}


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name, column in INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON calls_call (reverse("{column}") text_pattern_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("calls", "0002_phone_number_index")]
    operations = [migrations.RunPython(create, drop)]
