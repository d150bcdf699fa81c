"""Rows inserted by PostgreSQL's COPY, and model instances inserted that way as bulk_create inserts them.

bulk_create on PostgreSQL sends a batch's values as one array per column, and psycopg quotes those arrays in
Python: a fifth of the sync's CPU for a page of 100 calls and their events. COPY's rows are written by
psycopg's C code.
"""

import time

from django.db import connection


def copy_rows(model, fields, rows):
    """COPY `rows` (a value per field, in the fields' order) into the model's table (PostgreSQL only).

    Errors arrive as Django's (an IntegrityError for a duplicate), and the COPY is counted where Django's
    query log counts the other statements.
    """
    quote = connection.ops.quote_name
    columns = ", ".join(quote(field.column) for field in fields)
    statement = f"COPY {quote(model._meta.db_table)} ({columns}) FROM STDIN"
    began, written = time.monotonic(), 0
    with (
        connection.wrap_database_errors,
        connection.cursor() as cursor,
        cursor.cursor.copy(statement) as copy,
    ):
        for row in rows:
            copy.write_row(row)
            written += 1
    if connection.queries_logged:
        taken = time.monotonic() - began
        connection.queries_log.append({"sql": f"{statement} ({written} rows)", "time": f"{taken:.3f}"})


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
    fields = [field for field in model._meta.concrete_fields if not field.generated]
    if with_ids:
        _give_ids(model._meta, [instance for instance in instances if instance.pk is None])
    else:
        fields = [field for field in fields if not field.primary_key]
    copy_rows(model, fields, (_values(instance, fields) for instance in instances))
    for instance in instances:
        instance._state.adding = False
        instance._state.db = connection.alias


def _values(instance, fields):
    instance._prepare_related_fields_for_save(operation_name="insert_instances")  # as bulk_create does
    return [field.get_db_prep_save(field.pre_save(instance, True), connection) for field in fields]


def _give_ids(meta, instances):
    if not instances:
        return
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s) ORDER BY 1",
            [meta.db_table, meta.pk.column, len(instances)],
        )
        ids = cursor.fetchall()
    for instance, (pk,) in zip(instances, ids, strict=True):
        instance.pk = pk
