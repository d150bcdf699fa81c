"""Model instances inserted as bulk_create inserts them, by COPY on PostgreSQL.

bulk_create on PostgreSQL sends a batch's values as one array per column, and psycopg quotes those arrays in
Python: a third of the sync's CPU for a page of 100 calls and their events. COPY's rows are written by
psycopg's C code.
"""

import time

from django.db import connection


def insert_instances(instances, *, with_ids=True):
    """Insert new instances of one model, leaving each with its id as bulk_create does.

    Ids come from the table's sequence in the instances' order, so the first given has the lowest id, as with
    bulk_create; `with_ids=False` leaves them to the table's default and the instances without (one statement
    less). A relation set to an instance saved since (an event's call) takes that instance's id.
    """
    instances = list(instances)
    if not instances:
        return
    model = type(instances[0])
    if connection.vendor != "postgresql":
        model.objects.bulk_create(instances)
        return
    meta = model._meta
    fields = [field for field in meta.concrete_fields if not field.generated]
    if not with_ids:
        fields = [field for field in fields if not field.primary_key]
    quote = connection.ops.quote_name
    # Errors as Django's (an IntegrityError for a duplicate), as bulk_create raises them.
    with connection.wrap_database_errors, connection.cursor() as cursor:
        if with_ids:
            _give_ids(cursor, meta, [instance for instance in instances if instance.pk is None])
        columns = ", ".join(quote(field.column) for field in fields)
        statement = f"COPY {quote(meta.db_table)} ({columns}) FROM STDIN"
        began = time.monotonic()
        with cursor.cursor.copy(statement) as copy:
            for instance in instances:
                _take_related_ids(instance, fields)
                copy.write_row(
                    [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]
                )
    if connection.queries_logged:  # counted where queries are, as the debug cursor counts the others
        taken = time.monotonic() - began
        connection.queries_log.append({"sql": f"{statement} ({len(instances)} rows)", "time": f"{taken:.3f}"})
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias


def _give_ids(cursor, meta, instances):
    if not instances:
        return
    cursor.execute(
        "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
        [meta.db_table, meta.pk.column, len(instances)],
    )
    for instance, (pk,) in zip(instances, cursor.fetchall(), strict=True):
        instance.pk = pk


def _take_related_ids(instance, fields):
    for field in fields:
        if field.is_relation and getattr(instance, field.attname) is None and field.is_cached(instance):
            related = field.get_cached_value(instance)
            if related is not None:
                setattr(instance, field.attname, related.pk)
