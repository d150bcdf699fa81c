from django.db import migrations

# "Note contains" is Django's icontains, UPPER("note"::text) LIKE UPPER('%term%') on PostgreSQL: a trigram GIN
# index over the same expression answers it without reading every wrap-up. pg_trgm is required: since
# PostgreSQL 13 the database's owner may create it (a trusted extension). Terms under three characters have no
# trigram and scan; SQLite, for small logs, scans always.
INDEX = "wrapup_note_trigram"


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    schema_editor.execute(
        f'CREATE INDEX IF NOT EXISTS {INDEX} ON calls_wrapup USING gin (UPPER("note"::text) gin_trgm_ops)'
    )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("calls", "0010_team_day")]
    operations = [migrations.RunPython(create, drop)]
